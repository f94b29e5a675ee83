// A scenario's measurements: one row per repetition of each configuration (tidy CSV), and the
// per-configuration median / min / max the verdicts and plots read.
#pragma once

#include "repro/core/error_class.hpp"
#include "repro/scenarios/scenario.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace feedbench::scenarios {

inline constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

// A configuration's status when its corpus folder is absent on this machine (it could not run), and the test
// for it (such configurations are reported with that reason, their plots skipped, not missing).
std::string corpus_absent_status(const std::string& folder);
bool is_corpus_absent(const std::string& status);

struct rep_result {
    configuration config;
    int rep = 1;
    std::string status;                     // "" when the run happened, else why not ("n/a: ...", "error: ...")
    std::map<std::string, double> metrics;  // metric -> value; absent or NaN = no value
    std::map<core::error_class, std::size_t> errors;  // failed jobs by error class (not in the CSV)
    std::vector<std::string> failed_feeds;            // a few feeds that failed, for the report
    double get(const std::string& m) const {
        auto it = metrics.find(m);
        return it == metrics.end() ? no_value : it->second;
    }
};

// One metric over a configuration's repetitions. spread_pct: the robust spread (core::robust_spread_pct, the
// scaled MAD as % of the median); outlier_reps: the repetitions core::outlier_flags flags.
struct spread {
    double median = no_value, min = no_value, max = no_value;
    double spread_pct = no_value;
    std::size_t n = 0;
    std::vector<int> outlier_reps;
    std::map<int, double> by_rep;  // repetition number -> value (values that are not NaN)
};

struct config_summary {
    configuration config;
    std::size_t reps = 0;
    std::string status;  // first non-empty status of its repetitions
    std::map<std::string, spread> metrics;
    double median(const std::string& m) const {
        auto it = metrics.find(m);
        return it == metrics.end() ? no_value : it->second.median;
    }
};

// Median (mean of the middle two for an even count), min, max and robust spread of the values that are not
// NaN; outliers by rep number when `reps` (one per value) is given.
spread median_min_max(std::vector<double> values, const std::vector<int>& reps = {});
// Nearest-rank percentile of already sorted values, p in [0,1]; NaN when empty.
double percentile_sorted(const std::vector<double>& sorted, double p);

// Groups repetitions by configuration (first-seen order).
std::vector<config_summary> summarize(const std::vector<rep_result>& reps);

// <id>.csv: scenario,config,label,series,rep,status,<axes...>,read_x,<metrics...>
void write_rep_csv(const std::filesystem::path& file, const std::string& scenario_id,
                   const std::vector<rep_result>& reps);
// Reads a rep CSV back (verdicts on stored or fixture data). Unknown metric columns are ignored;
// missing ones read as no value. Throws std::runtime_error naming the file and line when malformed.
std::vector<rep_result> read_rep_csv(const std::filesystem::path& file);
// <id>_summary.csv: one row per configuration, <metric>_median,<metric>_min,<metric>_max,
// <metric>_spread_pct,<metric>_outliers (how many repetitions the outlier rule flags).
void write_summary_csv(const std::filesystem::path& file, const std::vector<config_summary>& configs);

// results.json: the long format tools read without knowing the columns, one object per scenario,
// configuration, repetition and metric that has a value:
// [{"scenario":"S3","config":1,"label":"read_size=1;pool=20","rep":1,"metric":"jobs_per_s","value":8.2},...]
struct scenario_reps {
    std::string scenario;
    const std::vector<rep_result>* reps = nullptr;
};
void write_results_json(const std::filesystem::path& file, const std::vector<scenario_reps>& scenarios);
struct long_row {
    std::string scenario, label, metric;
    int config = 0, rep = 0;
    double value = no_value;
};
// Throws std::runtime_error naming the file when it is missing or not that format.
std::vector<long_row> read_results_json(const std::filesystem::path& file);

// Per-job latency samples (ms) of each configuration, and the CSVs the latency plots read.
struct latency_series {
    std::string series;              // the configuration label
    std::vector<double> latency_ms;  // in completion order
};
// <id>_cdf.csv: series,latency_ms,fraction (fraction of jobs at or under that latency).
void write_cdf_csv(const std::filesystem::path& file, const std::vector<latency_series>& data);
// <id>_requests.csv: series,request,latency_ms.
void write_requests_csv(const std::filesystem::path& file, const std::vector<latency_series>& data);

// Formats a number for reports: 3 significant digits, no exponent below 1e6; "-" for NaN.
std::string format_number(double v);

}  // namespace feedbench::scenarios
