// Several reproduction runs side by side: each run folder's checks.tsv (one row per verdict check),
// read back and lined up by scenario and check, with the spread of each value across the runs.
// Used by `./run stress-repro` (idle / one core busy / both cores busy) and `./run repeat-repro`.
// And `feedrepro compare A B`: a baseline run A against a run B, per scenario and configuration (jobs/s from
// the repetitions in <id>.csv) and per headline ratio (checks.tsv), with a regression rule.
#pragma once

#include "repro/scenarios/results.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace feedbench::scenarios {

struct run_report;
struct scenario;

// checks.tsv: scenario must verdict heavy_load load check value threshold result
// (result: pass, FAIL, no data, excused (failed under heavy load: no data), measured).
void write_checks_tsv(const std::filesystem::path& file, const run_report& r);

struct check_row {
    std::string scenario, verdict, check, threshold, result;
    bool must = false, heavy_load = false, thresholded = false;
    double load = 0, value = 0;  // value NaN when the check had no data
};
// Throws std::runtime_error naming the file and line when the file is missing or malformed.
std::vector<check_row> read_checks_tsv(const std::filesystem::path& file);

struct compared_run {
    std::string label;  // the run folder's name
    std::vector<check_row> rows;
};

// Spread of values across runs, as a percentage of their median: (max - min) / median x 100. NaN when a
// run lacks the value or the median is 0.
double spread_pct(const std::vector<double>& values);
inline constexpr double repeat_spread_limit_pct = 10;  // "the headline ratios of idle runs agree within 10%"

struct comparison {
    std::string text;                        // the side-by-side table, verdicts first, then every check
    std::vector<std::string> must_failures;  // a must scenario neither REPRODUCED nor excused NO DATA, per run
    std::vector<std::string> wide_spreads;   // a thresholded check whose spread exceeds the limit
};
comparison compare_runs(const std::vector<compared_run>& runs);

// ---- feedrepro compare A B ----

// A run folder that cannot be compared (missing, no checks.tsv, a scenario's CSV absent, other scenarios
// than the other run): bad arguments, exit 2. what() names the folder and what is missing.
class compare_input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One run folder, read back: its checks and each scenario's repetitions (scenarios that were skipped have
// checks but no repetitions).
struct run_folder {
    std::filesystem::path dir;
    std::string label;  // the folder's name
    std::vector<check_row> checks;
    std::vector<std::string> scenarios;                   // in checks.tsv order
    std::map<std::string, std::vector<rep_result>> reps;  // scenario -> its <id>.csv
};
// Throws compare_input_error for a folder that is not a readable feedrepro run.
run_folder load_run_folder(const std::filesystem::path& dir);
// Both folders loaded and checked against each other (the same scenarios, else which are missing where).
std::pair<run_folder, run_folder> load_run_pair(const std::filesystem::path& a, const std::filesystem::path& b);

// The compared metric of each configuration: higher is better.
inline constexpr const char* compared_metric = "jobs_per_s";
// Default --threshold: a change smaller than this (% of A) is never a regression.
inline constexpr double default_regression_threshold_pct = 5;

// The regression rule, one place: B is worse than A by more than threshold_pct of A, and the change is
// larger than both runs' own spread (core::robust_spread_pct of their repetitions, % of the median), so the
// repetitions' noise cannot explain it. An unknown spread (fewer than 2 repetitions) does not excuse it.
// worse_pct: how much worse B is, in % of A (positive = worse).
bool is_regression(double worse_pct, double threshold_pct, double spread_a_pct, double spread_b_pct);

struct config_change {
    std::string scenario, label;
    double a = no_value, b = no_value;                // medians of compared_metric
    double spread_a = no_value, spread_b = no_value;  // robust spread of the repetitions, % of the median
    std::size_t reps_a = 0, reps_b = 0;
    std::vector<int> outliers_a, outliers_b;  // repetitions the outlier rule flags
    double change_pct = no_value;             // (b - a) / a x 100
    bool beyond_spread = false, regression = false;
    std::string note;  // "only in A", "no value in B (status)" ...
};

// Which way a check is worse: at_least (>=) lower, at_most (<=) higher, within further from 1; measure: none.
enum class worse_when { lower, higher, further_from_one, none };
struct check_change {
    std::string scenario, check, threshold, result_a, result_b;
    worse_when direction = worse_when::none;
    double a = no_value, b = no_value;
    double spread_a = no_value, spread_b = no_value;  // of the per-repetition ratio, when the rule is known
    double change_pct = no_value, worse_pct = no_value;
    bool regression = false;  // worse by the rule above, or pass in A and FAIL in B
};

struct run_comparison {
    std::string label_a, label_b;
    double threshold_pct = default_regression_threshold_pct;
    double load_a = no_value, load_b = no_value;  // the highest load average checks.tsv recorded
    std::vector<config_change> configs;
    std::vector<check_change> checks;
    bool regression() const;
    std::vector<std::string> regressions() const;  // one line each
};

// Lines the two runs up. defs: the scenario definitions (for the checks' rules and so their per-repetition
// spread); a check whose rule is not found there is compared without a spread.
run_comparison compare_two(const run_folder& a, const run_folder& b, double threshold_pct,
                           const std::vector<scenario>& defs);

// The comparison as plain text (the terminal), Markdown (compare.md) and an HTML section (compare.html,
// standalone; a report page can include or link it).
std::string comparison_text(const run_comparison& c);
std::string comparison_markdown(const run_comparison& c);
std::string comparison_html(const run_comparison& c);
// Writes compare.md and compare.html into dir; when dir holds a run's index.html, the page gets a "Runs
// compared" section (summary and a link), replacing the one an earlier comparison left.
void write_comparison(const run_comparison& c, const std::filesystem::path& dir);

}  // namespace feedbench::scenarios
