#include "repro/diag/proc_stat.hpp"

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace feedbench::diag {

namespace {

std::string read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// voluntary_ctxt_switches / nonvoluntary_ctxt_switches of a /proc status file.
void read_switches(const std::string& path, cpu_times& t) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        auto value = [&](std::string_view key, std::uint64_t& out) {
            if (!line.starts_with(key)) return;
            std::string_view v(line);
            v.remove_prefix(key.size());
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
            std::from_chars(v.data(), v.data() + v.size(), out);
        };
        value("voluntary_ctxt_switches:", t.voluntary);
        value("nonvoluntary_ctxt_switches:", t.involuntary);
    }
}

std::optional<thread_sample> read_task(const std::string& dir) {
    thread_sample s;
    char state = 0;
    if (!parse_proc_stat(read_first_line(dir + "/stat"), s.comm, state, s.cpu.user_s, s.cpu.system_s))
        return std::nullopt;
    read_switches(dir + "/status", s.cpu);
    std::ifstream sched(dir + "/schedstat");  // "on-cpu-ns run-delay-ns timeslices"
    double on_cpu = 0, delay = 0;
    if (sched >> on_cpu >> delay) s.cpu.run_delay_s = delay / 1e9;
    return s;
}

}  // namespace

cpu_times operator-(const cpu_times& a, const cpu_times& b) {
    cpu_times d;
    d.user_s = a.user_s - b.user_s;
    d.system_s = a.system_s - b.system_s;
    d.run_delay_s = a.run_delay_s - b.run_delay_s;
    d.voluntary = a.voluntary >= b.voluntary ? a.voluntary - b.voluntary : 0;
    d.involuntary = a.involuntary >= b.involuntary ? a.involuntary - b.involuntary : 0;
    return d;
}

bool parse_proc_stat(const std::string& line, std::string& comm, char& state, double& user_s, double& system_s) {
    auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open || close + 2 >= line.size())
        return false;
    comm = line.substr(open + 1, close - open - 1);
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> f;  // f[0] = state (field 3), f[11] = utime (14), f[12] = stime (15)
    std::string w;
    while (f.size() < 13 && rest >> w) f.push_back(w);
    if (f.size() < 13 || f[0].empty()) return false;
    state = f[0][0];
    static const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    try {
        user_s = static_cast<double>(std::stoull(f[11])) / ticks;
        system_s = static_cast<double>(std::stoull(f[12])) / ticks;
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

bool is_wait_syscall(long nr) {
    switch (nr) {
        case SYS_epoll_wait:
        case SYS_epoll_pwait:
        case SYS_poll:
        case SYS_ppoll:
        case SYS_select:
        case SYS_pselect6:
#ifdef SYS_epoll_pwait2
        case SYS_epoll_pwait2:
#endif
            return true;
        default:
            return false;
    }
}

bool in_wait_syscall(int pid, int tid) {
    // "232 0x4 0x7ffd... ..." while blocked in a syscall; "running" or "-1 ..." otherwise.
    auto line = read_first_line("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/syscall");
    long nr = -1;
    if (std::from_chars(line.data(), line.data() + line.size(), nr).ec != std::errc{}) return false;
    return is_wait_syscall(nr);
}

bool process_exists(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM) && process_state(pid) != 0; }

std::string process_comm(int pid) {
    std::string comm;
    char state = 0;
    double u = 0, s = 0;
    parse_proc_stat(read_first_line("/proc/" + std::to_string(pid) + "/stat"), comm, state, u, s);
    return comm;
}

char process_state(int pid) {
    std::string comm;
    char state = 0;
    double u = 0, s = 0;
    if (!parse_proc_stat(read_first_line("/proc/" + std::to_string(pid) + "/stat"), comm, state, u, s)) return 0;
    return state;
}

std::optional<cpu_times> read_process_cpu(int pid) {
    auto dir = "/proc/" + std::to_string(pid);
    std::string comm;
    char state = 0;
    cpu_times t;
    if (!parse_proc_stat(read_first_line(dir + "/stat"), comm, state, t.user_s, t.system_s)) return std::nullopt;
    for (auto& [tid, s] : read_threads(pid)) {
        t.voluntary += s.cpu.voluntary;
        t.involuntary += s.cpu.involuntary;
        t.run_delay_s += s.cpu.run_delay_s;
    }
    return t;
}

std::map<int, thread_sample> read_threads(int pid) {
    std::map<int, thread_sample> out;
    std::error_code ec;
    auto dir = "/proc/" + std::to_string(pid) + "/task";
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
        int tid = 0;
        auto name = it->path().filename().string();
        if (std::from_chars(name.data(), name.data() + name.size(), tid).ec != std::errc{}) continue;
        if (auto s = read_task(it->path().string())) out[tid] = std::move(*s);
    }
    return out;
}

}  // namespace feedbench::diag
