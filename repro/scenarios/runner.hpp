// Runs a reproduction: every configuration of the chosen scenarios, repeated, against an in-process
// feed server (pinned to core 0, the worker to core 1 when there are two) or --server URL; then
// writes results/<run-id>/ (CSVs, plots, verdicts, REPORT.md, index.html, meta.json).
// The steps: plan (scenarios, configurations, the ETA), a cache of corpora and their servers (and the
// private AMQP broker, started when a configuration needs it), run_one per repetition, finalize.
#pragma once

#include "repro/scenarios/report.hpp"

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace feedbench::scenarios {

// The model hook: a predicted jobs/s for a configuration (issue 5), stored beside the measurement in
// the predicted_jobs_per_s column. Return NaN (no_value) for "no prediction".
using predictor = std::function<double(const configuration&, const rep_result&)>;

struct runner_options {
    bool full = false;
    int repeat = 3;
    std::filesystem::path out_dir;  // "" = <results_root>/<run-id>
    std::filesystem::path results_root = FEEDBENCH_RESULTS_DIR;
    std::filesystem::path scenario_dir = FEEDBENCH_SCENARIO_DIR;
    std::filesystem::path scripts_dir = FEEDBENCH_RESULTS_DIR;
    std::filesystem::path shared_corpus;  // "" = $FEEDBENCH_SHARED_CORPUS or the build default
    std::string server_url;               // "" = embedded feed servers
    std::vector<std::string> only;        // scenario ids; empty = all
    std::vector<scenario> scenarios;      // when set, used instead of scenario_dir
    bool progress = false;                // a live progress line on stderr (a terminal)
    bool heartbeat = false;               // off a terminal: a heartbeat line on stderr every ~10 s (progress.hpp)
    bool log_lines = true;                // one line per scenario on stderr
    predictor predict;                    // optional
    std::string command;                  // the command line, for the report
    std::filesystem::path feedworker = FEEDBENCH_FEEDWORKER;             // the program a fleet (processes > 1) runs
    std::filesystem::path broker_script = FEEDBENCH_BROKER_SCRIPT_PATH;  // scripts/broker.sh
    unsigned short broker_port = 0;                                      // 0 = 5679 + FEEDBENCH_TEST_PORT_OFFSET
};

struct run_result {
    run_report report;
    std::filesystem::path dir;
    std::vector<std::string> ci_failures;
};

// Never throws for a failing configuration (it becomes a row with a status); throws for a bad scenario
// file, an unknown --scenarios id or an unwritable output folder.
run_result run_reproduction(const runner_options& opt);

// The shared corpus folder used when runner_options::shared_corpus is empty.
std::filesystem::path default_shared_corpus();

}  // namespace feedbench::scenarios
