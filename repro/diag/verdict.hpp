// The diagnosis: TINY READS, WAITING IN READS or HEALTHY, from the counts and the CPU/wall split, with the
// thresholds it used; with TINY READS, what the receive calls cost and what reading 64 KiB per call would save.
#pragma once

#include "repro/diag/recv_cost.hpp"
#include "repro/diag/trace_counts.hpp"

#include <cstdint>
#include <string>

namespace feedbench::diag {

// The thresholds, written out in the report and in diag.json.
struct thresholds {
    std::int64_t tiny_p50_bytes = 16;  // TINY READS: median bytes per receive call at or below this...
    double busy_share = 0.50;          // ...while busy (CPU + runnable waiting for a CPU) >= this share of wall
    std::uint64_t min_calls = 100;     // fewer receive calls than this: too few to call TINY READS
    double waiting_cpu_share = 0.25;   // WAITING IN READS: CPU time <= this share of wall...
    double waiting_wait_share = 0.50;  // ...and one receiving thread spends >= this share of wall in epoll/poll/select
    std::int64_t predict_read_bytes = 65536;  // the prediction's read size
};

enum class verdict_kind { tiny_reads, waiting_in_reads, healthy };
std::string to_string(verdict_kind v);  // "TINY READS", "WAITING IN READS", "HEALTHY"

struct verdict_inputs {
    recv_summary recv;             // the whole process
    double wall_s = 0, cpu_s = 0;  // over the trace
    double runnable_s = 0;         // runnable, waiting for a CPU (another process had it): busy = CPU + this
    double max_wait_share = 0;     // largest wait_ns / wall among the threads that received
};

struct prediction {
    double recv_cpu_s = 0;            // what the receive calls seen cost here (calls x per-call cost)
    std::uint64_t calls_at_size = 0;  // receive calls if each call read predict_read_bytes (per socket fd)
    double recv_cpu_at_size_s = 0;
    double speedup = 1;  // cpu / (cpu - saved): the gain if the process is CPU-bound; 0 = cannot tell
};

struct verdict {
    verdict_kind kind = verdict_kind::healthy;
    std::string reason;  // the numbers against the thresholds, one line
    bool has_prediction = false;
    prediction predicted;
};

verdict_inputs make_inputs(const trace_counts& counts, double wall_s, double cpu_s, double runnable_s);
verdict decide(const verdict_inputs& in, const thresholds& t = {});
// calls x cost(bytes) for every call seen; calls at size = sum over fds of ceil(bytes / size) (+1 for EOF each).
prediction predict(const trace_counts& counts, double cpu_s, const recv_cost& cost, const thresholds& t = {});

}  // namespace feedbench::diag
