// Verdicts computed from data: each check of a scenario's rule against the per-configuration
// medians, with the measured value and the threshold written next to it.
#pragma once

#include "repro/scenarios/results.hpp"
#include "repro/scenarios/scenario.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace feedbench::scenarios {

// REPRODUCED: every check passes. NOT REPRODUCED: a check has data and fails.
// NO DATA: a check lacks its configuration or value (and none failed). MEASURED: the rule only
// measures (no threshold). SKIPPED: the scenario did not run (e.g. its corpus folder is absent).
enum class verdict_kind { reproduced, not_reproduced, no_data, measured, skipped };
std::string_view to_string(verdict_kind k);  // "REPRODUCED", "NOT REPRODUCED", "NO DATA", "MEASURED", "SKIPPED"

struct check_result {
    check rule;
    double value = no_value;  // the ratio (or the single metric); NaN when no data
    bool has_data = false;
    bool pass = false;
    bool excused = false;  // failed under heavy load: counted as no data, not as a failure
    std::string detail;    // "jobs_per_s{...} / jobs_per_s{...} = 37.2 (threshold >= 10): pass"
};

struct verdict {
    verdict_kind kind = verdict_kind::no_data;
    bool heavy_load = false;  // the scenario ran under heavy load (run_conditions::heavy)
    std::vector<check_result> checks;
    std::string line;  // "REPRODUCED: ... = 37.2 (threshold >= 10)"
};

// The machine while a scenario ran. A check that fails under heavy load cannot be told from the load:
// it becomes NO DATA with that reason, never a false NOT REPRODUCED. Heavy: the 1-min load average above
// heavy_load_per_core x cores ("far above the core count"; the run itself keeps up to 2 threads busy).
inline constexpr double heavy_load_per_core = 2;
struct run_conditions {
    double load_average = no_value;  // the highest 1-min load average seen while the scenario ran
    unsigned cores = 0;
    bool heavy() const { return cores > 0 && load_average > heavy_load_per_core * cores; }
    std::string text() const;  // "load 4.6 on 2 cores"
};

verdict evaluate(const scenario& s, const std::vector<config_summary>& data, const run_conditions& cond = {});
verdict skipped_verdict(const std::string& reason);

// "threshold >= 10", "threshold <= 1.5", "threshold within 10% of 1", "no threshold".
std::string threshold_text(const check& c);

// The configuration a selector names in the data (nullptr when none or several).
const config_summary* find_config(const selector& where, const std::vector<config_summary>& data);

// Why a NOT REPRODUCED or NO DATA verdict came out so, built from the data: per configuration a check names,
// the stage that dominated, its suspended share, yields and reads per job, the worker's CPU utilisation, the
// load, the profiler view's diagnosis (repro/worker/diagnosis) and which assumption of the scenario did not
// hold. Empty for any other verdict.
std::string why_paragraph(const scenario& s, const verdict& v, const std::vector<config_summary>& data,
                          const run_conditions& cond);

}  // namespace feedbench::scenarios
