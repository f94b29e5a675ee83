// Baseline comparison of two Google Benchmark JSON files: per benchmark the relative change of the
// median, a two-sided Mann-Whitney U test over the repetitions, and the geometric mean of the ratios.
// A benchmark is a significant slowdown when it got slower by more than `threshold` and p < alpha.
#pragma once

#include "bench/tools/bench_json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace feedbench::bench_tools {

struct mann_whitney_result {
    double u = 0;        // U of the first sample
    double p = 1;        // two-sided
    bool exact = false;  // exact distribution (no ties, small samples) vs normal approximation
};

// Two-sided Mann-Whitney U test. With ties or n1*n2 > 400 the normal approximation with tie and
// continuity corrections; otherwise the exact distribution. p = 1 when either sample is empty.
mann_whitney_result mann_whitney(const std::vector<double>& a, const std::vector<double>& b);

// The smallest two-sided p the exact test can reach with these sample sizes (2 / C(n1+n2, n1)).
double smallest_exact_p(std::size_t n1, std::size_t n2);

struct compare_options {
    double threshold = 0.10;  // relative slowdown that matters (0.10 = 10%)
    double alpha = 0.05;      // significance level
    // auto: cpu_ns, except real_ns for benchmarks timed on the wall clock (UseRealTime / UseManualTime,
    // i.e. names with /real_time or /manual_time): CPU time is far steadier on a shared machine.
    // Else real_ns | cpu_ns | instructions | any counter; lower is better.
    std::string metric = "auto";
};

struct comparison_row {
    std::string name;  // run_name
    std::size_t n_base = 0, n_new = 0;
    double base_median = 0, new_median = 0;
    double change = 0;  // new/base - 1 (positive = slower for a time metric)
    mann_whitney_result test;
    std::optional<double> base_instructions, new_instructions;  // per iteration, when measured
    std::string verdict;  // "slower" (significant, beyond threshold), "faster", "same", "too few repetitions"
};

struct comparison {
    std::vector<comparison_row> rows;
    double geomean_ratio = 1;   // geometric mean of new/base over the rows
    std::size_t slowdowns = 0;  // rows with verdict "slower"
    std::vector<std::string> only_in_base, only_in_new;
    bool instructions_measured = false;
};

// The measure `metric` means for this run ("auto" resolved per run).
std::string metric_for(const bench_run& r, const std::string& metric);

comparison compare(const bench_file& base, const bench_file& next, const compare_options& opt);
std::string format_comparison(const comparison& c, const compare_options& opt);

}  // namespace feedbench::bench_tools
