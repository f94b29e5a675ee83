// What a run produces: one core::job_record per job (stages x metrics), and the run's summary.
// Column names are the CSV's (jobs.csv, summary.csv); see README.md, Vocabulary.
#pragma once

#include "repro/core/job_record.hpp"
#include "repro/worker/config.hpp"

#include <array>
#include <fstream>
#include <mutex>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::worker {

struct percentiles {
    double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

struct stage_summary {
    percentiles wall_us, cpu_us, suspended_us;
    std::uint64_t yields = 0, reads = 0;
    std::uint64_t bytes = 0, eagains = 0;  // totals over the run
    double wall_total_us = 0, cpu_total_us = 0, suspended_total_us = 0;
};

struct run_summary {
    worker_config config;
    std::size_t jobs = 0, ok = 0, failed = 0;
    double wall_s = 0, cpu_s = 0;  // worker process/thread CPU over the run
    double jobs_per_s = 0;
    double cpu_util = 0;                              // cpu_s / wall_s (1.0 = one core busy)
    std::map<core::error_class, std::size_t> errors;  // failed jobs by class
    std::array<stage_summary, core::stage_count> stages{};
    std::uint64_t intake_gets = 0, intake_empty_gets = 0, intake_deliveries = 0, intake_redeliveries = 0;
    std::uint64_t max_read_request = 0;  // the largest byte count any recv of the run asked for
    std::uint64_t body_bytes = 0;        // decoded body bytes over every job
};

run_summary summarize(const worker_config& cfg, const std::vector<core::job_record>& records, double wall_s,
                      double cpu_s);

// Tidy CSV writers (header row + rows) and the profiler view.
void write_jobs_csv(const std::string& path, const worker_config& cfg, const std::vector<core::job_record>& records);
std::string jobs_csv_header();
std::string jobs_csv_row(const worker_config& cfg, const core::job_record& r);

// jobs.journal.csv: each job's row written and flushed BEFORE its ack (broker intake), so a worker killed
// mid-run leaves a record of every job it acked (at-least-once: the broker redelivers the rest).
class job_journal {
public:
    job_journal(const std::string& path, const worker_config& cfg);
    void append(const core::job_record& r);  // thread-safe
private:
    worker_config cfg_;
    std::string path_;
    std::mutex mutex_;
    std::ofstream out_;
};
void write_summary_csv(const std::string& path, const std::vector<run_summary>& runs);
std::string profiler_view(const run_summary& s);  // per stage wall beside cpu, with diagnosis lines
std::string summary_table(const run_summary& s);  // a short table: jobs, ok, failed by class, jobs/s, cpu_util

}  // namespace feedbench::worker
