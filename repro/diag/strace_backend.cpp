#include "repro/diag/strace_backend.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string>

namespace feedbench::diag {

namespace {

bool is_recv(std::string_view name) {
    return name == "read" || name == "readv" || name == "recvfrom" || name == "recvmsg" || name == "recvmmsg" ||
           name == "recv";
}

bool is_wait(std::string_view name) {
    return name == "epoll_wait" || name == "epoll_pwait" || name == "epoll_pwait2" || name == "poll" ||
           name == "ppoll" || name == "select" || name == "pselect6" || name == "_newselect";
}

template <class T>
bool to_number(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p != s.data();
}

// Leading integer of s (the digits only); s advanced past it.
bool take_int(std::string_view& s, std::int64_t& out) {
    std::size_t n = 0;
    if (n < s.size() && s[n] == '-') ++n;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
    if (!to_number(s.substr(0, n), out)) return false;
    s.remove_prefix(n);
    return true;
}

}  // namespace

std::vector<std::string> strace_arguments(int pid) {
    return {"-f",
            "-yy",
            "-T",
            "-s",
            "0",
            "-e",
            "signal=none",
            "-e",
            "trace=read,readv,recvfrom,recvmsg,recvmmsg,epoll_wait,epoll_pwait,epoll_pwait2,poll,ppoll,select,pselect6",
            "-p",
            std::to_string(pid)};
}

bool is_socket_decoration(std::string_view d) {
    if (d.starts_with("socket:[")) return true;
    if (d.empty() || d[0] < 'A' || d[0] > 'Z') return false;
    auto colon = d.find(":[");
    if (colon == std::string_view::npos) return false;
    for (char ch : d.substr(0, colon))
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
            return false;
    return true;
}

void strace_parser::text(std::string_view t) {
    while (!t.empty()) {
        auto nl = t.find('\n');
        line(t.substr(0, nl));
        if (nl == std::string_view::npos) break;
        t.remove_prefix(nl + 1);
    }
}

void strace_parser::line(std::string_view s) {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    int tid = main_tid_;
    if (s.starts_with("[pid ")) {
        s.remove_prefix(5);
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        std::int64_t v = 0;
        if (!take_int(s, v) || !s.starts_with("] ")) return;
        tid = static_cast<int>(v);
        s.remove_prefix(2);
    } else if (!s.empty() && s.front() >= '0' && s.front() <= '9') {  // -o FILE: "PID  call(...)"
        std::int64_t v = 0;
        if (!take_int(s, v) || !s.starts_with(' ')) return;
        tid = static_cast<int>(v);
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    }

    if (s.starts_with("<... ")) {  // "<... read resumed>TAIL"
        auto end = s.find(" resumed>");
        if (end == std::string_view::npos) return;
        auto name = s.substr(5, end - 5);
        auto it = unfinished_.find(tid);
        if (it == unfinished_.end() || it->second.name != name) return;
        auto p = std::move(it->second);
        unfinished_.erase(it);
        finish(tid, name, p.fd, p.socket, s.substr(end + 9));
        return;
    }

    auto paren = s.find('(');
    if (paren == std::string_view::npos || paren == 0) return;
    auto name = s.substr(0, paren);
    for (char ch : name)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return;
    bool recv = is_recv(name), wait = is_wait(name);
    if (!recv && !wait) return;

    auto rest = s.substr(paren + 1);
    std::int64_t fd = -1;
    bool socket = false;
    if (recv) {
        if (!take_int(rest, fd)) return;
        if (rest.starts_with('<')) socket = is_socket_decoration(rest.substr(1));
    }
    if (s.ends_with("<unfinished ...>")) {
        unfinished_[tid] = pending{std::string(name), static_cast<int>(fd), socket};
        return;
    }
    finish(tid, name, static_cast<int>(fd), socket, rest);
}

// tail holds "... ) = RET [ERRNO (text)] [extra] <SECONDS>".
void strace_parser::finish(int tid, std::string_view name, int fd, bool socket, std::string_view tail) {
    auto eq = tail.rfind(" = ");
    if (eq == std::string_view::npos)
        return;  // "= ?" (killed in the call) has no number: rfind finds it, take_int fails
    auto r = tail.substr(eq + 3);
    std::int64_t ret = 0;
    if (!take_int(r, ret)) return;
    if (is_wait(name)) {
        double seconds = 0;
        auto lt = tail.rfind('<');
        if (lt != std::string_view::npos && lt > eq) {
            auto t = tail.substr(lt + 1);
            auto gt = t.find('>');
            if (gt != std::string_view::npos) {
                std::string num(t.substr(0, gt));
                seconds = std::strtod(num.c_str(), nullptr);
            }
        }
        counts_.add_wait(tid, 1, static_cast<std::uint64_t>(seconds * 1e9 + 0.5));
        return;
    }
    if (!socket) return;
    ++calls_seen_;
    if (ret < 0) {
        while (!r.empty() && r.front() == ' ') r.remove_prefix(1);
        ret = r.starts_with("EAGAIN") || r.starts_with("EWOULDBLOCK") ? -EAGAIN : -EIO;
    }
    counts_.add_recv(tid, static_cast<std::uint64_t>(fd), ret);
}

}  // namespace feedbench::diag
