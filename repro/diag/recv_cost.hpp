// What one recv(2) costs on this machine, measured at start-up on a loopback TCP connection with the data
// already waiting: a run of 1-byte receives (the per-call cost) and a run of 64 KiB receives (the per-byte cost).
#pragma once

#include <cstdint>
#include <string>

namespace feedbench::diag {

struct recv_cost {
    double ns_per_call_1b = 0;      // one recv that returns 1 byte
    double ns_per_call_64k = 0;     // one recv that returns up to 64 KiB (ns per call, averaged over the bytes read)
    double bytes_per_call_64k = 0;  // what those calls returned on average
    std::string method;             // how it was measured
    // cost(n) = a + b * n through the two points
    double ns_for(double bytes) const;
};

// About 20-50 ms on an idle core. Throws std::runtime_error when loopback sockets fail.
recv_cost measure_recv_cost();

}  // namespace feedbench::diag
