// Evaluates a scenario's checks on measured medians; missing data is a NO DATA verdict, never a crash.
#include "repro/scenarios/verdict.hpp"

#include "repro/core/settings.hpp"
#include "repro/core/stats.hpp"
#include "repro/worker/diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace feedbench::scenarios {
namespace {

struct lookup {
    double value = no_value;
    std::string missing;             // why there is no value
    const spread* values = nullptr;  // the configuration's values, by repetition
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
    return {v, {}, &hits.front()->metrics.at(r.metric)};
}

// A ratio of two configurations measured in the same rounds: the median of the per-round ratios. Repetitions
// interleave (round k runs every configuration once, back to back), so the two values of one round met the
// same machine; on a machine whose speed drifts between rounds the paired median holds where the ratio of
// the two medians moves. Needs min_pairs rounds with both values; else the ratio of the medians.
constexpr std::size_t min_pairs = 3;
struct ratio {
    double value = no_value;
    std::size_t pairs = 0;  // 0: the ratio of the medians
};
ratio ratio_of(const lookup& a, const lookup& b) {
    std::vector<double> per_round;
    if (a.values && b.values)
        for (auto& [rep, x] : a.values->by_rep)
            if (auto it = b.values->by_rep.find(rep); it != b.values->by_rep.end() && it->second != 0)
                per_round.push_back(x / it->second);
    if (per_round.size() >= min_pairs) return {core::median(per_round), per_round.size()};
    return {a.value / b.value, 0};
}

// "read_size=1;pool=20" -> "read_size=1,pool=20" (a selector's spelling).
std::string replace_terms(std::string label) {
    std::replace(label.begin(), label.end(), ';', ',');
    return label;
}

double or_zero(double v) { return std::isnan(v) ? 0 : v; }

// A share as a whole percent: 0.943 -> "94%".
std::string pct(double share) { return fmt::format("{:.0f}%", 100 * share); }

// Microseconds in the unit that keeps them readable.
std::string duration_text(double us) {
    if (us < 1000) return format_number(us) + " µs";
    if (us < 1e6) return format_number(us / 1000) + " ms";
    return format_number(us / 1e6) + " s";
}

// The profiler view's input from a configuration's medians: one typical job (p50 wall and CPU per stage, the
// suspended share of the stage's total wall, yields and reads per job).
worker::diagnosis_input diagnosis_of(const config_summary& c) {
    worker::diagnosis_input in;
    in.jobs = 1;
    const auto& rs = c.config.get(axis::read_size);
    bool whole = rs == "whole";
    double read_bytes = whole ? -1 : double(read_size_bytes(rs));
    for (std::size_t i = 0; i < core::stage_count; ++i) {
        std::string st(core::stage_names[i]);
        auto& l = in.stages[i];
        l.wall_us = or_zero(c.median(st + "_wall_p50_us"));
        l.cpu_us = std::min(l.wall_us, or_zero(c.median(st + "_cpu_p50_us")));
        l.suspended_us = l.wall_us * or_zero(c.median(st + "_suspended_pct")) / 100;
        l.yields = or_zero(c.median(st + "_yields_per_job"));
        l.reads = or_zero(c.median(st + "_reads_per_job"));
        l.bytes = l.reads > 0 && read_bytes > 0 ? l.reads * read_bytes : (l.reads > 0 ? -1 : 0);
    }
    in.cpu_util = c.median("cpu_util");
    in.has_cpu = !std::isnan(in.cpu_util);
    try {
        auto pool = core::pool_spec::parse(c.config.get(axis::pool));
        in.pool = pool.size;
        in.pool_threads = pool.threads;
    } catch (const std::invalid_argument&) {}
    in.read_cap = whole ? "whole-body reads" : "reads of <= " + rs + " B";
    in.failed = static_cast<std::size_t>(or_zero(c.median("failed")));
    in.total_jobs = static_cast<std::size_t>(or_zero(c.median("jobs_done")));
    return in;
}

// What one configuration did: the dominant stage, its suspended share, yields and reads per job, CPU.
std::string config_facts(const config_summary& c, const worker::diagnosis_input& in) {
    std::string t = "{" + replace_terms(c.config.label) + "}";
    auto top = worker::dominant_stage(in);
    if (top == core::stage_count) {
        t += " has no per-stage data";
    } else {
        auto& st = in.stages[top];
        t += ": " + std::string(core::stage_names[top]) + " dominated (" + pct(worker::wall_share(in, top)) +
             " of a job's wall, p50 " + duration_text(st.wall_us) + "), suspended " + pct(worker::suspended_share(st)) +
             " of its wall, on the CPU " + pct(worker::cpu_share(st)) + ", " + format_number(st.yields) +
             " yields and " + format_number(st.reads) + " reads per job";
    }
    if (in.has_cpu) t += "; worker CPU " + pct(in.cpu_util) + " of one core";
    if (double r = c.median("jobs_per_s"); !std::isnan(r)) t += "; " + format_number(r) + " jobs/s";
    if (!c.status.empty()) t += " (" + c.status + ")";
    return t;
}

// The stage a metric names ("parse_suspended_pct" -> parse), or stage_count.
std::size_t metric_stage(const std::string& metric) {
    for (std::size_t i = 0; i < core::stage_count; ++i) {
        std::string prefix = std::string(core::stage_names[i]) + "_";
        if (metric.rfind(prefix, 0) == 0) return i;
    }
    return core::stage_count;
}

bool ends_with(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Which assumption of a failed check did not hold, read from the diagnosis of the configuration it names.
std::string assumption_text(const check_result& r, const worker::diagnosis_input& in,
                            const std::vector<worker::finding>& found) {
    const auto& m = r.rule.a.metric;
    auto si = metric_stage(m);
    auto has = [&](worker::finding_kind k, std::size_t stage) {
        return std::any_of(found.begin(), found.end(), [&](auto& f) { return f.kind == k && f.stage == stage; });
    };
    bool saturated =
        std::any_of(found.begin(), found.end(), [](auto& f) { return f.kind == worker::finding_kind::saturated; });
    if (si != core::stage_count && (ends_with(m, "_suspended_pct") || ends_with(m, "_yields_per_job"))) {
        std::string stage(core::stage_names[si]);
        auto& st = in.stages[si];
        std::string numbers = stage + " on the CPU " + pct(worker::cpu_share(st)) + " of its wall, suspended " +
                              pct(worker::suspended_share(st)) + ", " + format_number(st.yields) + " yields per job";
        if (r.rule.op == check_op::at_least) {
            std::string t = "The scenario assumes the " + stage +
                            " waits for bytes on sockets that run dry, suspending in the scheduler. ";
            if (has(worker::finding_kind::cpu_bound, si) || worker::cpu_share(st) >= worker::cpu_bound_threshold)
                return t + "That did not hold: the sockets never ran dry, reading was CPU-bound (" + numbers +
                       (saturated ? "; the worker thread was saturated, so bytes arrived faster than it read them"
                                  : "") +
                       ").";
            if (has(worker::finding_kind::preempted, si))
                return t + "That did not hold: the " + stage + "'s wall went to preemption, not to waiting (" +
                       numbers + "): the machine's load took the time.";
            return t + "That did not hold: the " + stage + " rarely waited (" + numbers + ").";
        }
        if (r.rule.op == check_op::at_most)
            return "The scenario assumes the " + stage + " never waits (its bytes are already in memory); it did (" +
                   numbers + ").";
    }
    if (r.rule.b && r.rule.op == check_op::at_least)
        return "The scenario assumes " + r.rule.a.to_string() + " is at least " + format_number(r.rule.threshold) +
               " x " + r.rule.b->to_string() + "; measured " + format_number(r.value) + " x.";
    return "The check assumes " + r.rule.text + "; measured " + format_number(r.value) + ".";
}

}  // namespace

const config_summary* find_config(const selector& where, const std::vector<config_summary>& data) {
    const config_summary* hit = nullptr;
    for (auto& c : data)
        if (where.matches(c.config)) {
            if (hit) return nullptr;
            hit = &c;
        }
    return hit;
}

std::string why_paragraph(const scenario& s, const verdict& v, const std::vector<config_summary>& data,
                          const run_conditions& cond) {
    if (v.kind != verdict_kind::not_reproduced && v.kind != verdict_kind::no_data) return {};
    std::string t = "Why " + std::string(to_string(v.kind)) + ": ";
    bool first = true;
    std::vector<const config_summary*> described;
    for (auto& r : v.checks) {
        bool failed = r.has_data && !r.pass;
        if (r.has_data && r.pass) continue;
        t += std::string(first ? "" : " ") + (failed ? "Check " : "") + r.detail + ".";
        first = false;
        // Each configuration the check names: its facts and the profiler view's diagnosis, once.
        std::vector<const metric_ref*> refs{&r.rule.a};
        if (r.rule.b) refs.push_back(&*r.rule.b);
        for (auto* ref : refs) {
            auto* c = find_config(ref->where, data);
            if (!c) continue;
            auto in = diagnosis_of(*c);
            auto found = worker::diagnose(in);
            if (std::find(described.begin(), described.end(), c) == described.end()) {
                described.push_back(c);
                t += " " + config_facts(*c, in) + ".";
                if (!found.empty()) {
                    t += " Diagnosis:";
                    for (std::size_t i = 0; i < found.size(); ++i) t += (i ? "; " : " ") + found[i].text;
                    t += ".";
                }
            }
            // The assumption that did not hold, once (two checks on one stage share it).
            if (auto a = assumption_text(r, in, found); failed && ref == &r.rule.a && t.find(a) == std::string::npos)
                t += " " + a;
        }
    }
    if (!std::isnan(cond.load_average))
        t += " The machine: " + cond.text() +
             (cond.heavy() ? " (heavy: above " + format_number(heavy_load_per_core) + " per core)." : ".");
    return t;
}

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
    // A check without a threshold only reports: its missing data makes NO DATA only where no check has a
    // threshold (e.g. S11's feeds-2012 ratio on a machine without that corpus does not decide S11).
    bool any_fail = false, any_missing = false, any_missing_report = false, any_threshold = false;
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
            (rule.op == check_op::measure ? any_missing_report : any_missing) = true;
        } else if (rule.b && b.value == 0) {
            r.detail = expr + ": no data: the denominator is 0";
            (rule.op == check_op::measure ? any_missing_report : any_missing) = true;
        } else {
            r.has_data = true;
            const ratio q = rule.b ? ratio_of(a, b) : ratio{a.value, 0};
            r.value = q.value;
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
            r.detail = expr + " = " + format_number(r.value) +
                       (q.pairs ? " (median of " + std::to_string(q.pairs) + " paired rounds; " : " (") +
                       threshold_text(rule) + ")";
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
    else if (any_missing || (!any_threshold && any_missing_report))
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
