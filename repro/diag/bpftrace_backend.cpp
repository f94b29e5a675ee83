#include "repro/diag/bpftrace_backend.hpp"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <vector>

#include <sys/mount.h>

namespace feedbench::diag {

namespace {

constexpr const char* tracing_dir = "/sys/kernel/tracing";

bool has_event(const std::string& event) {
    std::error_code ec;
    return std::filesystem::exists(std::string(tracing_dir) + "/events/" + event, ec);
}

// Parses the integers of "a, b, c" into out (decimal, negative, or 0x hex; 64 bits, kept as their bits);
// false when any is not an integer.
bool parse_ints(std::string_view s, std::vector<std::int64_t>& out) {
    out.clear();
    while (!s.empty()) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        auto comma = s.find(',');
        auto item = s.substr(0, comma);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        std::int64_t v = 0;
        std::uint64_t u = 0;
        const char* end = item.data() + item.size();
        if (item.starts_with("0x")) {
            auto [p, ec] = std::from_chars(item.data() + 2, end, u, 16);
            if (ec != std::errc{} || p != end) return false;
            v = static_cast<std::int64_t>(u);
        } else if (auto [p, ec] = std::from_chars(item.data(), end, v); ec != std::errc{} || p != end) {
            auto [p2, ec2] = std::from_chars(item.data(), end, u);  // above INT64_MAX: an address
            if (ec2 != std::errc{} || p2 != end) return false;
            v = static_cast<std::int64_t>(u);
        }
        out.push_back(v);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return true;
}

}  // namespace

std::string bpftrace_unavailable_reason(bool mount_tracefs) {
    std::error_code ec;
    if (!std::filesystem::exists(std::string(tracing_dir) + "/events", ec)) {
        if (mount_tracefs) ::mount("nodev", tracing_dir, "tracefs", 0, nullptr);
        if (!std::filesystem::exists(std::string(tracing_dir) + "/events", ec))
            return fmt::format("tracefs is not mounted at {} (as root: mount -t tracefs nodev {})", tracing_dir,
                               tracing_dir);
    }
    for (const char* ev : {"sock/sock_recv_length"})
        if (!has_event(ev))
            return fmt::format("the kernel has no tracepoint {} (Linux 6.3 or later has sock_recv_length)", ev);
    return {};
}

std::string bpftrace_program(int pid) {
    // Per receive: one count() in a per-CPU hash.
    return fmt::format(R"(BEGIN {{ printf("{ready}\n"); }}
tracepoint:sock:sock_recv_length /pid == {pid}/ {{ @rx[tid, (uint64)args->sk, args->ret] = count(); }}
)",
                       fmt::arg("ready", bpftrace_ready_line), fmt::arg("pid", pid));
}

std::size_t parse_bpftrace_output(std::string_view text, trace_counts& counts) {
    std::size_t lines = 0;
    std::vector<std::int64_t> keys;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.size() < 4 || line[0] != '@') continue;
        auto open = line.find('['), close = line.find("]: ");
        if (open == std::string_view::npos || close == std::string_view::npos || close < open) continue;
        auto name = line.substr(1, open - 1);
        if (!parse_ints(line.substr(open + 1, close - open - 1), keys)) continue;
        std::int64_t value = 0;
        auto v = line.substr(close + 3);
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
        if (ec != std::errc{} || value < 0) continue;
        auto n = static_cast<std::uint64_t>(value);
        if (name == "rx" && keys.size() == 3) {
            counts.socket_key = "sk";
            counts.add_recv(static_cast<int>(keys[0]), static_cast<std::uint64_t>(keys[1]), keys[2], n);
        } else {
            continue;
        }
        ++lines;
    }
    return lines;
}

}  // namespace feedbench::diag
