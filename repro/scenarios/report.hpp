// What a reproduction run produced, and the files made from it: per-scenario CSVs, plot data and
// plots (gnuplot), verdicts, REPORT.md and a static index.html (no JavaScript).
#pragma once

#include "repro/meta/meta.hpp"
#include "repro/scenarios/calibration.hpp"
#include "repro/scenarios/plots.hpp"
#include "repro/scenarios/results.hpp"
#include "repro/scenarios/scenario.hpp"
#include "repro/scenarios/verdict.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace feedbench::scenarios {

struct plot_result {
    plot_spec spec;
    std::string title;
    std::filesystem::path data, png, svg;  // relative to the run folder
    bool ok = false;
    std::string error;
    std::string skipped;  // why it was not drawn when none of its configurations could run (a corpus absent)
    bool missing() const { return !ok && skipped.empty(); }
};

struct scenario_outcome {
    scenario def;
    bool ran = false;
    std::string skip_reason;  // why it did not run
    std::vector<rep_result> reps;
    std::vector<config_summary> summary;
    std::vector<latency_series> latencies;  // per configuration label, every repetition's jobs
    verdict result;
    run_conditions conditions;  // load while it ran (heavy load turns failures into NO DATA)
    calibration cal;            // measured before it ran, when its queries name calibrated values
    std::vector<plot_result> plots;
    std::vector<plot_result> extra_plots;  // made while running (feeddiag's receive-size histograms): joined to plots
    std::vector<std::string> diagnoses;    // feeddiag's verdict line per diagnosed configuration, or why not
    std::vector<std::filesystem::path> files;  // CSVs written, relative to the run folder
    double seconds = 0;
};

struct run_report {
    std::string run_id;
    meta::run_meta meta;
    std::string machine;  // short_machine(meta) for titles
    bool full = false;
    int repeat = 3;
    std::string server;   // "embedded (pinned to cpu 0)" or the URL
    std::string pinning;  // how server and worker were placed
    std::string command;  // the command line that made this run
    double seconds = 0;
    std::vector<scenario_outcome> scenarios;
    std::vector<std::string> notes;
};

// Writes <id>.csv, <id>_summary.csv, <id>_cdf.csv / <id>_requests.csv, computes the verdict and
// renders each plot of the scenario into dir. Fills outcome.files, .plots and .result.
void finish_scenario(scenario_outcome& outcome, const std::filesystem::path& dir, const plot_env& env,
                     const std::string& machine, const std::string& commit);

// The line at the top of the page: must-reproduce verdicts passed, the headline ratio (whole vs 1 B at
// pool 20), machine, the highest load a scenario ran under, commit.
std::string status_line(const run_report& r);
// verdicts.csv: one row per check (scenario, verdict, must_reproduce, check, value, threshold, result,
// measured, plots_missing, heavy_load, load); a scenario without checks gets one row.
std::string verdicts_csv(const run_report& r);
std::string report_markdown(const run_report& r);
std::string report_html(const run_report& r);
// A plain-text verdict table for the terminal.
std::string verdict_table(const run_report& r);
// REPORT.md and index.html in dir.
void write_report(const run_report& r, const std::filesystem::path& dir);

// Scenarios marked must-reproduce that did not, and plots that are missing: what makes CI fail.
std::vector<std::string> ci_failures(const run_report& r);

}  // namespace feedbench::scenarios
