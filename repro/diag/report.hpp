// One diagnosis (what was traced, how, the counts, CPU and wall, the verdict) and its three written forms:
// the terminal report, diag.json (every number, the backend, the thresholds) and recv_sizes.tsv (the log2
// histogram of bytes per receive call, the data of results/recv_sizes.gp).
#pragma once

#include "repro/diag/proc_stat.hpp"
#include "repro/diag/recv_cost.hpp"
#include "repro/diag/trace_counts.hpp"
#include "repro/diag/verdict.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace feedbench::diag {

struct diagnosis {
    std::string backend;         // "bpftrace" or "strace"
    std::string backend_detail;  // what it attached to
    int pid = 0;
    std::string comm;
    std::vector<std::string> command;      // the command feeddiag ran; empty with --pid
    double wall_s = 0;                     // length of the trace
    cpu_times cpu;                         // the whole process over the trace
    std::map<int, thread_sample> threads;  // per thread over the trace (last sample of threads that ended)
    trace_counts counts;
    bool waits_sampled = false;      // waits from /proc/<tid>/syscall samples (bpftrace), not from each call (strace)
    std::string ended;               // "process exited", "time limit", "interrupted"
    std::optional<int> exit_status;  // the command's, when it ended
    std::optional<recv_cost> cost;
    thresholds limits;
    verdict result;
};

// Fills result (verdict, and the prediction with TINY READS) from the other fields.
void conclude(diagnosis& d);

std::string text_report(const diagnosis& d);
std::string json_report(const diagnosis& d);
std::string recv_sizes_tsv(const diagnosis& d);  // bucket low high label calls bytes calls_pct bytes_pct

}  // namespace feedbench::diag
