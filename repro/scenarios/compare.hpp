// Several reproduction runs side by side: each run folder's checks.tsv (one row per verdict check),
// read back and lined up by scenario and check, with the spread of each value across the runs.
// Used by `./run stress-repro` (idle / one core busy / both cores busy) and `./run repeat-repro`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace feedbench::scenarios {

struct run_report;

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

}  // namespace feedbench::scenarios
