// The ptrace backend: strace attached to every thread of one process, tracing only the receive and wait
// syscalls, fds decorated with what they are (-yy: `5<TCP:[a->b]>`), time in each call (-T). feeddiag reads
// its output as it comes (a pipe) and counts each line; nothing is stored per call.
#pragma once

#include "repro/diag/trace_counts.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::diag {

// strace's arguments (after the program name) to attach to pid and its threads, output on stderr.
std::vector<std::string> strace_arguments(int pid);

// True when an strace -yy fd decoration names a socket: `TCP:[...]`, `UDPv6:[...]`, `UNIX:[...]`,
// `NETLINK:[...]`, `socket:[...]`; files (`/path`), pipes (`pipe:[...]`), `anon_inode:...` are not.
bool is_socket_decoration(std::string_view decoration);

// Reads strace output one line at a time: a receive on a socket fd becomes add_recv, a wait add_wait.
// Lines are `[pid  N] call(...) = R <T>`, `N  call(...)` (-o), or unprefixed (the process given as main_tid);
// a call split by another thread (`<unfinished ...>` ... `<... read resumed>`) is joined per thread.
class strace_parser {
public:
    strace_parser(trace_counts& counts, int main_tid) : counts_(counts), main_tid_(main_tid) {}
    void line(std::string_view line);
    void text(std::string_view text);  // several lines; a last line without '\n' is parsed too
    std::uint64_t calls_seen() const { return calls_seen_; }

private:
    struct pending {
        std::string name;
        int fd = -1;
        bool socket = false;
    };
    void finish(int tid, std::string_view name, int fd, bool socket, std::string_view tail);

    trace_counts& counts_;
    int main_tid_;
    std::uint64_t calls_seen_ = 0;
    std::map<int, pending> unfinished_;
};

}  // namespace feedbench::diag
