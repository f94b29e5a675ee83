// Evaluates a scenario's checks on measured medians; missing data is a NO DATA verdict, never a crash.
#include "repro/scenarios/verdict.hpp"

#include <algorithm>
#include <cmath>

namespace feedbench::scenarios {
namespace {

struct lookup {
    double value = no_value;
    std::string missing;  // why there is no value
};

lookup find_value(const metric_ref& r, const std::vector<config_summary>& data) {
    std::vector<const config_summary*> hits;
    for (auto& c : data)
        if (r.where.matches(c.config)) hits.push_back(&c);
    if (hits.empty()) return {no_value, "no configuration " + r.where.to_string() + " in the data"};
    if (hits.size() > 1)
        return {no_value, r.where.to_string() + " matches " + std::to_string(hits.size()) + " configurations"};
    double v = hits.front()->median(r.metric);
    if (std::isnan(v)) {
        std::string why = r.metric + " has no value for " + r.where.to_string();
        if (!hits.front()->status.empty()) why += " (" + hits.front()->status + ")";
        return {no_value, why};
    }
    return {v, {}};
}

}  // namespace

std::string_view to_string(verdict_kind k) {
    switch (k) {
        case verdict_kind::reproduced:
            return "REPRODUCED";
        case verdict_kind::not_reproduced:
            return "NOT REPRODUCED";
        case verdict_kind::no_data:
            return "NO DATA";
        case verdict_kind::measured:
            return "MEASURED";
        case verdict_kind::skipped:
            return "SKIPPED";
    }
    return "?";
}

std::string threshold_text(const check& c) {
    switch (c.op) {
        case check_op::at_least:
            return "threshold >= " + format_number(c.threshold);
        case check_op::at_most:
            return "threshold <= " + format_number(c.threshold);
        case check_op::within:
            return "threshold within " + format_number(c.threshold * 100) + "% of 1";
        case check_op::measure:
            return "no threshold";
    }
    return {};
}

std::string run_conditions::text() const {
    return "load " + format_number(load_average) + " on " + std::to_string(cores) + " cores";
}

verdict evaluate(const scenario& s, const std::vector<config_summary>& data, const run_conditions& cond) {
    verdict v;
    v.heavy_load = cond.heavy();
    bool any_fail = false, any_missing = false, any_threshold = false;
    for (auto& rule : s.checks) {
        check_result r;
        r.rule = rule;
        std::string expr = rule.a.to_string() + (rule.b ? " / " + rule.b->to_string() : "");
        auto a = find_value(rule.a, data);
        lookup b{1.0, {}};
        if (rule.b) b = find_value(*rule.b, data);
        if (rule.op != check_op::measure) any_threshold = true;
        if (!a.missing.empty() || !b.missing.empty()) {
            r.detail = expr + ": no data: " + (a.missing.empty() ? b.missing : a.missing);
            any_missing = true;
        } else if (rule.b && b.value == 0) {
            r.detail = expr + ": no data: the denominator is 0";
            any_missing = true;
        } else {
            r.has_data = true;
            r.value = a.value / b.value;
            switch (rule.op) {
                case check_op::at_least:
                    r.pass = r.value >= rule.threshold;
                    break;
                case check_op::at_most:
                    r.pass = r.value <= rule.threshold;
                    break;
                case check_op::within:
                    r.pass = std::fabs(r.value - 1.0) <= rule.threshold;
                    break;
                case check_op::measure:
                    r.pass = true;
                    break;
            }
            r.detail = expr + " = " + format_number(r.value) + " (" + threshold_text(rule) + ")";
            if (rule.op != check_op::measure) r.detail += r.pass ? ": pass" : ": FAIL";
            if (!r.pass && v.heavy_load) {
                r.excused = true;
                r.detail += ", but at " + cond.text() + " (above " + format_number(heavy_load_per_core) +
                            " per core) a failure cannot be told from the load: no data";
                any_missing = true;
            } else if (!r.pass) {
                any_fail = true;
            }
        }
        v.checks.push_back(std::move(r));
    }
    if (any_fail)
        v.kind = verdict_kind::not_reproduced;
    else if (any_missing)
        v.kind = verdict_kind::no_data;
    else if (!any_threshold)
        v.kind = verdict_kind::measured;
    else
        v.kind = verdict_kind::reproduced;
    v.line = std::string(to_string(v.kind)) + ":";
    for (std::size_t i = 0; i < v.checks.size(); ++i) v.line += (i ? "; " : " ") + v.checks[i].detail;
    return v;
}

verdict skipped_verdict(const std::string& reason) {
    verdict v;
    v.kind = verdict_kind::skipped;
    v.line = "SKIPPED: " + reason;
    return v;
}

}  // namespace feedbench::scenarios
