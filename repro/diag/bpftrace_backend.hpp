// The eBPF backend: a bpftrace program that counts, inside the kernel, every socket receive of one process
// by (thread, socket, bytes returned); feeddiag reads the map bpftrace prints when it stops.
//
// One probe, sock:sock_recv_length: it fires inside sock_recvmsg, which read, readv, recv, recvfrom and
// recvmsg on a socket all reach, with the bytes returned (or -errno) and the kernel's socket; file and pipe
// reads never reach it. No syscall tracepoint: enabling any of them sends every syscall of every process
// through the slow entry path, which on this kind of machine cost more than the receive itself. So the
// waits in epoll/poll/select are sampled from /proc/<tid>/syscall instead (trace_session), and a
// connection is the kernel socket, not the fd number.
#pragma once

#include "repro/diag/trace_counts.hpp"

#include <string>
#include <string_view>

namespace feedbench::diag {

// What the kernel must offer (tracefs mounted, the tracepoints present); empty when all is there,
// else the reason. mount_tracefs: try `mount -t tracefs nodev /sys/kernel/tracing` first when it is not mounted.
std::string bpftrace_unavailable_reason(bool mount_tracefs);

// The bpftrace program for one process. It prints `ready_line` once every probe is attached.
std::string bpftrace_program(int pid);
inline constexpr std::string_view bpftrace_ready_line = "feeddiag: attached";
inline constexpr std::string_view bpftrace_map_keys_max = "131072";  // BPFTRACE_MAP_KEYS_MAX: distinct (tid, fd, bytes)

// Adds the map bpftrace printed at exit (`@rx[tid, socket, ret]: calls`) to counts (socket_key "sk").
// Other lines are ignored. Returns the number of map lines read.
std::size_t parse_bpftrace_output(std::string_view text, trace_counts& counts);

}  // namespace feedbench::diag
