// checks.tsv written and read back; runs compared side by side.
#include "repro/scenarios/compare.hpp"

#include "repro/scenarios/report.hpp"

#include "repro/core/csv.hpp"
#include "repro/core/stats.hpp"
#include "repro/core/strings.hpp"

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

// ---- feedrepro compare A B ----

namespace feedbench::scenarios {
namespace {

namespace fs = std::filesystem;

std::string pct_text(double v, bool sign = false) {
    if (std::isnan(v)) return "-";
    return (sign && v > 0 ? "+" : "") + format_number(v) + "%";
}

// "read_size=1;pool=20" -> "read_size=1 pool=20".
std::string label_text(std::string s) {
    std::replace(s.begin(), s.end(), ';', ' ');
    return s;
}

std::string reps_text(const std::vector<int>& reps) {
    std::string s;
    for (int r : reps) s += (s.empty() ? "" : ",") + std::to_string(r);
    return s;
}

// The medians and spread of compared_metric over one configuration's repetitions.
struct side {
    double median = no_value, spread = no_value;
    std::size_t reps = 0;
    std::vector<int> outliers;
    std::string status;
};

side side_of(const std::vector<const rep_result*>& reps) {
    side s;
    std::vector<double> v;
    std::vector<int> numbers;
    for (auto* r : reps) {
        v.push_back(r->get(compared_metric));
        numbers.push_back(r->rep);
        if (s.status.empty()) s.status = r->status;
    }
    auto m = median_min_max(v, numbers);
    s.median = m.median;
    s.spread = m.spread_pct;
    s.reps = m.n;
    s.outliers = m.outlier_reps;
    return s;
}

// A check's rule in the scenario definitions, found by its text as checks.tsv writes it.
const check* find_rule(const std::vector<scenario>& defs, const std::string& id, const std::string& text) {
    for (auto& d : defs) {
        if (d.id != id) continue;
        for (auto& c : d.checks)
            if (c.a.to_string() + (c.b ? " / " + c.b->to_string() : "") == text) return &c;
    }
    return nullptr;
}

worse_when direction_of(const check* rule, const std::string& threshold) {
    auto op = rule ? rule->op : check_op::measure;
    if (!rule) {
        if (threshold.find(">=") != std::string::npos) op = check_op::at_least;
        if (threshold.find("<=") != std::string::npos) op = check_op::at_most;
        if (threshold.find("within") != std::string::npos) op = check_op::within;
    }
    switch (op) {
        case check_op::at_least:
            return worse_when::lower;
        case check_op::at_most:
            return worse_when::higher;
        case check_op::within:
            return worse_when::further_from_one;
        case check_op::measure:
            return worse_when::none;
    }
    return worse_when::none;
}

// The check's value per repetition (a / b of the same repetition), and their robust spread.
double rule_spread(const check& rule, const std::vector<rep_result>& reps) {
    auto value_at = [&](const metric_ref& m, int rep) {
        for (auto& r : reps)
            if (r.rep == rep && m.where.matches(r.config)) return r.get(m.metric);
        return no_value;
    };
    std::vector<int> numbers;
    for (auto& r : reps)
        if (std::find(numbers.begin(), numbers.end(), r.rep) == numbers.end()) numbers.push_back(r.rep);
    std::vector<double> values;
    for (int k : numbers) values.push_back(rule.b ? value_at(rule.a, k) / value_at(*rule.b, k) : value_at(rule.a, k));
    return core::robust_spread_pct(values);
}

double worse_pct_of(worse_when d, double a, double b) {
    if (std::isnan(a) || std::isnan(b) || a == 0) return no_value;
    switch (d) {
        case worse_when::lower:
            return 100 * (a - b) / std::fabs(a);
        case worse_when::higher:
            return 100 * (b - a) / std::fabs(a);
        case worse_when::further_from_one:
            return 100 * (std::fabs(b - 1) - std::fabs(a - 1)) / std::fabs(a);
        case worse_when::none:
            return no_value;
    }
    return no_value;
}

double max_load(const run_folder& r) {
    double l = no_value;
    for (auto& c : r.checks)
        if (!std::isnan(c.load) && !(c.load <= l)) l = c.load;
    return l;
}

std::string html(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '&')
            o += "&amp;";
        else if (c == '<')
            o += "&lt;";
        else if (c == '>')
            o += "&gt;";
        else if (c == '"')
            o += "&quot;";
        else
            o += c;
    }
    return o;
}

std::string config_verdict(const config_change& c) {
    if (!c.note.empty()) return c.note;
    if (c.regression) return "REGRESSION";
    if (c.beyond_spread && c.change_pct > 0) return "faster";
    if (c.beyond_spread) return "slower (within threshold)";
    return "within noise";
}

std::string check_verdict(const check_change& c) {
    std::string flip = c.result_a != c.result_b ? " (" + c.result_a + " -> " + c.result_b + ")" : "";
    if (c.regression) return "REGRESSION" + flip;
    if (c.direction == worse_when::none) return "measured" + flip;
    return (std::isnan(c.worse_pct) ? "no data" : "ok") + flip;
}

// The rows every format shows: header + cells.
struct table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

table config_table(const run_comparison& c) {
    table t{{"scenario", "configuration", "A jobs/s", "A spread", "A reps", "B jobs/s", "B spread", "B reps", "change",
             "result"},
            {}};
    for (auto& r : c.configs) {
        auto reps = [](std::size_t n, const std::vector<int>& out) {
            return std::to_string(n) + (out.empty() ? "" : " (outlier rep " + reps_text(out) + ")");
        };
        t.rows.push_back({r.scenario, label_text(r.label), format_number(r.a), pct_text(r.spread_a),
                          reps(r.reps_a, r.outliers_a), format_number(r.b), pct_text(r.spread_b),
                          reps(r.reps_b, r.outliers_b), pct_text(r.change_pct, true), config_verdict(r)});
    }
    return t;
}

table check_table(const run_comparison& c) {
    table t{{"scenario", "check", "threshold", "A", "A spread", "B", "B spread", "change", "result"}, {}};
    for (auto& r : c.checks)
        t.rows.push_back({r.scenario, r.check, r.threshold, format_number(r.a) + " " + r.result_a, pct_text(r.spread_a),
                          format_number(r.b) + " " + r.result_b, pct_text(r.spread_b), pct_text(r.change_pct, true),
                          check_verdict(r)});
    return t;
}

std::string text_table(const table& t) {
    std::vector<std::size_t> w(t.header.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
        w[i] = t.header[i].size();
        for (auto& r : t.rows) w[i] = std::max(w[i], r[i].size());
    }
    std::ostringstream o;
    auto line = [&](const std::vector<std::string>& cells) {
        std::string l;
        for (std::size_t i = 0; i < cells.size(); ++i) l += pad(cells[i], i + 1 == cells.size() ? 0 : w[i] + 1);
        while (!l.empty() && l.back() == ' ') l.pop_back();
        o << l << '\n';
    };
    line(t.header);
    for (auto& r : t.rows) line(r);
    return o.str();
}

std::string markdown_table(const table& t) {
    std::ostringstream o;
    auto cell = [](const std::string& s) {
        std::string e;
        for (char c : s) e += c == '|' ? std::string("\\|") : std::string(1, c);
        return e;
    };
    o << '|';
    for (auto& h : t.header) o << ' ' << cell(h) << " |";
    o << "\n|";
    for (std::size_t i = 0; i < t.header.size(); ++i) o << "---|";
    o << '\n';
    for (auto& r : t.rows) {
        o << '|';
        for (auto& c : r) o << ' ' << cell(c) << " |";
        o << '\n';
    }
    return o.str();
}

std::string html_table(const table& t) {
    std::ostringstream o;
    o << "<table>\n<tr>";
    for (auto& h : t.header) o << "<th>" << html(h) << "</th>";
    o << "</tr>\n";
    for (auto& r : t.rows) {
        bool bad = r.back().rfind("REGRESSION", 0) == 0;
        o << (bad ? "<tr class=\"regression\">" : "<tr>");
        for (auto& c : r) o << "<td>" << html(c) << "</td>";
        o << "</tr>\n";
    }
    o << "</table>\n";
    return o.str();
}

// A load difference the reader should weigh: one run's highest load average a quarter above the other's,
// and at least 1 apart.
bool loads_differ(const run_comparison& c) {
    double lo = std::min(c.load_a, c.load_b), hi = std::max(c.load_a, c.load_b);
    return hi - lo >= 1 && hi > 1.25 * lo;
}

std::string headline(const run_comparison& c) {
    return "A (baseline): " + c.label_a + ", load average up to " + format_number(c.load_a) + "; B: " + c.label_b +
           ", load average up to " + format_number(c.load_b) + ". Threshold " + format_number(c.threshold_pct) + "%." +
           (loads_differ(c) ? " The runs' load averages differ: a change may be the machine's, not the code's." : "");
}

std::string rule_text(const run_comparison& c) {
    return "A configuration regresses when B's median " + std::string(compared_metric) +
           " is lower than A's by more than " + format_number(c.threshold_pct) +
           "% and by more than both runs' spread (the repetitions' scaled MAD as % of their median; from 5 repetitions "
           "on, an outlier is one more than 3 scaled MADs from the median). A headline ratio regresses by the same "
           "rule in the "
           "direction its threshold names; its spread is that of the per-repetition ratio.";
}

std::string summary_line(const run_comparison& c) {
    auto r = c.regressions();
    return r.empty() ? "No regression." : std::to_string(r.size()) + " regression" + (r.size() == 1 ? "" : "s") + ".";
}

}  // namespace

run_folder load_run_folder(const fs::path& dir) {
    run_folder r;
    r.dir = dir;
    r.label = dir.lexically_normal().filename().string();
    if (r.label.empty()) r.label = dir.lexically_normal().parent_path().filename().string();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw compare_input_error(dir.string() + ": no such folder");
    if (!fs::exists(dir / "checks.tsv", ec))
        throw compare_input_error(dir.string() + ": no checks.tsv (not a feedrepro run folder)");
    try {
        r.checks = read_checks_tsv(dir / "checks.tsv");
    } catch (const std::exception& e) {
        throw compare_input_error(e.what());
    }
    std::map<std::string, std::string> verdict;
    for (auto& c : r.checks)
        if (verdict.emplace(c.scenario, c.verdict).second) r.scenarios.push_back(c.scenario);
    if (r.scenarios.empty()) throw compare_input_error((dir / "checks.tsv").string() + ": no scenario");
    for (auto& id : r.scenarios) {
        auto csv = dir / (id + ".csv");
        if (!fs::exists(csv, ec)) {
            if (verdict[id] == "SKIPPED") continue;  // skipped scenarios write no CSV
            throw compare_input_error(csv.string() + ": missing (scenario " + id + " is " + verdict[id] + ")");
        }
        try {
            r.reps[id] = read_rep_csv(csv);
        } catch (const std::exception& e) {
            throw compare_input_error(e.what());
        }
    }
    return r;
}

std::pair<run_folder, run_folder> load_run_pair(const fs::path& a, const fs::path& b) {
    // Each folder named by its argument (A or B) in the error.
    auto load = [](const fs::path& dir, const char* name) {
        try {
            return load_run_folder(dir);
        } catch (const compare_input_error& e) {
            throw compare_input_error(std::string(name) + ": " + e.what());
        }
    };
    auto ra = load(a, "A");
    auto rb = load(b, "B");
    auto missing = [](const run_folder& x, const run_folder& y) {
        std::string m;
        for (auto& id : x.scenarios)
            if (std::find(y.scenarios.begin(), y.scenarios.end(), id) == y.scenarios.end()) m += " " + id;
        return m;
    };
    auto not_in_b = missing(ra, rb), not_in_a = missing(rb, ra);
    if (!not_in_a.empty() || !not_in_b.empty())
        throw compare_input_error("the runs have different scenarios:" +
                                  (not_in_b.empty() ? "" : " missing in B (" + b.string() + "):" + not_in_b + ";") +
                                  (not_in_a.empty() ? "" : " missing in A (" + a.string() + "):" + not_in_a + ";") +
                                  " run both with the same --scenarios");
    if (ra.label == rb.label) {
        ra.label = a.lexically_normal().string();
        rb.label = b.lexically_normal().string();
    }
    return {std::move(ra), std::move(rb)};
}

bool is_regression(double worse_pct, double threshold_pct, double spread_a_pct, double spread_b_pct) {
    if (std::isnan(worse_pct) || !(worse_pct > threshold_pct)) return false;
    return !(worse_pct <= spread_a_pct) && !(worse_pct <= spread_b_pct);  // a NaN spread does not excuse
}

bool run_comparison::regression() const { return !regressions().empty(); }

std::vector<std::string> run_comparison::regressions() const {
    std::vector<std::string> out;
    for (auto& c : configs)
        if (c.regression)
            out.push_back(c.scenario + " " + label_text(c.label) + ": " + compared_metric + " " + format_number(c.a) +
                          " -> " + format_number(c.b) + " (" + pct_text(c.change_pct, true) + ", spread " +
                          pct_text(c.spread_a) + " / " + pct_text(c.spread_b) + ")");
    for (auto& c : checks)
        if (c.regression)
            out.push_back(c.scenario + " " + c.check + ": " + format_number(c.a) + " -> " + format_number(c.b) + " (" +
                          pct_text(c.change_pct, true) + ", " + c.threshold + ")");
    return out;
}

run_comparison compare_two(const run_folder& a, const run_folder& b, double threshold_pct,
                           const std::vector<scenario>& defs) {
    run_comparison out;
    out.label_a = a.label;
    out.label_b = b.label;
    out.threshold_pct = threshold_pct;
    out.load_a = max_load(a);
    out.load_b = max_load(b);
    static const std::vector<rep_result> none;
    auto reps_of = [](const run_folder& r, const std::string& id) -> const std::vector<rep_result>& {
        auto it = r.reps.find(id);
        return it == r.reps.end() ? none : it->second;
    };
    // Configurations: matched by every axis but jobs, in A's order, then B's new ones.
    for (auto& id : a.scenarios) {
        auto& ra = reps_of(a, id);
        auto& rb = reps_of(b, id);
        std::vector<std::string> keys;
        std::map<std::string, std::string> labels;
        std::map<std::string, std::pair<std::vector<const rep_result*>, std::vector<const rep_result*>>> by_key;
        for (auto* reps : {&ra, &rb})
            for (auto& r : *reps) {
                auto k = r.config.key();
                if (!labels.count(k)) {
                    keys.push_back(k);
                    labels[k] = r.config.label;
                }
                (reps == &ra ? by_key[k].first : by_key[k].second).push_back(&r);
            }
        for (auto& k : keys) {
            auto& [va, vb] = by_key[k];
            config_change c;
            c.scenario = id;
            c.label = labels[k];
            auto sa = side_of(va), sb = side_of(vb);
            c.a = sa.median;
            c.b = sb.median;
            c.spread_a = sa.spread;
            c.spread_b = sb.spread;
            c.reps_a = sa.reps;
            c.reps_b = sb.reps;
            c.outliers_a = sa.outliers;
            c.outliers_b = sb.outliers;
            if (va.empty())
                c.note = "only in B";
            else if (vb.empty())
                c.note = "only in A";
            else if (std::isnan(c.a))
                c.note = "no value in A" + (sa.status.empty() ? "" : " (" + sa.status + ")");
            else if (std::isnan(c.b))
                c.note = "no value in B" + (sb.status.empty() ? "" : " (" + sb.status + ")");
            if (c.note.empty() && c.a != 0) {
                c.change_pct = 100 * (c.b - c.a) / std::fabs(c.a);
                double size = std::fabs(c.change_pct);
                c.beyond_spread = !(size <= c.spread_a) && !(size <= c.spread_b);
                c.regression = is_regression(-c.change_pct, threshold_pct, c.spread_a, c.spread_b);
            }
            out.configs.push_back(std::move(c));
        }
    }
    // Headline ratios: matched by scenario and check text.
    for (auto& ca : a.checks) {
        if (ca.check.empty()) continue;
        auto it = std::find_if(b.checks.begin(), b.checks.end(),
                               [&](auto& x) { return x.scenario == ca.scenario && x.check == ca.check; });
        check_change c;
        c.scenario = ca.scenario;
        c.check = ca.check;
        c.threshold = ca.threshold;
        c.result_a = ca.result;
        c.a = ca.value;
        c.result_b = it == b.checks.end() ? "absent" : it->result;
        c.b = it == b.checks.end() ? no_value : it->value;
        auto* rule = find_rule(defs, ca.scenario, ca.check);
        c.direction = direction_of(rule, ca.threshold);
        if (rule) {
            c.spread_a = rule_spread(*rule, reps_of(a, ca.scenario));
            c.spread_b = rule_spread(*rule, reps_of(b, ca.scenario));
        }
        if (!std::isnan(c.a) && !std::isnan(c.b) && c.a != 0) c.change_pct = 100 * (c.b - c.a) / std::fabs(c.a);
        c.worse_pct = worse_pct_of(c.direction, c.a, c.b);
        c.regression = is_regression(c.worse_pct, threshold_pct, c.spread_a, c.spread_b);
        out.checks.push_back(std::move(c));
    }
    return out;
}

std::string comparison_text(const run_comparison& c) {
    std::ostringstream o;
    o << headline(c) << "\n\n"
      << compared_metric << " per configuration (median of the repetitions; spread = scaled MAD, % of the median)\n"
      << text_table(config_table(c)) << "\nheadline ratios (checks.tsv)\n"
      << text_table(check_table(c)) << '\n';
    for (auto& r : c.regressions()) o << "regression: " << r << '\n';
    o << summary_line(c) << '\n';
    return o.str();
}

std::string comparison_markdown(const run_comparison& c) {
    std::ostringstream o;
    o << "## Runs compared\n\n"
      << headline(c) << "\n\n"
      << rule_text(c) << "\n\n### jobs/s per configuration\n\n"
      << markdown_table(config_table(c)) << "\n### Headline ratios\n\n"
      << markdown_table(check_table(c)) << '\n';
    for (auto& r : c.regressions()) o << "- regression: " << r << '\n';
    o << "\n**" << summary_line(c) << "**\n";
    return o.str();
}

std::string comparison_html(const run_comparison& c) {
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Runs compared: " << html(c.label_a) << " vs "
      << html(c.label_b) << "</title>\n<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
      << "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}tr.regression td{background:#fdd}</style>"
      << "</head><body>\n<section id=\"compare\">\n<h2>Runs compared</h2>\n<p>" << html(headline(c)) << "</p>\n<p>"
      << html(rule_text(c)) << "</p>\n<h3>jobs/s per configuration</h3>\n"
      << html_table(config_table(c)) << "<h3>Headline ratios</h3>\n"
      << html_table(check_table(c));
    auto regs = c.regressions();
    if (!regs.empty()) {
        o << "<ul>\n";
        for (auto& r : regs) o << "<li>regression: " << html(r) << "</li>\n";
        o << "</ul>\n";
    }
    o << "<p><strong>" << html(summary_line(c)) << "</strong></p>\n</section>\n</body></html>\n";
    return o.str();
}

namespace {

// The run's page (index.html in dir, when there is one) gets a "Runs compared" section: the summary line and a
// link to compare.html. A later comparison replaces it (it sits between two marker comments).
void link_from_page(const run_comparison& c, const fs::path& dir) {
    const auto page = dir / "index.html";
    auto read = core::read_file(page);
    if (!read) return;
    std::string text = std::move(*read);
    constexpr std::string_view begin = "<!-- compare -->", end = "<!-- /compare -->";
    if (auto b = text.find(begin), e = text.find(end); b != std::string::npos && e != std::string::npos && e > b)
        text.erase(b, e + end.size() - b);
    const auto body_end = text.rfind("</body>");
    if (body_end == std::string::npos) return;
    const std::string section = std::string(begin) + "<section id=\"compare\"><h2>Runs compared</h2><p>" +
                                html(headline(c)) + "</p><p><strong>" + html(summary_line(c)) +
                                "</strong> <a href=\"compare.html\">The comparison</a></p></section>" +
                                std::string(end) + "\n";
    text.insert(body_end, section);
    std::ofstream out(page, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error(page.string() + ": cannot write");
}

}  // namespace

void write_comparison(const run_comparison& c, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    for (auto& [name, text] : {std::pair{"compare.md", comparison_markdown(c)}, {"compare.html", comparison_html(c)}}) {
        std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) throw std::runtime_error((dir / name).string() + ": cannot write");
    }
    link_from_page(c, dir);
}

}  // namespace feedbench::scenarios
