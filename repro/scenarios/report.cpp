// Turns measured scenarios into files: CSVs, plot data, gnuplot plots, verdicts, REPORT.md and index.html.
#include "repro/scenarios/report.hpp"

#include "repro/scenarios/compare.hpp"

#include "repro/core/csv.hpp"
#include "repro/core/stage.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace feedbench::scenarios {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(file.string() + ": cannot write");
    out << text;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
    return s;
}

// "jobs_per_s" -> "jobs/s", "parse_wall_p50_us" -> "parse wall p50 µs".
std::string metric_title(const std::string& m) {
    static const std::map<std::string, std::string> names{{"jobs_per_s", "jobs/s"},
                                                          {"cpu_util", "worker CPU % of one core"},
                                                          {"latency_p50_ms", "latency p50 ms"},
                                                          {"latency_p90_ms", "latency p90 ms"},
                                                          {"latency_p99_ms", "latency p99 ms"},
                                                          {"latency_max_ms", "latency max ms"},
                                                          {"predicted_jobs_per_s", "predicted jobs/s"},
                                                          {"failed", "failed"},
                                                          {"ok", "ok"},
                                                          {"jobs_done", "jobs done"}};
    if (auto it = names.find(m); it != names.end()) return it->second;
    auto t = replace_all(m, "_per_job", " per job");
    t = replace_all(t, "_pct", " %");
    t = replace_all(t, "_us", " µs");
    t = replace_all(t, "_ms", " ms");
    return replace_all(t, "_", " ");
}

std::string label_text(const std::string& label) { return replace_all(label, ";", " "); }

// A metric as the page shows it: utilisations (0-1 in the data) as percent.
double shown(const std::string& metric, double v) { return metric == "cpu_util" ? 100 * v : v; }

std::string html_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&':
                o += "&amp;";
                break;
            case '<':
                o += "&lt;";
                break;
            case '>':
                o += "&gt;";
                break;
            case '"':
                o += "&quot;";
                break;
            default:
                o += c;
        }
    }
    return o;
}

std::string md_escape(const std::string& s) { return replace_all(s, "|", "\\|"); }

std::vector<const config_summary*> filtered(const scenario_outcome& o, const selector& f) {
    std::vector<const config_summary*> out;
    for (auto& c : o.summary)
        if (f.matches(c.config)) out.push_back(&c);
    return out;
}

std::string series_words(const std::vector<std::string>& names) {
    std::string s;
    for (auto& n : names) s += (s.empty() ? "" : " ") + n;
    return s;
}

// Series names ("client=beast;pool=20;consume=lazy"): the terms every series shares go to the title, the
// rest name the series in the legend ("consume=lazy"; "all" when nothing differs).
struct series_split {
    std::vector<std::string> common;  // shared axis=value terms
    std::vector<std::string> keys;    // per series, the remaining terms joined by ';'
};

series_split split_series(const std::vector<std::string>& names) {
    series_split out;
    std::vector<std::vector<std::string>> terms;
    for (auto& n : names) terms.push_back(n.empty() ? std::vector<std::string>{} : split(n, ';'));
    if (!terms.empty())
        for (auto& t : terms.front())
            if (std::all_of(terms.begin(), terms.end(),
                            [&](auto& ts) { return std::find(ts.begin(), ts.end(), t) != ts.end(); }))
                out.common.push_back(t);
    if (names.size() < 2) out.common.clear();  // one series: its name is the legend
    for (auto& ts : terms) {
        std::string k;
        for (auto& t : ts)
            if (std::find(out.common.begin(), out.common.end(), t) == out.common.end()) k += (k.empty() ? "" : ";") + t;
        out.keys.push_back(k.empty() ? "all" : k);
    }
    return out;
}

std::string common_text(const std::vector<std::string>& common) {
    std::string t;
    for (auto& c : common) t += (t.empty() ? "" : ", ") + c;
    return t;
}

std::string plot_title(const scenario& s, const plot_spec& p, const std::vector<std::string>& common = {}) {
    std::string what;
    if (p.kind == "jobs_vs_read_size")
        what = "jobs/s vs read size";
    else if (p.kind == "cpu_vs_read_size")
        what = "worker CPU % vs read size";
    else if (p.kind == "stage_wall_cpu")
        what = "per-stage wall vs cpu, p50 per job";
    else if (p.kind == "latency_cdf")
        what = "job latency CDF";
    else if (p.kind == "request_latency")
        what = "per-request latency";
    else if (p.kind == "headline")
        what = "jobs/s vs read size, the 2012 numbers beside";
    else
        what = metric_title(p.metric) + " by configuration";
    if (!common.empty()) what += " (" + common_text(common) + ")";
    return s.id + " " + what + ": " + s.title;
}

// The metric a plot draws on its y axis ("" when it draws none a check could name).
std::string plot_metric(const plot_spec& p) {
    if (p.kind == "jobs_vs_read_size" || p.kind == "headline") return "jobs_per_s";
    if (p.kind == "cpu_vs_read_size") return "cpu_util";
    if (p.kind == "bars") return p.metric;
    return {};
}

// A threshold line: the y value a check's threshold puts on a plot of its metric, and its label.
struct threshold_mark {
    double y = no_value;
    std::string label;
};

// Every thresholded check of metric m: a / b >= T draws b's value x T (what a must reach), a >= T draws T.
// within draws b's value x (1 - T) and x (1 + T).
std::vector<threshold_mark> threshold_marks(const scenario_outcome& o, const std::string& m) {
    std::vector<threshold_mark> out;
    if (m.empty()) return out;
    for (auto& c : o.def.checks) {
        if (c.op == check_op::measure || c.a.metric != m || (c.b && c.b->metric != m)) continue;
        // Short: "threshold >= 10 x read_size=1" (b's terms that differ from a's), "threshold >= 90 {consume=lazy}".
        std::string what = threshold_text(c);
        if (c.b) {
            std::string differ;
            for (auto& t : c.b->where.terms)
                if (std::find(c.a.where.terms.begin(), c.a.where.terms.end(), t) == c.a.where.terms.end())
                    differ += (differ.empty() ? "" : ",") + std::string(axis_names[static_cast<std::size_t>(t.first)]) +
                              "=" + t.second;
            what += " x " + metric_title(m) + " at " + (differ.empty() ? c.b->where.to_string() : differ);
        } else {
            what += " " + c.a.where.to_string();
        }
        double base = 1;
        if (c.b) {
            auto* b = find_config(c.b->where, o.summary);
            base = b ? b->median(m) : no_value;
            if (std::isnan(base)) continue;
        }
        if (c.op == check_op::within) {
            out.push_back({shown(m, base * (1 - c.threshold)), what});
            out.push_back({shown(m, base * (1 + c.threshold)), ""});
        } else {
            out.push_back({shown(m, base * c.threshold),
                           what + (c.b ? " = " + format_number(shown(m, base * c.threshold)) : "")});
        }
    }
    return out;
}

// The gnuplot commands that draw the marks: a dashed line across the plot and its label just above it.
std::string marks_commands(const std::vector<threshold_mark>& marks) {
    std::ostringstream g;
    g << "# verdict thresholds (y, label)\nset style textbox opaque noborder\n";
    int n = 0;
    for (auto& m : marks) {
        if (std::isnan(m.y) || m.y <= 0) continue;
        g << "set arrow " << 100 + n << " from graph 0, first " << m.y << " to graph 1, first " << m.y
          << " nohead dt 2 lw 1.5 lc rgb \"#cc3311\" front\n";
        if (!m.label.empty())
            g << "set label " << 100 + n << ' ' << gnuplot_quote(m.label) << " at graph 0.01, first " << m.y
              << " offset 0,0.6 tc rgb \"#cc3311\" font \",9\" noenhanced boxed front\n";
        ++n;
    }
    return g.str();
}

// Tick labels lie flat when they fit side by side in the plot's width, else they turn.
std::string xtic_angle(const std::vector<std::string>& labels) {
    std::size_t longest = 0;
    for (auto& l : labels) longest = std::max(longest, l.size());
    return labels.size() * (longest + 4) * 7 <= 800 ? "0" : "-25";
}

// Read sizes in plot order: every read size of the scenario's matrices and data.
std::vector<std::string> read_ladder(const scenario_outcome& o) {
    std::vector<std::string> sizes;
    auto add = [&](const std::string& v) {
        if (std::find(sizes.begin(), sizes.end(), v) == sizes.end()) sizes.push_back(v);
    };
    for (auto& c : o.summary) add(c.config.get(axis::read_size));
    for (bool full : {false, true}) {
        try {
            for (auto& c : expand(o.def, full)) add(c.get(axis::read_size));
        } catch (const std::exception&) {}
    }
    std::sort(sizes.begin(), sizes.end(), [](auto& a, auto& b) { return read_size_plot_x(a) < read_size_plot_x(b); });
    return sizes;
}

// The headline check: jobs/s at read size whole over read size 1, at pool 20 (S3's regression ratio).
const check* headline_check(const scenario& s) {
    for (auto& c : s.checks) {
        if (c.op != check_op::at_least || !c.b || c.a.metric != "jobs_per_s" || c.b->metric != "jobs_per_s") continue;
        auto has = [](const selector& w, axis a, std::string_view v) {
            return std::any_of(w.terms.begin(), w.terms.end(), [&](auto& t) { return t.first == a && t.second == v; });
        };
        if (has(c.a.where, axis::read_size, "whole") && has(c.b->where, axis::read_size, "1") &&
            has(c.a.where, axis::pool, "20") && has(c.b->where, axis::pool, "20"))
            return &c;
    }
    return nullptr;
}

// The headline's series: the check's configuration without read size and consume, one series per consume
// mode (lazy first); points in read-size order, a blank line where a read size of the ladder was not measured.
std::string headline_data(const scenario_outcome& o, const check& h, std::vector<std::string>& keys) {
    selector base;
    for (auto& t : h.a.where.terms)
        if (t.first != axis::read_size && t.first != axis::consume) base.terms.push_back(t);
    auto ladder = read_ladder(o);
    std::ostringstream d;
    d << "# read_x,read_size,jobs_per_s_median,jobs_per_s_min,jobs_per_s_max\n"
      << "# one block per series (two blank lines between); a single blank line where a read size was not "
         "measured, so gnuplot does not join across it\n";
    bool first = true;
    for (std::string mode : {"lazy", "eager"}) {
        std::map<std::string, const config_summary*> at;
        for (auto& c : o.summary)
            if (base.matches(c.config) && c.config.get(axis::consume) == mode && !std::isnan(c.median("jobs_per_s")))
                at[c.config.get(axis::read_size)] = &c;
        if (at.empty()) continue;
        if (!first) d << "\n\n";
        first = false;
        keys.push_back(mode);
        d << "# consume=" << mode << "\n";
        bool started = false, gap = false;
        for (auto& rs : ladder) {
            auto it = at.find(rs);
            if (it == at.end()) {
                gap = started;
                continue;
            }
            if (gap) d << "\n";
            gap = false;
            started = true;
            auto& sp = it->second->metrics.at("jobs_per_s");
            auto num = [](double v) { return std::isnan(v) ? std::string("NaN") : format_number(v); };
            d << static_cast<long long>(read_size_plot_x(rs)) << ',' << rs << ',' << num(sp.median) << ','
              << num(sp.min) << ',' << num(sp.max) << '\n';
        }
    }
    return d.str();
}

// Writes the plot's data file and renders it; returns the result with paths relative to dir.
plot_result make_plot(const scenario_outcome& o, const plot_spec& p, const fs::path& dir, const plot_env& env,
                      const std::string& subtitle) {
    plot_result r;
    r.spec = p;
    r.title = plot_title(o.def, p);
    auto rows = filtered(o, p.filter);
    // Configurations that could not run for a stated reason (their corpus folder is absent on this machine):
    // nothing to draw, and nothing missing either; the report says why.
    const auto cannot_run = [](const config_summary* c) { return is_corpus_absent(c->status); };
    if (p.kind != "headline" && !rows.empty() && std::all_of(rows.begin(), rows.end(), cannot_run)) {
        r.skipped = rows.front()->status.substr(std::string_view("n/a: ").size());
        return r;
    }
    std::set<std::string> labels;
    for (auto* c : rows) labels.insert(c->config.label);
    std::vector<std::pair<std::string, std::string>> vars{{"subtitle", subtitle}};
    r.data = p.name + ".csv";
    auto data_path = dir / r.data;
    vars.emplace_back("data", data_path.string());

    if (p.kind == "headline") {
        auto* h = headline_check(o.def);
        std::vector<std::string> keys;
        write_text(data_path, h ? headline_data(o, *h, keys) : std::string("# no headline check\n"));
        std::vector<std::string> common;
        if (h)
            for (auto& t : h->a.where.terms)
                if (t.first != axis::read_size && t.first != axis::consume)
                    common.push_back(std::string(axis_names[static_cast<std::size_t>(t.first)]) + "=" + t.second);
        r.title = plot_title(o.def, p, common);
        vars.emplace_back("keys", series_words(keys));
        for (auto& c : o.result.checks)
            if (h && c.rule.text == h->text && c.has_data)
                vars.emplace_back("ratio_text", "measured whole / 1 B (consume=lazy): " + format_number(c.value) +
                                                    " x (" + threshold_text(c.rule) +
                                                    "); 2012: 65-70 vs 5-10 jobs/s, "
                                                    "7-14 x");
    } else if (p.kind == "jobs_vs_read_size" || p.kind == "cpu_vs_read_size") {
        std::vector<config_summary> subset;
        std::vector<std::string> series;
        for (auto* c : rows) {
            subset.push_back(*c);
            if (std::find(series.begin(), series.end(), c->config.series) == series.end())
                series.push_back(c->config.series);
        }
        // Lines need their points in read-size order.
        std::stable_sort(subset.begin(), subset.end(), [&](auto& a, auto& b) {
            auto sa = std::find(series.begin(), series.end(), a.config.series) - series.begin();
            auto sb = std::find(series.begin(), series.end(), b.config.series) - series.begin();
            if (sa != sb) return sa < sb;
            return read_size_plot_x(a.config.get(axis::read_size)) < read_size_plot_x(b.config.get(axis::read_size));
        });
        write_summary_csv(data_path, subset);
        auto split_names = split_series(series);
        r.title = plot_title(o.def, p, split_names.common);
        vars.emplace_back("series", series_words(series));
        vars.emplace_back("keys", series_words(split_names.keys));
    } else if (p.kind == "stage_wall_cpu") {
        std::ostringstream csv;
        csv << "label,stage,wall_p50_us,cpu_p50_us,suspended_p50_us\n";
        std::vector<std::string> ticks;
        for (auto* c : rows) {
            // Stages under 10 us of wall (intake, request, ack: bookkeeping) are left out to keep the bars readable.
            std::string values;
            for (auto& term : split(c->config.label, ';'))
                values += (values.empty() ? "" : " ") + term.substr(term.find('=') + 1);
            for (auto st : core::stage_names) {
                std::string base(st);
                double wall = c->median(base + "_wall_p50_us");
                if (std::isnan(wall) || wall < 10) continue;
                auto num = [&](double v) { return std::isnan(v) ? std::string() : format_number(v); };
                ticks.push_back(std::string(st) + " (" + values + ")");
                csv << core::csv_field(ticks.back()) << ',' << st << ',' << num(wall) << ','
                    << num(c->median(base + "_cpu_p50_us")) << ',' << num(c->median(base + "_suspended_p50_us"))
                    << '\n';
            }
        }
        write_text(data_path, csv.str());
        vars.emplace_back("xtic_angle", xtic_angle(ticks));
    } else if (p.kind == "latency_cdf" || p.kind == "request_latency") {
        std::vector<latency_series> subset;
        std::vector<std::string> series;
        for (auto& l : o.latencies)
            if (labels.count(l.series) && !l.latency_ms.empty()) {
                subset.push_back(l);
                series.push_back(l.series);
            }
        if (p.kind == "latency_cdf")
            write_cdf_csv(data_path, subset);
        else
            write_requests_csv(data_path, subset);
        auto split_names = split_series(series);
        r.title = plot_title(o.def, p, split_names.common);
        vars.emplace_back("series", series_words(series));
        vars.emplace_back("keys", series_words(split_names.keys));
        if (p.kind == "request_latency")
            for (auto& c : o.def.checks)
                if (c.op == check_op::at_least && !c.b && c.a.metric.rfind("latency_", 0) == 0)
                    vars.emplace_back("mark_ms", format_number(c.threshold));
    } else {  // bars
        std::ostringstream csv;
        csv << "label,median,min,max\n";
        std::vector<std::string> ticks;
        for (auto* c : rows) {
            auto it = c->metrics.find(p.metric);
            spread s = it == c->metrics.end() ? spread{} : it->second;
            auto num = [&](double v) { return std::isnan(v) ? std::string() : format_number(shown(p.metric, v)); };
            ticks.push_back(label_text(c->config.label));
            csv << core::csv_field(ticks.back()) << ',' << num(s.median) << ',' << num(s.min) << ',' << num(s.max)
                << '\n';
        }
        write_text(data_path, csv.str());
        vars.emplace_back("ylabel_text", metric_title(p.metric) + " (median; bars: min-max)");
        vars.emplace_back("xtic_angle", xtic_angle(ticks));
    }
    // The verdict's thresholds on the plot of their metric.
    if (auto marks = threshold_marks(o, plot_metric(p)); !marks.empty()) {
        auto marks_file = dir / (p.name + "_thresholds.gp");
        write_text(marks_file, marks_commands(marks));
        vars.emplace_back("marks", marks_file.string());
    }
    vars.emplace_back("title", r.title);
    auto outcome = render_plot(env, p.kind, dir / p.name, vars);
    r.ok = outcome.ok;
    r.error = outcome.error;
    if (!outcome.png.empty()) r.png = outcome.png.filename();
    if (!outcome.svg.empty()) r.svg = outcome.svg.filename();
    return r;
}

// The axes a scenario varies, in axis order (from its labels).
std::vector<axis> varying_axes(const std::vector<config_summary>& rows) {
    std::vector<axis> out;
    for (std::size_t i = 0; i < axis_count; ++i) {
        auto a = static_cast<axis>(i);
        if (a == axis::jobs) continue;
        for (auto& c : rows)
            if (c.config.values[i] != rows.front().config.values[i]) {
                out.push_back(a);
                break;
            }
    }
    return out;
}

std::string cell(const config_summary& c, const std::string& m, bool with_range) {
    auto it = c.metrics.find(m);
    if (it == c.metrics.end() || std::isnan(it->second.median)) return "-";
    auto& s = it->second;
    std::string t = format_number(shown(m, s.median));
    if (with_range && s.n > 1) t += " (" + format_number(shown(m, s.min)) + "–" + format_number(shown(m, s.max)) + ")";
    return t;
}

struct table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

table scenario_table(const scenario_outcome& o) {
    table t;
    auto axes = varying_axes(o.summary);
    bool any_status = std::any_of(o.summary.begin(), o.summary.end(), [](auto& c) { return !c.status.empty(); });
    for (auto a : axes) t.header.emplace_back(axis_names[static_cast<std::size_t>(a)]);
    t.header.emplace_back("jobs");
    t.header.emplace_back("reps");
    for (auto& m : o.def.table) t.header.push_back(metric_title(m));
    if (any_status) t.header.emplace_back("status");
    for (auto& c : o.summary) {
        std::vector<std::string> row;
        for (auto a : axes) row.push_back(c.config.get(a));
        row.push_back(c.config.get(axis::jobs));
        row.push_back(std::to_string(c.reps));
        for (std::size_t k = 0; k < o.def.table.size(); ++k) row.push_back(cell(c, o.def.table[k], k == 0));
        if (any_status) row.push_back(c.status);
        t.rows.push_back(std::move(row));
    }
    return t;
}

bool has_threshold(const scenario& s) {
    return std::any_of(s.checks.begin(), s.checks.end(), [](auto& c) { return c.op != check_op::measure; });
}

// The values the verdict rests on (the thresholded checks; every check when none has a threshold).
std::string measured_text(const scenario& s, const verdict& v) {
    std::string t;
    bool thresholds = has_threshold(s);
    for (auto& c : v.checks) {
        if (thresholds && c.rule.op == check_op::measure) continue;
        t += (t.empty() ? "" : "; ") + (c.has_data ? format_number(c.value) : std::string("no data"));
    }
    return t.empty() ? "-" : t;
}

std::string threshold_summary(const scenario& s) {
    std::string t;
    for (auto& c : s.checks)
        if (c.op != check_op::measure) t += (t.empty() ? "" : "; ") + threshold_text(c);
    return t.empty() ? "no threshold" : t;
}

// "parse 69 (feed-015-rss-windows-1252, ...)" over every repetition, or "".
std::string failures_text(const scenario_outcome& o) {
    std::map<core::error_class, std::size_t> errors;
    std::vector<std::string> feeds;
    for (auto& r : o.reps) {
        for (auto& [k, n] : r.errors) errors[k] += n;
        for (auto& f : r.failed_feeds)
            if (feeds.size() < 4 && std::find(feeds.begin(), feeds.end(), f) == feeds.end()) feeds.push_back(f);
    }
    std::string t;
    for (auto& [k, n] : errors)
        if (n) t += (t.empty() ? "" : ", ") + std::string(core::to_string(k)) + " " + std::to_string(n);
    if (t.empty()) return t;
    std::string f;
    for (auto& x : feeds) f += (f.empty() ? "" : ", ") + x;
    return t + (f.empty() ? "" : " (e.g. " + f + ")");
}

// The load the scenario ran under and, when it calibrated, what it measured and derived.
std::string machine_text(const scenario_outcome& o) {
    std::string t = "highest 1-min " + o.conditions.text();
    if (o.conditions.heavy())
        t += " (heavy: above " + format_number(heavy_load_per_core) + " per core, a failing check reads as NO DATA)";
    if (o.cal.measured) {
        t += ". Calibration: " + describe(o.cal);
        if (o.cal.error.empty()) {
            auto rate = calibrated_value(o.cal, "dry_rate", 20);
            auto wait = calibrated_value(o.cal, "wait_ms", 1);
            t += ". Derived: {dry_rate} at pool 20 = " +
                 (rate.error.empty() ? format_number(rate.value) + " B/s per connection (consumption / (20 x " +
                                           format_number(dry_factor) + "), at most " + format_number(dry_rate_cap) + ")"
                                     : rate.error) +
                 "; {wait_ms} = " +
                 (wait.error.empty() ? format_number(wait.value) + " ms (mean delay " + format_number(wait_factor) +
                                           " x a whole-body job)"
                                     : wait.error);
        }
    }
    return t;
}

std::string verdict_word(const scenario_outcome& o) { return std::string(to_string(o.result.kind)); }

std::vector<std::pair<std::string, std::string>> meta_rows(const run_report& r) {
    auto& m = r.meta;
    std::vector<std::pair<std::string, std::string>> rows{{"run id", r.run_id},
                                                          {"commit", m.commit},
                                                          {"date (UTC)", m.date_utc},
                                                          {"compiler", m.compiler},
                                                          {"flags", m.flags},
                                                          {"CPU", m.cpu_model},
                                                          {"cores", std::to_string(m.cores)},
                                                          {"kernel", m.kernel},
                                                          {"OS", m.os},
                                                          {"matrix", r.full ? "full" : "quick"},
                                                          {"repetitions", std::to_string(r.repeat)},
                                                          {"server", r.server},
                                                          {"pinning", r.pinning},
                                                          {"run time", format_number(r.seconds) + " s"}};
    for (auto& [name, version] : m.libraries) rows.emplace_back(name, version);
    return rows;
}

}  // namespace

void finish_scenario(scenario_outcome& o, const fs::path& dir, const plot_env& env, const std::string& machine,
                     const std::string& commit) {
    if (!o.ran) {
        o.result = skipped_verdict(o.skip_reason);
        return;
    }
    o.summary = summarize(o.reps);
    o.result = evaluate(o.def, o.summary, o.conditions);
    write_rep_csv(dir / (o.def.id + ".csv"), o.def.id, o.reps);
    write_summary_csv(dir / (o.def.id + "_summary.csv"), o.summary);
    o.files = {o.def.id + ".csv", o.def.id + "_summary.csv"};
    if (!o.latencies.empty()) {
        write_requests_csv(dir / (o.def.id + "_latency.csv"), o.latencies);
        o.files.emplace_back(o.def.id + "_latency.csv");
    }
    std::string subtitle = machine + ", commit " + commit;
    auto specs = o.def.plots;
    // The headline (the whole vs 1 B ratio at pool 20) first, with the 2012 numbers beside it.
    if (headline_check(o.def)) {
        plot_spec h;
        h.kind = "headline";
        h.name = o.def.id + "_headline";
        specs.insert(specs.begin(), h);
    }
    // A thresholded metric no plot draws gets bars of its own, so every check's threshold is on a plot.
    for (auto& c : o.def.checks) {
        if (c.op == check_op::measure) continue;
        bool drawn = std::any_of(specs.begin(), specs.end(), [&](auto& p) { return plot_metric(p) == c.a.metric; });
        if (drawn) continue;
        plot_spec b;
        b.kind = "bars";
        b.metric = c.a.metric;
        b.name = o.def.id + "_" + c.a.metric;
        specs.push_back(b);
    }
    for (auto& p : specs) {
        o.plots.push_back(make_plot(o, p, dir, env, subtitle));
        if (o.plots.back().skipped.empty()) o.files.push_back(o.plots.back().data);  // a skipped plot wrote none
    }
    for (auto& p : o.extra_plots) {
        o.plots.push_back(p);
        o.files.push_back(p.data);
    }
    o.extra_plots.clear();
}

std::string verdict_table(const run_report& r) {
    std::ostringstream out;
    std::size_t w = 5;
    for (auto& o : r.scenarios) w = std::max(w, o.def.id.size());
    for (auto& o : r.scenarios) {
        std::string word = verdict_word(o);
        out << o.def.id << std::string(w - o.def.id.size() + 2, ' ') << word
            << std::string(word.size() < 16 ? 16 - word.size() : 1, ' ')
            << (o.def.must_reproduce ? "[must] " : "       ") << o.def.title << '\n';
        if (o.ran)
            for (auto& c : o.result.checks) out << std::string(w + 2, ' ') << "  " << c.detail << '\n';
        else
            out << std::string(w + 2, ' ') << "  " << o.skip_reason << '\n';
    }
    return out.str();
}

namespace {

// A scenario table longer than this collapses (<details>) under its plots.
constexpr std::size_t big_table_rows = 8;

std::string table_summary(const table& t) {
    return "Table: " + std::to_string(t.rows.size()) + " configurations (median, first column with min–max)";
}

std::string markdown_table(const table& t) {
    std::ostringstream md;
    md << "|";
    for (auto& h : t.header) md << ' ' << md_escape(h) << " |";
    md << "\n|";
    for (std::size_t i = 0; i < t.header.size(); ++i) md << "---|";
    md << "\n";
    for (auto& row : t.rows) {
        md << "|";
        for (auto& c : row) md << ' ' << md_escape(c) << " |";
        md << "\n";
    }
    std::string text = md.str();
    if (t.rows.size() <= big_table_rows) return text + "\n";
    return "<details><summary>" + html_escape(table_summary(t)) + "</summary>\n\n" + text + "\n</details>\n\n";
}

std::string html_table(const table& t) {
    std::ostringstream h;
    h << "<table><tr>";
    for (auto& c : t.header) h << "<th>" << html_escape(c) << "</th>";
    h << "</tr>\n";
    for (auto& row : t.rows) {
        h << "<tr>";
        for (auto& c : row) h << "<td>" << html_escape(c) << "</td>";
        h << "</tr>\n";
    }
    h << "</table>\n";
    if (t.rows.size() <= big_table_rows) return h.str();
    return "<details><summary>" + html_escape(table_summary(t)) + "</summary>\n" + h.str() + "</details>\n";
}

// The headline plot (the first scenario that has one), or nullptr.
const plot_result* headline_plot(const run_report& r) {
    for (auto& o : r.scenarios)
        for (auto& p : o.plots)
            if (p.spec.kind == "headline") return &p;
    return nullptr;
}

std::string why_text(const scenario_outcome& o) {
    return o.ran ? why_paragraph(o.def, o.result, o.summary, o.conditions) : std::string();
}

}  // namespace

std::string status_line(const run_report& r) {
    std::size_t must = 0, passed = 0;
    for (auto& o : r.scenarios)
        if (o.def.must_reproduce) {
            ++must;
            passed += o.result.kind == verdict_kind::reproduced;
        }
    std::string t =
        "Status: " + std::to_string(passed) + " of " + std::to_string(must) + " must-reproduce verdicts REPRODUCED";
    // The headline ratio: whole vs 1 B at pool 20.
    std::string ratio = "headline ratio whole / 1 B at pool 20: not measured";
    for (auto& o : r.scenarios) {
        auto* h = headline_check(o.def);
        if (!h) continue;
        ratio = "headline ratio whole / 1 B at pool 20 (" + o.def.id + "): ";
        auto it = std::find_if(o.result.checks.begin(), o.result.checks.end(),
                               [&](auto& c) { return c.rule.text == h->text; });
        if (it != o.result.checks.end() && it->has_data)
            ratio += format_number(it->value) + " x (" + threshold_text(*h) + ", 2012: 7-14 x)";
        else
            ratio += o.ran ? "no data" : "not run";
        break;
    }
    t += " · " + ratio + " · " + r.machine;
    // The highest load any scenario ran under.
    run_conditions worst;
    for (auto& o : r.scenarios)
        if (!std::isnan(o.conditions.load_average) &&
            (std::isnan(worst.load_average) || o.conditions.load_average > worst.load_average))
            worst = o.conditions;
    t += " · " + (std::isnan(worst.load_average) ? std::string("load not measured")
                                                 : "highest 1-min " + worst.text() + (worst.heavy() ? " (heavy)" : ""));
    return t + " · commit " + r.meta.commit;
}

std::string report_markdown(const run_report& r) {
    std::ostringstream md;
    md << "# feedbench reproduction: " << r.run_id << "\n\n";
    md << "**" << md_escape(status_line(r)) << "**\n\n";
    if (auto* h = headline_plot(r)) {
        if (!h->png.empty()) md << "![" << md_escape(h->title) << "](" << h->png.string() << ")\n";
        if (!h->svg.empty()) md << "[SVG](" << h->svg.string() << ") · ";
        md << "[data](" << h->data.string() << ")";
        if (h->missing()) md << " · **plot missing**: " << md_escape(h->error);
        md << "\n\n";
    }
    md << r.machine << " · commit `" << r.meta.commit << "` · " << r.meta.date_utc << " · "
       << (r.full ? "full" : "quick") << " matrix · " << r.repeat
       << " repetitions per configuration (median, min–max) · " << format_number(r.seconds) << " s\n\n";
    md << "Server: " << r.server << ". " << r.pinning << "\n\n";
    if (!r.command.empty()) md << "Command: `" << r.command << "`\n\n";
    for (auto& n : r.notes) md << "> " << n << "\n\n";

    md << "## Verdicts\n\n| scenario | title | verdict | measured | threshold | must reproduce "
          "|\n|---|---|---|---|---|---|\n";
    for (auto& o : r.scenarios)
        md << "| [" << o.def.id << "](#" << o.def.id << ") | " << md_escape(o.def.title) << " | **" << verdict_word(o)
           << "** | " << (o.ran ? measured_text(o.def, o.result) : "-") << " | " << md_escape(threshold_summary(o.def))
           << " | " << (o.def.must_reproduce ? "yes" : "no") << " |\n";
    md << "\nREPRODUCED: every check of the rule passes; NOT REPRODUCED: a check fails (a legitimate outcome: the "
          "numbers are reported as measured); NO DATA: a configuration or value the rule needs is missing; "
          "MEASURED: the rule has no threshold; SKIPPED: the scenario did not run.\n\n";

    for (auto& o : r.scenarios) {
        md << "<a id=\"" << o.def.id << "\"></a>\n\n## " << o.def.id << ": " << o.def.title << "\n\n";
        md << "**Verdict: " << verdict_word(o) << "**";
        if (!o.ran)
            md << ": " << o.skip_reason << "\n\n";
        else {
            md << "\n\n";
            for (auto& c : o.result.checks) md << "- " << md_escape(c.detail) << "\n";
            md << "\n";
        }
        if (auto why = why_text(o); !why.empty()) md << md_escape(why) << "\n\n";
        if (!o.def.finding.empty()) md << "*2012:* " << o.def.finding << "\n\n";
        if (!o.def.why.empty()) md << "*Threshold:* " << o.def.why << "\n\n";
        if (!o.def.note.empty()) md << "*Note:* " << o.def.note << "\n\n";
        if (!o.ran) continue;
        md << "*Machine:* " << machine_text(o) << "\n\n";
        for (auto& p : o.plots) {
            if (p.spec.kind == "headline") {
                md << "The headline plot (top of the page): [data](" << p.data.string() << ")\n\n";
                continue;
            }
            if (!p.skipped.empty()) {
                md << "Plot *" << md_escape(p.title) << "* not drawn: " << md_escape(p.skipped) << "\n\n";
                continue;
            }
            if (!p.png.empty()) md << "![" << md_escape(p.title) << "](" << p.png.string() << ")\n";
            if (!p.svg.empty()) md << "[SVG](" << p.svg.string() << ") · ";
            md << "[data](" << p.data.string() << ")";
            if (!p.ok) md << " · **plot missing**: " << md_escape(p.error);
            md << "\n\n";
        }
        md << markdown_table(scenario_table(o));
        if (auto f = failures_text(o); !f.empty())
            md << "Failed jobs by error class, all repetitions: " << f << ".\n\n";
        if (!o.diagnoses.empty()) {
            md << "feeddiag (bytes per socket receive call, CPU vs wall; histograms above):\n\n";
            for (auto& d : o.diagnoses) md << "- " << md_escape(d) << "\n";
            md << "\n";
        }
        md << "Files:";
        for (auto& f : o.files) md << " [" << f.string() << "](" << f.string() << ")";
        md << " · " << format_number(o.seconds) << " s\n\n";
    }
    md << "## Meta\n\n| | |\n|---|---|\n";
    for (auto& [k, v] : meta_rows(r)) md << "| " << md_escape(k) << " | " << md_escape(v) << " |\n";
    md << "\nmeta.json holds the same. Each scenario's `<id>.csv` has one row per repetition; `<id>_summary.csv` "
          "the median, min and max per configuration; verdicts.csv one row per check.\n";
    return md.str();
}

std::string report_html(const run_report& r) {
    std::ostringstream h;
    auto e = html_escape;
    h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>feedbench reproduction "
      << e(r.run_id)
      << "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
         "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 8px;"
         "text-align:left}th{background:#f3f3f3}.REPRODUCED{color:#070;font-weight:bold}.NOT{color:#b00;font-weight:"
         "bold}"
         ".NO{color:#a60;font-weight:bold}img{max-width:100%;border:1px solid #ddd;margin:0.5em "
         "0}code{background:#f3f3f3}.status{font-size:1.1em;font-weight:bold;padding:0.5em;background:#f3f3f3;"
         "border-left:4px solid #4477aa}.why{border-left:4px solid #cc3311;padding-left:0.8em}summary{cursor:pointer;"
         "color:#4477aa}"
         "</style></head><body>\n";
    h << "<h1>feedbench reproduction: " << e(r.run_id) << "</h1>\n";
    h << "<p class=\"status\">" << e(status_line(r)) << "</p>\n";
    if (auto* hp = headline_plot(r)) {
        h << "<figure>";
        if (!hp->png.empty()) h << "<img src=\"" << e(hp->png.string()) << "\" alt=\"" << e(hp->title) << "\">";
        h << "<figcaption>";
        if (!hp->svg.empty()) h << "<a href=\"" << e(hp->svg.string()) << "\">SVG</a> · ";
        h << "<a href=\"" << e(hp->data.string()) << "\">data</a>";
        if (hp->missing()) h << " · <strong>plot missing</strong>: " << e(hp->error);
        h << "</figcaption></figure>\n";
    }
    h << "<p>" << e(r.machine) << " · commit <code>" << e(r.meta.commit) << "</code> · " << e(r.meta.date_utc) << " · "
      << (r.full ? "full" : "quick") << " matrix · " << r.repeat
      << " repetitions per configuration (median, min–max) · " << e(format_number(r.seconds)) << " s</p>\n";
    h << "<p>Server: " << e(r.server) << ". " << e(r.pinning) << "</p>\n";
    if (!r.command.empty()) h << "<p>Command: <code>" << e(r.command) << "</code></p>\n";
    for (auto& n : r.notes) h << "<blockquote>" << e(n) << "</blockquote>\n";
    auto cls = [](const std::string& w) { return w.substr(0, w.find(' ')); };
    h << "<h2>Verdicts</h2>\n<table><tr><th>scenario</th><th>title</th><th>verdict</th><th>measured</th><th>threshold</"
         "th>"
         "<th>must reproduce</th></tr>\n";
    for (auto& o : r.scenarios) {
        auto w = verdict_word(o);
        h << "<tr><td><a href=\"#" << e(o.def.id) << "\">" << e(o.def.id) << "</a></td><td>" << e(o.def.title)
          << "</td><td class=\"" << cls(w) << "\">" << e(w) << "</td><td>"
          << e(o.ran ? measured_text(o.def, o.result) : "-") << "</td><td>" << e(threshold_summary(o.def))
          << "</td><td>" << (o.def.must_reproduce ? "yes" : "no") << "</td></tr>\n";
    }
    h << "</table>\n";
    for (auto& o : r.scenarios) {
        auto w = verdict_word(o);
        h << "<h2 id=\"" << e(o.def.id) << "\">" << e(o.def.id) << ": " << e(o.def.title) << "</h2>\n";
        h << "<p>Verdict: <span class=\"" << cls(w) << "\">" << e(w) << "</span>"
          << (o.ran ? "" : ": " + e(o.skip_reason)) << "</p>\n";
        if (o.ran) {
            h << "<ul>";
            for (auto& c : o.result.checks) h << "<li>" << e(c.detail) << "</li>";
            h << "</ul>\n";
        }
        if (auto why = why_text(o); !why.empty()) h << "<p class=\"why\">" << e(why) << "</p>\n";
        if (!o.def.finding.empty()) h << "<p><em>2012:</em> " << e(o.def.finding) << "</p>\n";
        if (!o.def.why.empty()) h << "<p><em>Threshold:</em> " << e(o.def.why) << "</p>\n";
        if (!o.def.note.empty()) h << "<p><em>Note:</em> " << e(o.def.note) << "</p>\n";
        if (!o.ran) continue;
        h << "<p><em>Machine:</em> " << e(machine_text(o)) << "</p>\n";
        for (auto& p : o.plots) {
            if (p.spec.kind == "headline") {
                h << "<p>The headline plot (top of the page): <a href=\"" << e(p.data.string()) << "\">data</a></p>\n";
                continue;
            }
            if (!p.skipped.empty()) {
                h << "<p>Plot <em>" << e(p.title) << "</em> not drawn: " << e(p.skipped) << "</p>\n";
                continue;
            }
            h << "<figure>";
            if (!p.png.empty()) h << "<img src=\"" << e(p.png.string()) << "\" alt=\"" << e(p.title) << "\">";
            h << "<figcaption>";
            if (!p.svg.empty()) h << "<a href=\"" << e(p.svg.string()) << "\">SVG</a> · ";
            h << "<a href=\"" << e(p.data.string()) << "\">data</a>";
            if (!p.ok) h << " · <strong>plot missing</strong>: " << e(p.error);
            h << "</figcaption></figure>\n";
        }
        h << html_table(scenario_table(o));
        if (auto f = failures_text(o); !f.empty())
            h << "<p>Failed jobs by error class, all repetitions: " << e(f) << ".</p>\n";
        if (!o.diagnoses.empty()) {
            h << "<p>feeddiag (bytes per socket receive call, CPU vs wall; histograms above):</p><ul>";
            for (auto& d : o.diagnoses) h << "<li>" << e(d) << "</li>";
            h << "</ul>\n";
        }
        h << "<p>Files:";
        for (auto& f : o.files) h << " <a href=\"" << e(f.string()) << "\">" << e(f.string()) << "</a>";
        h << " · " << e(format_number(o.seconds)) << " s</p>\n";
    }
    h << "<h2>Meta</h2>\n<table>\n";
    for (auto& [k, v] : meta_rows(r)) h << "<tr><th>" << e(k) << "</th><td>" << e(v) << "</td></tr>\n";
    h << "</table>\n<p><a href=\"meta.json\">meta.json</a> · <a href=\"verdicts.csv\">verdicts.csv</a> · <a "
         "href=\"REPORT.md\">REPORT.md</a></p>\n</body></html>\n";
    return h.str();
}

std::string verdicts_csv(const run_report& r) {
    std::string csv = core::csv_record({"scenario", "verdict", "must_reproduce", "check", "value", "threshold",
                                        "result", "measured", "plots_missing", "heavy_load", "load"});
    for (auto& o : r.scenarios) {
        auto missing = std::count_if(o.plots.begin(), o.plots.end(), [](auto& p) { return p.missing(); });
        auto row = [&](const std::string& check, const std::string& value, const std::string& threshold,
                       const std::string& result) {
            csv += core::csv_record(
                {o.def.id, verdict_word(o), o.def.must_reproduce ? "yes" : "no", check, value, threshold, result,
                 o.ran ? measured_text(o.def, o.result) : "-", std::to_string(missing),
                 o.result.heavy_load ? "yes" : "no",
                 std::isnan(o.conditions.load_average) ? "" : format_number(o.conditions.load_average)});
        };
        // A scenario without checks (skipped) still gets its row.
        if (o.result.checks.empty()) row("", "", threshold_summary(o.def), o.ran ? "" : "skipped");
        for (auto& c : o.result.checks) {
            std::string result = !c.has_data                      ? "no data"
                                 : c.excused                      ? "no data (heavy load)"
                                 : c.rule.op == check_op::measure ? "measured"
                                 : c.pass                         ? "pass"
                                                                  : "fail";
            row(c.rule.a.to_string() + (c.rule.b ? " / " + c.rule.b->to_string() : ""),
                c.has_data ? format_number(c.value) : "", threshold_text(c.rule), result);
        }
    }
    return csv;
}

void write_report(const run_report& r, const fs::path& dir) {
    write_text(dir / "REPORT.md", report_markdown(r));
    write_text(dir / "index.html", report_html(r));
    write_text(dir / "verdicts.csv", verdicts_csv(r));
    write_checks_tsv(dir / "checks.tsv", r);
}

std::vector<std::string> ci_failures(const run_report& r) {
    std::vector<std::string> out;
    for (auto& o : r.scenarios) {
        // NO DATA under heavy load is the machine's answer, not the scenario's: reported, not a failure.
        bool excused = o.result.kind == verdict_kind::no_data && o.result.heavy_load;
        if (o.def.must_reproduce && o.result.kind != verdict_kind::reproduced && !excused)
            out.push_back(o.def.id + " must reproduce but is " + verdict_word(o) + ": " + o.result.line);
        for (auto& p : o.plots)
            if (p.missing()) out.push_back(o.def.id + " plot " + p.spec.name + " missing: " + p.error);
    }
    return out;
}

}  // namespace feedbench::scenarios
