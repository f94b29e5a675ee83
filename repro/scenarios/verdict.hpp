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
    double value = no_value;   // the ratio (or the single metric); NaN when no data
    bool has_data = false;
    bool pass = false;
    std::string detail;        // "jobs_per_s{...} / jobs_per_s{...} = 37.2 (threshold >= 10): pass"
};

struct verdict {
    verdict_kind kind = verdict_kind::no_data;
    std::vector<check_result> checks;
    std::string line;          // "REPRODUCED: ... = 37.2 (threshold >= 10)"
};

verdict evaluate(const scenario& s, const std::vector<config_summary>& data);
verdict skipped_verdict(const std::string& reason);

// "threshold >= 10", "threshold <= 1.5", "threshold within 10% of 1", "no threshold".
std::string threshold_text(const check& c);

}  // namespace feedbench::scenarios
