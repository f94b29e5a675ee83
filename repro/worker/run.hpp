// Runs the worker (the system under test) once with a configuration: intake -> connect -> request ->
// headers -> body -> decode -> parse -> ack for every job, on a cooperative pool or OS threads.
#pragma once

#include "repro/worker/config.hpp"
#include "repro/worker/job_runner.hpp"
#include "repro/worker/record.hpp"

#include <functional>
#include <vector>

namespace feedbench::worker {

struct run_output {
    run_summary summary;
    std::vector<core::job_record> records;  // ok + failed == summary.jobs, always
};

// Throws std::invalid_argument for a configuration the worker cannot run (e.g. --client curl below 1k reads).
void check_config(const worker_config& cfg);

// Runs against the feed server at cfg.server_url (harness::run_worker starts an embedded one when it is
// empty). Never throws for a bad job (an exception a job's stage throws fails that job with class
// "exception"); throws std::invalid_argument for a bad configuration, std::runtime_error for an unreachable
// manifest, and rethrows what the intake or a client's construction threw, after the records of the jobs
// done so far are written. hook: a test seam (job_runner.hpp).
// progress (optional) is called with (jobs done, jobs total) now and then, from a worker thread, never
// concurrently (total is 0 when the intake does not know it).
run_output run(const worker_config& cfg, const std::function<void(std::size_t, std::size_t)>& progress = {},
               const stage_hook& hook = {});

}  // namespace feedbench::worker
