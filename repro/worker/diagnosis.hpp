// The profiler view's diagnosis: from per-stage wall, CPU and suspended time, yields and reads, which stage
// waited, which burned CPU, which was preempted, whether reads were tiny and whether the worker thread was
// saturated. Only numbers in, findings out: the worker's profiler view and the reproduction report both call it.
#pragma once

#include "repro/core/error_class.hpp"
#include "repro/core/stage.hpp"

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace feedbench::worker {

// A stage is diagnosed when it holds at least this share of the jobs' wall time...
inline constexpr double stage_share_threshold = 0.05;
// ...and was suspended for at least this share of its own wall time.
inline constexpr double suspended_share_threshold = 0.50;
// A stage is called CPU-bound when its cpu is at least this share of its wall (and it holds >= 30% of the wall).
inline constexpr double cpu_bound_threshold = 0.80;
inline constexpr double cpu_bound_stage_share = 0.30;
// A stage is called preempted when this share of its wall was neither its CPU nor suspended.
inline constexpr double unaccounted_threshold = 0.30;
// A thread is called saturated when it ran at least this share of the run.
inline constexpr double saturated_thread_threshold = 0.90;
// Reads are called tiny at this many per job or more, averaging fewer bytes than tiny_read_bytes.
inline constexpr double tiny_reads_per_job = 1000;
inline constexpr double tiny_read_bytes = 64;

// One stage over a run: totals over the jobs (or one typical job's figures: only ratios, per-job counts and
// CPU per read are read). bytes < 0: unknown.
struct stage_load {
    double wall_us = 0, cpu_us = 0, suspended_us = 0;
    double yields = 0, reads = 0, bytes = 0;
};

struct diagnosis_input {
    std::array<stage_load, core::stage_count> stages{};
    double jobs = 0;       // the jobs the stage figures are over (1 for a typical job)
    double cpu_util = 0;   // the worker's CPU seconds per wall second (1 = one core busy)
    bool has_cpu = false;  // cpu_util was measured
    std::size_t pool = 1;
    bool pool_threads = false;  // the pool is threads (each its own CPU), not coroutines on one thread
    std::string read_cap;       // "whole-body reads" or "reads of <= 1 B"
    std::size_t failed = 0, total_jobs = 0;
    std::map<core::error_class, std::size_t> errors;
};

enum class finding_kind { suspended, cpu_bound, preempted, tiny_reads, saturated, failures };

struct finding {
    finding_kind kind;
    std::size_t stage = core::stage_count;  // the stage it is about; stage_count: the run as a whole
    std::string text;                       // the profiler view's line
};

// Each stage's share of the jobs' wall time, and its own suspended and CPU shares (0 when it has no wall).
double wall_share(const diagnosis_input& in, std::size_t stage);
double suspended_share(const stage_load& s);
double cpu_share(const stage_load& s);
// The stage with the most wall time; stage_count when no stage has any.
std::size_t dominant_stage(const diagnosis_input& in);

std::vector<finding> diagnose(const diagnosis_input& in);
// "diagnosis (stage >= 5% of job wall, suspended >= 50% of its wall):"
std::string diagnosis_heading();
// 51200 -> "51 200" (rounded to a whole number).
std::string grouped(double n);

}  // namespace feedbench::worker
