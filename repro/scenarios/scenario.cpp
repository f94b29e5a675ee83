// Scenario files: the line format, its validation (errors name the file, line and field) and
// matrix expansion into configurations.
#include "repro/scenarios/scenario.hpp"

#include "data/corpus.hpp"
#include "feedserver/response_mode.hpp"
#include "repro/core/settings.hpp"
#include "repro/core/stage.hpp"
#include "repro/core/strings.hpp"
#include "repro/scenarios/calibration.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace feedbench::scenarios {
namespace {

constexpr std::size_t max_min_repeat = 50;  // a scenario's own least repetition count

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
        if (j > i) out.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

bool parse_uint(std::string_view s, std::size_t& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

// Where an error happened: "S3.scn:7: check: ...".
struct place {
    const std::string& origin;
    int line;
    std::string field;
    [[noreturn]] void fail(const std::string& what) const {
        throw scenario_error(origin + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + field + ": " +
                             what);
    }
};

// Each axis value is checked by the parser that owns its words: core's settings, data's feed formats,
// the feed server's query keys. Only the message's frame (field, axis, value) is the scenario's.
void validate_value(axis a, const std::string& v, const place& at) {
    auto bad = [&](std::string_view expected) {
        at.fail("bad " + std::string(axis_names[static_cast<std::size_t>(a)]) + " value '" + v + "' (expected " +
                std::string(expected) + ")");
    };
    auto parses = [&](auto parse, std::string_view expected) {
        try {
            (void)parse(v);
        } catch (const std::invalid_argument&) {
            bad(expected);
        }
    };
    if (v.empty()) bad("a value");
    switch (a) {
        case axis::corpus:
            if (v.find_first_of(" \t,;") != std::string::npos) bad("'synthetic' or a folder name");
            return;
        case axis::formats:
            return parses(data::format_set::parse, data::format_set::usage);
        case axis::client:
            if (v.rfind(external_client_prefix, 0) == 0) {
                if (v.size() == external_client_prefix.size() || v.find_first_of(" \t,;{}") != std::string::npos)
                    bad("external:NAME, NAME given by an 'external' line");
                return;
            }
            return parses(core::parse_client, std::string(core::client_words.usage()) + ", or external:NAME");
        case axis::read_size:
            return parses(core::read_size::parse, core::read_size::usage);
        case axis::consume:
            return parses(core::parse_consume, core::consume_words.usage());
        case axis::yield:
            return parses(core::parse_yield, core::yield_words.usage());
        case axis::pool:
            return parses(core::pool_spec::parse, core::pool_spec::usage);
        case axis::charset:
            return parses(core::parse_charset, core::charset_words.usage());
        case axis::query: {
            if (v == "none") return;
            // A calibrated value: {dry_rate} or {wait_ms}, measured on the machine at hand (calibration.hpp); the
            // feed server checks the rest with a value a fast idle machine gives in its place.
            std::string q = v;
            if (!with_typical_values(q)) bad("a calibrated value in braces, one of {dry_rate} {wait_ms}");
            feedserver::response_mode mode;
            if (auto error = feedserver::apply_query(q, mode))
                bad("'none' or the feed server's key=value pairs joined with '&': " + *error);
            return;
        }
        case axis::jobs: {
            std::size_t k = 0;
            if (!parse_uint(v, k) || k == 0) bad("a job count >= 1");
            return;
        }
        case axis::intake:
            if (v != "amqp") parses(core::parse_intake, "embedded or amqp (the run's private broker)");
            if (v != "embedded" && v != "amqp") bad("embedded or amqp (the run's private broker)");
            return;
        case axis::amqp:
            return parses(core::parse_amqp_mode, core::amqp_mode_words.usage());
        case axis::prefetch:
        case axis::processes: {
            std::size_t k = 0;
            if (!parse_uint(v, k) || k == 0 || k > 65535) bad("a count from 1 to 65535");
            return;
        }
        case axis::publish: {
            double r = 0;
            if (!parse_double(v, r) || r < 0) bad("jobs/s >= 0 (0: the queue is filled before the workers start)");
            return;
        }
        case axis::incident:
            if (std::find(incident_words.begin(), incident_words.end(), v) == incident_words.end())
                bad("none, broker-restart or worker-kill");
            return;
    }
}

selector parse_selector_terms(std::string_view inside, const place& at) {
    selector sel;
    if (core::trim(inside).empty()) return sel;
    for (auto& term : split(inside, ',')) {
        auto eq = term.find('=');
        if (eq == std::string::npos) at.fail("selector term '" + term + "' is not axis=value");
        auto a = parse_axis(term.substr(0, eq));
        if (!a) at.fail("unknown axis '" + term.substr(0, eq) + "' in selector");
        std::string v = term.substr(eq + 1);
        validate_value(*a, v, at);
        sel.terms.emplace_back(*a, v);
    }
    return sel;
}

// "{a=b,c=d}" -> selector.
selector parse_braced_selector(std::string_view tok, const place& at) {
    if (tok.size() < 2 || tok.front() != '{' || tok.back() != '}')
        at.fail("expected {axis=value,...}, got '" + std::string(tok) + "'");
    return parse_selector_terms(tok.substr(1, tok.size() - 2), at);
}

// "jobs_per_s{read_size=1,pool=20}" or "jobs_per_s".
metric_ref parse_metric_ref(std::string_view tok, const place& at) {
    metric_ref r;
    auto brace = tok.find('{');
    r.metric = std::string(tok.substr(0, brace));
    if (!is_metric(r.metric))
        at.fail("unknown metric '" + r.metric + "' (a column of the scenario CSV, e.g. jobs_per_s)");
    if (brace != std::string_view::npos) r.where = parse_braced_selector(tok.substr(brace), at);
    return r;
}

check parse_check(std::string_view value, const place& at) {
    check c;
    c.text = std::string(core::trim(value));
    auto t = words(value);
    if (t.empty()) at.fail("empty rule");
    c.a = parse_metric_ref(t[0], at);
    std::size_t i = 1;
    if (i < t.size() && t[i] == "/") {
        if (i + 1 >= t.size()) at.fail("'/' must be followed by a metric");
        c.b = parse_metric_ref(t[i + 1], at);
        i += 2;
    }
    if (i == t.size() || (t[i] == "measure" && i + 1 == t.size())) {
        c.op = check_op::measure;
        return c;
    }
    if (t[i] == ">=")
        c.op = check_op::at_least;
    else if (t[i] == "<=")
        c.op = check_op::at_most;
    else if (t[i] == "within")
        c.op = check_op::within;
    else
        at.fail("unknown operator '" + t[i] + "' (expected >=, <=, within or measure)");
    if (c.op == check_op::within && !c.b) at.fail("'within' needs a ratio a / b");
    if (i + 1 >= t.size()) at.fail("operator '" + t[i] + "' needs a threshold");
    if (!parse_double(t[i + 1], c.threshold)) at.fail("threshold '" + t[i + 1] + "' is not a number");
    if (i + 2 != t.size()) at.fail("unexpected '" + t[i + 2] + "' after the threshold");
    return c;
}

plot_spec parse_plot(std::string_view value, const std::string& id, const place& at) {
    auto t = words(value);
    if (t.empty()) at.fail("missing plot kind");
    plot_spec p;
    p.kind = t[0];
    if (std::find(plot_kinds.begin(), plot_kinds.end(), p.kind) == plot_kinds.end()) {
        std::string known;
        for (auto k : plot_kinds) known += (known.empty() ? "" : " ") + std::string(k);
        at.fail("unknown plot kind '" + p.kind + "' (known: " + known + ")");
    }
    p.name = id + "_" + p.kind;
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (t[i].front() == '{')
            p.filter = parse_braced_selector(t[i], at);
        else if (t[i].rfind("metric=", 0) == 0) {
            p.metric = t[i].substr(7);
            if (!is_metric(p.metric)) at.fail("unknown metric '" + p.metric + "'");
        } else if (t[i].rfind("name=", 0) == 0) {
            p.name = id + "_" + t[i].substr(5);
        } else {
            at.fail("unexpected '" + t[i] + "' (expected {axis=value,...}, metric=NAME or name=STEM)");
        }
    }
    if (p.kind == "bars" && p.metric.empty()) p.metric = "jobs_per_s";
    return p;
}

matrix_line parse_matrix_line(std::string_view value, const place& at) {
    matrix_line m;
    m.line = at.line;
    std::set<axis> seen;
    for (auto& tok : words(value)) {
        auto eq = tok.find('=');
        if (eq == std::string::npos) at.fail("'" + tok + "' is not axis=value[,value...]");
        auto a = parse_axis(tok.substr(0, eq));
        if (!a) {
            std::string known;
            for (auto n : axis_names) known += (known.empty() ? "" : " ") + std::string(n);
            at.fail("unknown axis '" + tok.substr(0, eq) + "' (known: " + known + ")");
        }
        if (!seen.insert(*a).second) at.fail("axis '" + tok.substr(0, eq) + "' given twice");
        auto values = split(std::string_view(tok).substr(eq + 1), ',');
        for (auto& v : values) validate_value(*a, v, at);
        m.axes.emplace_back(*a, std::move(values));
    }
    if (m.axes.empty()) at.fail("empty matrix line");
    return m;
}

std::vector<configuration> expand_lines(const std::vector<matrix_line>& lines, const std::string& origin,
                                        const std::string& field) {
    std::vector<configuration> out;
    std::map<std::string, int> seen;  // key -> line
    for (auto& ml : lines) {
        std::vector<configuration> partial(1);
        for (std::size_t i = 0; i < axis_count; ++i) partial[0].values[i] = std::string(axis_defaults[i]);
        for (auto& [a, values] : ml.axes) {
            std::vector<configuration> next;
            for (auto& c : partial)
                for (auto& v : values) {
                    auto d = c;
                    d.get(a) = v;
                    next.push_back(std::move(d));
                }
            partial = std::move(next);
        }
        for (auto& c : partial) {
            auto [it, fresh] = seen.emplace(c.key(), ml.line);
            if (!fresh)
                place{origin, ml.line, field}.fail("configuration " + c.key() + " already given on line " +
                                                   std::to_string(it->second));
            out.push_back(std::move(c));
        }
    }
    // Label = the axes that vary (jobs excepted); series = the same without read_size.
    std::array<bool, axis_count> varies{};
    for (std::size_t i = 0; i < axis_count; ++i)
        for (auto& c : out) varies[i] = varies[i] || c.values[i] != out.front().values[i];
    varies[static_cast<std::size_t>(axis::jobs)] = false;
    for (auto& c : out) {
        for (std::size_t i = 0; i < axis_count; ++i) {
            if (!varies[i]) continue;
            std::string term = std::string(axis_names[i]) + "=" + c.values[i];
            c.label += (c.label.empty() ? "" : ";") + term;
            if (static_cast<axis>(i) != axis::read_size) c.series += (c.series.empty() ? "" : ";") + term;
        }
        if (c.label.empty()) c.label = "default";
        if (c.series.empty()) c.series = "all";
    }
    return out;
}

void validate(const scenario& s, const std::string& origin, const std::vector<int>& check_lines,
              const std::vector<int>& plot_lines) {
    if (s.id.empty()) place{origin, 0, "id"}.fail("missing (every scenario needs 'id S<n>')");
    if (s.title.empty()) place{origin, 0, "title"}.fail("missing");
    if (s.quick.empty()) place{origin, 0, "quick"}.fail("missing (at least one matrix line)");
    if (s.checks.empty()) place{origin, 0, "check"}.fail("missing (at least one verdict rule line)");
    for (bool full : {false, true})
        for (auto& c : expand(s, full)) {
            auto line = [&](const char* what) {
                place{origin, 0, full ? "full" : "quick"}.fail(c.label + ": " + what);
            };
            bool amqp = c.get(axis::intake) == "amqp";
            if (!amqp &&
                (c.get(axis::processes) != "1" || c.get(axis::publish) != "0" || c.get(axis::incident) != "none"))
                line("processes, publish and incident need intake=amqp");
            if (amqp && !external_name(c.get(axis::client)).empty())
                line("an external worker takes its jobs from the feed server, not a broker");
            if (c.get(axis::client) == "memory" &&
                (c.get(axis::read_size) != "whole" || c.get(axis::yield) != "would-block"))
                line("client=memory reads no socket: read_size and yield do not apply (leave whole, would-block)");
            if (c.get(axis::incident) == "broker-restart" && c.get(axis::processes) != "1")
                line("incident=broker-restart runs one worker process (processes=1)");
            if (c.get(axis::incident) == "worker-kill" && c.get(axis::processes) == "1")
                line("incident=worker-kill needs processes >= 2 (one is killed, the others finish the queue)");
        }
    if (s.runner == runner_kind::parse_memory) {
        for (auto* lines : {&s.quick, &s.full})
            for (auto& ml : *lines)
                for (auto& [a, v] : ml.axes)
                    if (a != axis::corpus && a != axis::formats && a != axis::pool && a != axis::jobs)
                        place{origin, ml.line, "runner"}.fail(
                            "runner parse-memory uses only corpus, formats, pool and jobs; not " +
                            std::string(axis_names[static_cast<std::size_t>(a)]));
    }
    for (bool full : {false, true})
        for (auto& ml : full ? s.full : s.quick)
            for (auto& [a, values] : ml.axes)
                for (auto& v : values)
                    if (a == axis::client && !external_name(v).empty() && !s.find_external(external_name(v)))
                        place{origin, ml.line, full ? "full" : "quick"}.fail("client " + v + " names no 'external " +
                                                                             external_name(v) + " COMMAND...' line");
    if (!s.diagnose.empty() && s.runner != runner_kind::worker)
        place{origin, 0, "diagnose"}.fail("needs runner worker");
    for (bool full : {false, true}) {
        auto configs = expand(s, full);
        const char* matrix = full ? "full" : "quick";
        for (std::size_t k = 0; k < s.checks.size(); ++k) {
            auto& c = s.checks[k];
            for (auto* r : {&c.a, c.b ? &*c.b : nullptr}) {
                if (!r) continue;
                auto n = std::count_if(configs.begin(), configs.end(), [&](auto& cf) { return r->where.matches(cf); });
                if (n != 1)
                    place{origin, check_lines[k], "check"}.fail(r->to_string() + " matches " + std::to_string(n) +
                                                                " configurations of the " + matrix +
                                                                " matrix; a check must name exactly one");
            }
        }
        for (std::size_t k = 0; k < s.plots.size(); ++k) {
            auto& p = s.plots[k];
            if (std::none_of(configs.begin(), configs.end(), [&](auto& cf) { return p.filter.matches(cf); }))
                place{origin, plot_lines[k], "plot"}.fail("filter " + p.filter.to_string() +
                                                          " matches no configuration of the " + matrix + " matrix");
        }
    }
}

}  // namespace

std::vector<std::string> split(std::string_view s, char delim) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto pos = s.find(delim, start);
        out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return out;
}

std::optional<axis> parse_axis(std::string_view name) {
    for (std::size_t i = 0; i < axis_count; ++i)
        if (axis_names[i] == name) return static_cast<axis>(i);
    return std::nullopt;
}

std::string external_name(std::string_view client) {
    if (client.rfind(external_client_prefix, 0) != 0) return {};
    return std::string(client.substr(external_client_prefix.size()));
}

const external_worker* scenario::find_external(std::string_view name) const {
    for (auto& e : externals)
        if (e.name == name) return &e;
    return nullptr;
}

std::string configuration::key() const {
    std::string k;
    for (std::size_t i = 0; i < axis_count; ++i) {
        if (static_cast<axis>(i) == axis::jobs) continue;
        k += (k.empty() ? "" : ";") + std::string(axis_names[i]) + "=" + values[i];
    }
    return k;
}

std::size_t read_size_bytes(std::string_view v) { return core::read_size::parse(v).bytes; }

double read_size_plot_x(std::string_view v) {
    auto b = read_size_bytes(v);
    return b == 0 ? whole_plot_x : static_cast<double>(b);
}

bool selector::matches(const configuration& c) const {
    return std::all_of(terms.begin(), terms.end(), [&](auto& t) { return c.get(t.first) == t.second; });
}

std::string selector::to_string() const {
    std::string s = "{";
    for (std::size_t i = 0; i < terms.size(); ++i)
        s += (i ? "," : "") + std::string(axis_names[static_cast<std::size_t>(terms[i].first)]) + "=" + terms[i].second;
    return s + "}";
}

std::string metric_ref::to_string() const { return metric + (where.terms.empty() ? "" : where.to_string()); }

const std::vector<std::string>& metric_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n{
            "jobs_done", "ok", "failed", "wall_s", "cpu_s", "jobs_per_s", "cpu_util", "latency_p50_ms",
            "latency_p90_ms", "latency_p99_ms", "latency_max_ms", "predicted_jobs_per_s", "calibrated_rate",
            "calibrated_wait_ms", "load_average",
            // feeddiag on an external worker: 1 when the verdict is that word, else 0; the
            // median bytes per socket receive call; receive calls per job
            "diag_tiny_reads", "diag_waiting_in_reads", "diag_healthy", "recv_p50_bytes", "recv_calls_per_job",
            // AMQP intake: the broker's view of the run and what the workers recorded
            "published", "intake_gets", "intake_empty_gets", "intake_gets_per_job", "intake_deliveries",
            "intake_redeliveries", "left_on_queue", "jobs_lost", "journal_rows", "acked_by_killed", "acked_without_row",
            "broker_cpu_us_per_job", "worker_cpu_us_per_job", "process_jobs_per_s_min", "process_jobs_per_s_max"};
        for (auto st : core::stage_names)
            for (auto m : {"wall_p50_us", "wall_p99_us", "cpu_p50_us", "suspended_p50_us", "suspended_pct",
                           "reads_per_job", "yields_per_job", "share_pct", "cpu_share_pct"})
                n.push_back(std::string(st) + "_" + m);
        return n;
    }();
    return names;
}

bool is_metric(std::string_view name) {
    auto& n = metric_names();
    return std::find(n.begin(), n.end(), name) != n.end();
}

scenario parse_scenario(std::string_view text, const std::string& origin) {
    scenario s;
    std::map<std::string, int> field_lines;
    std::vector<int> check_lines, plot_lines;
    int line_no = 0;
    for (auto& raw : split(text, '\n')) {
        ++line_no;
        auto line = core::trim(raw);
        if (line.empty() || line.front() == '#') continue;
        auto sp = line.find_first_of(" \t");
        std::string field(line.substr(0, sp));
        std::string value(sp == std::string_view::npos ? std::string_view{} : core::trim(line.substr(sp)));
        place at{origin, line_no, field};
        auto append = [&](std::string& dst) {
            if (value.empty()) at.fail("empty value");
            dst += (dst.empty() ? "" : " ") + value;
        };
        auto once = [&] {
            if (!field_lines.emplace(field, line_no).second)
                at.fail("given twice (first on line " + std::to_string(field_lines[field]) + ")");
        };
        if (field == "id") {
            once();
            if (value.empty() || value.find_first_of(" \t/\\,;") != std::string::npos)
                at.fail("bad id '" + value + "'");
            s.id = value;
        } else if (field == "title") {
            once();
            append(s.title);
        } else if (field == "finding")
            append(s.finding);
        else if (field == "why")
            append(s.why);
        else if (field == "note")
            append(s.note);
        else if (field == "must") {
            once();
            if (value == "yes")
                s.must_reproduce = true;
            else if (value == "no")
                s.must_reproduce = false;
            else
                at.fail("expected yes or no, got '" + value + "'");
        } else if (field == "runner") {
            once();
            if (value == "worker")
                s.runner = runner_kind::worker;
            else if (value == "parse-memory")
                s.runner = runner_kind::parse_memory;
            else
                at.fail("expected worker or parse-memory, got '" + value + "'");
        } else if (field == "needs") {
            once();
            if (value.empty() || value.find_first_of(" \t/") != std::string::npos)
                at.fail("expected a folder name of the shared corpus");
            s.needs_corpus = value;
        } else if (field == "repeat") {
            once();
            std::size_t n = 0;
            if (!parse_uint(value, n) || n < 1 || n > max_min_repeat)
                at.fail("expected a repetition count from 1 to " + std::to_string(max_min_repeat) + ", got '" + value +
                        "'");
            s.min_repeat = int(n);
        } else if (field == "in-quick") {
            once();
            if (value == "yes")
                s.in_quick = true;
            else if (value == "no")
                s.in_quick = false;
            else
                at.fail("expected yes or no, got '" + value + "'");
        } else if (field == "quick")
            s.quick.push_back(parse_matrix_line(value, at));
        else if (field == "full")
            s.full.push_back(parse_matrix_line(value, at));
        else if (field == "check") {
            s.checks.push_back(parse_check(value, at));
            check_lines.push_back(line_no);
        } else if (field == "plot") {
            if (s.id.empty()) at.fail("'id' must come before 'plot'");
            s.plots.push_back(parse_plot(value, s.id, at));
            plot_lines.push_back(line_no);
        } else if (field == "table") {
            once();
            for (auto& m : words(value)) {
                if (!is_metric(m))
                    at.fail("unknown metric '" + m + "' (a column of the scenario CSV, e.g. jobs_per_s)");
                s.table.push_back(m);
            }
            if (s.table.empty()) at.fail("empty value");
        } else if (field == "external") {
            auto w = words(value);
            if (w.size() < 2) at.fail("expected NAME COMMAND [ARGS...]");
            if (w[0].find_first_of(",;{}=:") != std::string::npos) at.fail("bad name '" + w[0] + "'");
            if (s.find_external(w[0])) at.fail("'" + w[0] + "' given twice");
            s.externals.push_back({w[0], {w.begin() + 1, w.end()}});
        } else if (field == "diagnose") {
            auto sel = parse_braced_selector(value, at);
            if (std::none_of(sel.terms.begin(), sel.terms.end(),
                             [](auto& t) { return t.first == axis::client && !external_name(t.second).empty(); }))
                at.fail("the selector must name an external client (client=external:NAME): feeddiag traces a process");
            s.diagnose.push_back(std::move(sel));
        } else {
            at.fail(
                "unknown field (known: id title finding why note must runner needs repeat in-quick quick full check "
                "plot table external diagnose)");
        }
    }
    if (s.table.empty()) s.table = {"jobs_per_s", "cpu_util", "latency_p50_ms", "failed"};
    validate(s, origin, check_lines, plot_lines);
    return s;
}

scenario load_scenario_file(const std::filesystem::path& file) {
    const auto text = core::read_file(file);
    if (!text) throw scenario_error(file.string() + ": cannot read");
    auto s = parse_scenario(*text, file.filename().string());
    s.source = file;
    return s;
}

std::vector<scenario> load_scenario_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw scenario_error(dir.string() + ": not a folder of *.scn files");
    std::vector<std::filesystem::path> files;
    for (auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".scn") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<scenario> out;
    std::map<std::string, std::string> ids;
    for (auto& f : files) {
        out.push_back(load_scenario_file(f));
        auto [it, fresh] = ids.emplace(out.back().id, f.filename().string());
        if (!fresh)
            throw scenario_error(f.filename().string() + ": id: '" + out.back().id + "' already used by " + it->second);
    }
    if (out.empty()) throw scenario_error(dir.string() + ": no *.scn files");
    // Natural order: S2 before S10.
    std::sort(out.begin(), out.end(),
              [](auto& a, auto& b) { return a.id.size() != b.id.size() ? a.id.size() < b.id.size() : a.id < b.id; });
    return out;
}

std::vector<configuration> expand(const scenario& s, bool full) {
    if (full && !s.full.empty()) return expand_lines(s.full, s.id, "full");
    return expand_lines(s.quick, s.id, "quick");
}

}  // namespace feedbench::scenarios
