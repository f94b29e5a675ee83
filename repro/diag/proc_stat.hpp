// CPU time and context switches of a process and its threads, from /proc (any process we may read).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace feedbench::diag {

struct cpu_times {
    double user_s = 0, system_s = 0;
    std::uint64_t voluntary = 0, involuntary = 0;  // context switches
    double run_delay_s = 0;  // runnable but waiting for a CPU (schedstat): on a busy machine, CPU it wanted
    double cpu_s() const { return user_s + system_s; }
};
cpu_times operator-(const cpu_times& a, const cpu_times& b);

struct thread_sample {
    std::string comm;
    cpu_times cpu;
};

bool process_exists(int pid);
std::string process_comm(int pid);  // "" when gone
char process_state(int pid);        // 'R', 'S', 'T' (stopped), 't' (traced), 'Z'...; 0 when gone
std::optional<cpu_times> read_process_cpu(
    int pid);  // whole process (user/system incl. exited threads; switches of live threads)
std::map<int, thread_sample> read_threads(int pid);  // every live thread by tid

// True when the thread is blocked in epoll_wait/epoll_pwait/epoll_pwait2/poll/ppoll/select/pselect6
// (/proc/<pid>/task/<tid>/syscall; needs the right to ptrace the process).
bool in_wait_syscall(int pid, int tid);
bool is_wait_syscall(long nr);

// Parses one /proc/<pid>/stat line: comm, state, utime, stime (seconds). False when malformed.
bool parse_proc_stat(const std::string& line, std::string& comm, char& state, double& user_s, double& system_s);

}  // namespace feedbench::diag
