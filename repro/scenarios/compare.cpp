// checks.tsv written and read back; runs compared side by side.
#include "repro/scenarios/compare.hpp"

#include "repro/scenarios/report.hpp"

#include "repro/core/csv.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace feedbench::scenarios {
namespace {

constexpr const char* checks_header = "scenario\tmust\tverdict\theavy_load\tload\tcheck\tvalue\tthreshold\tresult";

std::string number_field(double v) {
    if (std::isnan(v)) return "";
    std::ostringstream o;
    o.precision(6);
    o << v;
    return o.str();
}

std::string result_word(const check_result& c) {
    if (c.rule.op == check_op::measure) return c.has_data ? "measured" : "no data";
    if (!c.has_data) return "no data";
    if (c.excused) return "excused";
    return c.pass ? "pass" : "FAIL";
}

std::string pad(const std::string& s, std::size_t w) {
    return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' ');
}

}  // namespace

void write_checks_tsv(const std::filesystem::path& file, const run_report& r) {
    std::ofstream out(file);
    if (!out) throw std::runtime_error(file.string() + ": cannot write");
    out << checks_header << '\n';
    for (auto& o : r.scenarios) {
        auto head = o.def.id + '\t' + (o.def.must_reproduce ? "yes" : "no") + '\t' +
                    std::string(to_string(o.result.kind)) + '\t' + (o.result.heavy_load ? "yes" : "no") + '\t' +
                    number_field(o.conditions.load_average) + '\t';
        if (o.result.checks.empty()) out << head << "\t\t\t" << core::tsv_field(o.result.line) << '\n';
        for (auto& c : o.result.checks) {
            std::string text = c.rule.a.to_string() + (c.rule.b ? " / " + c.rule.b->to_string() : "");
            out << head << core::tsv_field(text) << '\t' << number_field(c.value) << '\t'
                << core::tsv_field(threshold_text(c.rule)) << '\t' << result_word(c) << '\n';
        }
    }
    if (!out) throw std::runtime_error(file.string() + ": write failed");
}

std::vector<check_row> read_checks_tsv(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error(file.string() + ": cannot read (not a feedrepro run folder?)");
    std::string line;
    if (!std::getline(in, line) || line != checks_header)
        throw std::runtime_error(file.string() + ":1: expected the header '" + std::string(checks_header) + "'");
    std::vector<check_row> rows;
    int n = 1;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty()) continue;
        auto f = core::split_tsv(line);
        if (f.size() != 9)
            throw std::runtime_error(file.string() + ":" + std::to_string(n) +
                                     ": expected 9 tab-separated fields, got " + std::to_string(f.size()));
        check_row r;
        r.scenario = f[0];
        r.must = f[1] == "yes";
        r.verdict = f[2];
        r.heavy_load = f[3] == "yes";
        r.check = f[5];
        r.threshold = f[7];
        r.result = f[8];
        r.thresholded = !r.threshold.empty() && r.threshold != "no threshold";
        auto num = [&](const std::string& s, const char* what) {
            if (s.empty()) return no_value;
            try {
                std::size_t used = 0;
                double v = std::stod(s, &used);
                if (used == s.size()) return v;
            } catch (const std::exception&) {}
            throw std::runtime_error(file.string() + ":" + std::to_string(n) + ": " + what + " '" + s +
                                     "' is not a number");
        };
        r.load = num(f[4], "load");
        r.value = num(f[6], "value");
        rows.push_back(std::move(r));
    }
    return rows;
}

double spread_pct(const std::vector<double>& values) {
    if (values.empty()) return no_value;
    for (double v : values)
        if (std::isnan(v)) return no_value;
    auto m = median_min_max(values);
    if (m.median == 0) return no_value;
    return 100 * (m.max - m.min) / std::fabs(m.median);
}

comparison compare_runs(const std::vector<compared_run>& runs) {
    comparison out;
    std::ostringstream t;
    const std::size_t w0 = 12, wc = 18;
    // Verdicts: one row per scenario, one column per run.
    std::vector<std::string> scenarios;
    std::map<std::string, std::vector<std::string>> verdicts;
    std::map<std::string, bool> must;
    for (std::size_t k = 0; k < runs.size(); ++k)
        for (auto& r : runs[k].rows) {
            if (!verdicts.count(r.scenario)) {
                scenarios.push_back(r.scenario);
                verdicts[r.scenario].assign(runs.size(), "-");
            }
            verdicts[r.scenario][k] = r.verdict;
            must[r.scenario] = r.must;
        }
    t << pad("verdict", w0);
    for (auto& r : runs) t << pad(r.label, wc);
    t << '\n' << pad("load (max)", w0);
    for (auto& r : runs) {
        double l = 0;
        for (auto& row : r.rows) l = std::max(l, row.load);
        t << pad(format_number(l), wc);
    }
    t << '\n';
    for (auto& s : scenarios) {
        t << pad(s + (must[s] ? " [must]" : ""), w0);
        for (std::size_t k = 0; k < runs.size(); ++k) t << pad(verdicts[s][k], wc);
        t << '\n';
    }
    for (std::size_t k = 0; k < runs.size(); ++k) {
        std::map<std::string, bool> seen;
        for (auto& r : runs[k].rows) {
            if (!r.must || seen[r.scenario]) continue;
            seen[r.scenario] = true;
            bool ok = r.verdict == "REPRODUCED" || (r.verdict == "NO DATA" && r.heavy_load);
            if (!ok) out.must_failures.push_back(runs[k].label + ": " + r.scenario + " is " + r.verdict);
        }
    }
    // Checks: value per run and the spread across runs.
    t << '\n' << pad("check", w0) << "values per run, then spread = (max - min) / median\n";
    std::vector<std::pair<std::string, std::string>> keys;  // scenario, check
    for (auto& run : runs)
        for (auto& r : run.rows)
            if (!r.check.empty() && std::find(keys.begin(), keys.end(), std::pair{r.scenario, r.check}) == keys.end())
                keys.emplace_back(r.scenario, r.check);
    for (auto& [s, c] : keys) {
        std::vector<double> values;
        std::string threshold;
        bool thresholded = false;
        t << pad(s, 4) << c << '\n' << pad("", w0);
        for (auto& run : runs) {
            auto it = std::find_if(run.rows.begin(), run.rows.end(),
                                   [&](auto& r) { return r.scenario == s && r.check == c; });
            if (it == run.rows.end()) {
                values.push_back(no_value);
                t << pad("-", wc);
                continue;
            }
            values.push_back(it->value);
            threshold = it->threshold;
            thresholded = thresholded || it->thresholded;
            t << pad(format_number(it->value) + " " + it->result, wc);
        }
        double sp = spread_pct(values);
        t << "spread " << (std::isnan(sp) ? "-" : format_number(sp) + "%") << "  (" << threshold << ")\n";
        if (thresholded && runs.size() > 1 && !std::isnan(sp) && sp > repeat_spread_limit_pct)
            out.wide_spreads.push_back(s + " " + c + ": spread " + format_number(sp) + "% (limit " +
                                       format_number(repeat_spread_limit_pct) + "%)");
    }
    out.text = t.str();
    return out;
}

}  // namespace feedbench::scenarios
