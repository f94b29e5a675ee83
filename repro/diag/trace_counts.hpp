// What a tracer saw, backend-neutral: every socket receive call (thread, fd, return value) and every
// wait in epoll/poll/select (thread, time), aggregated as counts. Both backends' parsers fill one of these.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace feedbench::diag {

// One thread's receive calls and waits.
struct thread_counts {
    std::map<std::int64_t, std::uint64_t> sizes;  // bytes one call returned (0 = EOF) -> calls
    std::uint64_t eagain = 0;                     // calls that returned EAGAIN (nothing waiting)
    std::uint64_t errors = 0;                     // calls that returned another error
    std::uint64_t waits = 0;                      // epoll_wait/epoll_pwait/poll/ppoll/select/pselect6 calls
    std::uint64_t wait_ns = 0;                    // time inside them
};

// One socket of the process: by fd (strace; several connections in turn when the fd number is reused) or by
// the kernel's socket address (bpftrace; one connection).
struct fd_counts {
    std::uint64_t calls = 0, bytes = 0, eagain = 0;
};

struct trace_counts {
    std::map<int, thread_counts> threads;    // by tid
    std::map<std::uint64_t, fd_counts> fds;  // by socket: fd or kernel socket address, as socket_key says
    std::string socket_key = "fd";           // "fd" or "sk"

    // ret: what the call returned (bytes, or -errno). n: how many calls returned exactly that.
    void add_recv(int tid, std::uint64_t socket, std::int64_t ret, std::uint64_t n = 1);
    void add_wait(int tid, std::uint64_t n, std::uint64_t ns);
};

// Bytes per receive call over the calls that returned data or EOF (errors and EAGAIN counted apart).
struct recv_summary {
    std::uint64_t calls = 0;       // every receive call on a socket, EAGAIN and errors included
    std::uint64_t data_calls = 0;  // calls that returned >= 0 bytes
    std::uint64_t bytes = 0;
    std::uint64_t eagain = 0, errors = 0;
    std::int64_t p50 = 0, p99 = 0, max = 0;  // bytes per call (of data_calls); 0 when none
    std::uint64_t waits = 0, wait_ns = 0;
    // log2 histogram of bytes per call: bucket 0 holds 0-byte returns, bucket k >= 1 holds [2^(k-1), 2^k).
    std::vector<std::uint64_t> log2_calls, log2_bytes;
};

std::size_t log2_bucket(std::int64_t bytes);
std::int64_t log2_bucket_low(std::size_t bucket);   // smallest byte count of the bucket (0, 1, 2, 4, ...)
std::int64_t log2_bucket_high(std::size_t bucket);  // largest (0, 1, 3, 7, ...)

recv_summary summarize(const thread_counts& t);
recv_summary summarize(const trace_counts& c);  // all threads together

}  // namespace feedbench::diag
