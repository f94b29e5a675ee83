// An external worker: any program, in any language, run as the worker against a feed server. The contract
// (examples/README.md): the inputs as FEEDBENCH_* environment variables, the worker writes OUT/jobs.csv with
// at least the columns job, feed, ok, error, bytes, items. This runs the command, waits for it, reads back
// jobs.csv and returns jobs/s and the child's CPU (rusage).
// Optional inputs beyond the contract: FEEDBENCH_FORMATS (manifest formats joined with '+', or all); the child can be
// pinned to one core.
#pragma once

#include "repro/core/error_class.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace feedbench::external {

struct external_config {
    std::vector<std::string> command;  // argv; the program is looked up on PATH
    std::string server_url;            // FEEDBENCH_SERVER
    std::string manifest_url;          // FEEDBENCH_MANIFEST (default SERVER/manifest)
    std::string read_size = "whole";   // FEEDBENCH_READ_SIZE: 1, 10k, 500k, whole or N
    unsigned pool = 1;                 // FEEDBENCH_POOL
    unsigned jobs = 0;                 // FEEDBENCH_JOBS (0 = one per manifest entry)
    std::string formats;               // FEEDBENCH_FORMATS when set: "rss+atom+jsonfeed" or "all"
    std::filesystem::path
        out_dir;  // FEEDBENCH_OUT: jobs.csv goes here; the worker's stdout and stderr to worker.stdout, worker.stderr
    double timeout_s = 0;  // 0 = none; past it the worker gets SIGTERM, then SIGKILL
    int cpu = -1;          // pin the worker (and its threads) to this core; -1 = not pinned
};

struct external_result {
    int exit_status = -1;  // exit code, or 128 + signal
    bool timed_out = false;
    double wall_s = 0;                // start to exit
    double user_s = 0, system_s = 0;  // rusage of the child (and any children it waited for)
    std::uint64_t voluntary_switches = 0, involuntary_switches = 0;
    std::uint64_t jobs = 0, ok = 0, failed = 0, bytes = 0, items = 0;  // from jobs.csv
    std::map<core::error_class, std::uint64_t> errors;  // failed jobs by error class (none: the worker named none)
    double jobs_per_s = 0;                              // jobs / wall
    // With the optional columns start_s (seconds from the worker's first job) and wall_ms per job: the span from
    // the first job's start to the last job's end (the interpreter's start-up left out), and each job's wall time.
    double jobs_span_s = 0;           // 0 when jobs.csv has no start_s and wall_ms
    std::vector<double> job_wall_ms;  // in row order; empty without wall_ms
    double cpu_s() const { return user_s + system_s; }
};

// The environment entries the worker gets (besides the inherited ones).
std::vector<std::pair<std::string, std::string>> worker_environment(const external_config& cfg);

// Throws std::runtime_error when the command cannot start or jobs.csv is missing or lacks a column; when the
// worker wrote no jobs.csv, the message gives its exit status and the last line of its stderr (for example a
// Python ModuleNotFoundError).
external_result run_external(const external_config& cfg);

// Reads a jobs.csv (header row; columns job, feed, ok, error, bytes, items required, others ignored) into r.
void read_jobs_csv(const std::filesystem::path& path, external_result& r);

}  // namespace feedbench::external
