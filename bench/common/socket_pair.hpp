// A connected loopback TCP pair (127.0.0.1, ephemeral port) for read-path benchmarks: `sender`
// writes, `receiver` reads. Plain file descriptors; closed on destruction.
#pragma once

#include <cstddef>
#include <string>

namespace feedbench::bench {

struct tcp_pair {
    int sender = -1;
    int receiver = -1;
    std::string error;  // set when the pair could not be made
    tcp_pair();
    ~tcp_pair();
    tcp_pair(const tcp_pair&) = delete;
    tcp_pair& operator=(const tcp_pair&) = delete;
    bool ok() const { return error.empty(); }
    // Sends up to n bytes without blocking; returns the count sent (0 when the buffers are full).
    std::size_t send_some(const char* data, std::size_t n) const;
};

}  // namespace feedbench::bench
