// One trace: attach a backend to a process (or start a command held at a gate, attach, then let it exec),
// sample its threads' CPU from /proc while the tracer counts, stop on exit / time limit / interrupt, detach
// the tracer on every path, and return the diagnosis.
#pragma once

#include "repro/diag/report.hpp"

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace feedbench::diag {

// Bad input or an environment that cannot trace: feeddiag prints the message and exits 2.
struct trace_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct trace_options {
    int pid = 0;                       // attach to this process...
    std::vector<std::string> command;  // ...or run this one (exactly one of the two)
    double seconds = 0;                // 0: until the process exits or an interrupt
    std::string backend =
        "auto";  // auto (bpftrace when root and the kernel has the tracepoints, else strace), bpftrace, strace
    std::string bpftrace = "bpftrace";  // the programs
    std::string strace = "strace";
    bool measure_cost = true;  // the loopback recv cost for the prediction
};

// The backend auto would pick, or the reason none can run (throws trace_error).
std::string choose_backend(const trace_options& opt);

// stop: set from a signal handler (SIGINT/SIGTERM) to end the trace early; the report covers what was seen.
// With a command that is still running at the end (time limit, interrupt), the command gets SIGTERM.
diagnosis run_trace(const trace_options& opt, const std::atomic<bool>& stop);

}  // namespace feedbench::diag
