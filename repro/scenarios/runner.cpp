// The reproduction runner: scenario matrix -> worker runs (or in-memory parses) -> rep rows -> files.
#include "repro/scenarios/runner.hpp"

#include "data/corpus.hpp"
#include "feedserver/server.hpp"
#include "repro/meta/meta.hpp"
#include "repro/harness/feed_server.hpp"
#include "repro/parse/feed_parser.hpp"
#include "repro/worker/run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/spawn.hpp>

#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

namespace feedbench::scenarios {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

double thread_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string clock_text(double s) {
    if (!(s >= 0) || !std::isfinite(s)) return "?";
    auto t = static_cast<long>(s + 0.5);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
    return buf;
}

std::string replace_char(std::string s, char from, char to) {
    std::replace(s.begin(), s.end(), from, to);
    return s;
}

// A rough cost guess (seconds) of one run, only for the ETA; calibrated by measured time as the run goes.
double cost_guess(const scenario& s, const configuration& c) {
    double jobs = std::atof(c.get(axis::jobs).c_str());
    if (s.runner == runner_kind::parse_memory) return 0.05 + jobs * 150e-6;
    double pool = 1;
    try {
        pool = static_cast<double>(core::pool_spec::parse(c.get(axis::pool)).size);
    } catch (const std::invalid_argument&) {
    }
    auto rb = read_size_bytes(c.get(axis::read_size));
    double body = 50'000;
    double reads = rb == 0 ? 2 : std::max(2.0, body / double(rb));
    double per_job = 150e-6 + reads * 0.5e-6;
    // Calibrated values are not known yet: guess what a fast idle machine gives.
    std::string q = c.get(axis::query);
    with_typical_values(q);
    double wait = 0;
    if (auto p = q.find("delay="); p != std::string::npos) {
        auto range = split(q.substr(p + 6, q.find('&', p) - p - 6), '-');
        wait = (std::atof(range.front().c_str()) + std::atof(range.back().c_str())) / 2 / 1000;
    }
    if (auto p = q.find("rate="); p != std::string::npos) wait += body / std::max(1.0, std::atof(q.c_str() + p + 5));
    if (q.find("nodelay=0") != std::string::npos) wait += 0.042;
    return 0.05 + jobs * (per_job + wait / pool);
}

void pin_this_thread(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// Metrics of one run from its job records (percentiles over every job) and its summary.
void fill_job_metrics(rep_result& r, const std::vector<core::job_record>& records, latency_series& lat) {
    std::vector<double> latency;
    double total_wall = 0;
    for (auto& j : records) {
        double ms = static_cast<double>(j.end_ns - j.start_ns) / 1e6;
        latency.push_back(ms);
        lat.latency_ms.push_back(ms);
        total_wall += ms * 1000;
    }
    std::sort(latency.begin(), latency.end());
    r.metrics["latency_p50_ms"] = percentile_sorted(latency, 0.50);
    r.metrics["latency_p90_ms"] = percentile_sorted(latency, 0.90);
    r.metrics["latency_p99_ms"] = percentile_sorted(latency, 0.99);
    r.metrics["latency_max_ms"] = latency.empty() ? no_value : latency.back();
    double n = static_cast<double>(records.size());
    double total_cpu = 0;
    for (auto& j : records)
        for (auto& m : j.stages) total_cpu += static_cast<double>(m.cpu_ns) / 1e3;
    for (std::size_t s = 0; s < core::stage_count; ++s) {
        std::string st(core::stage_names[s]);
        std::vector<double> wall, cpu, susp;
        double reads = 0, yields = 0, stage_wall = 0, stage_cpu = 0, stage_susp = 0;
        for (auto& j : records) {
            auto& m = j.stages[s];
            wall.push_back(static_cast<double>(m.wall_ns) / 1e3);
            cpu.push_back(static_cast<double>(m.cpu_ns) / 1e3);
            susp.push_back(static_cast<double>(m.suspended_ns) / 1e3);
            reads += static_cast<double>(m.reads);
            yields += static_cast<double>(m.yields);
            stage_wall += static_cast<double>(m.wall_ns) / 1e3;
            stage_cpu += static_cast<double>(m.cpu_ns) / 1e3;
            stage_susp += static_cast<double>(m.suspended_ns) / 1e3;
        }
        std::sort(wall.begin(), wall.end());
        std::sort(cpu.begin(), cpu.end());
        std::sort(susp.begin(), susp.end());
        r.metrics[st + "_wall_p50_us"] = percentile_sorted(wall, 0.5);
        r.metrics[st + "_wall_p99_us"] = percentile_sorted(wall, 0.99);
        r.metrics[st + "_cpu_p50_us"] = percentile_sorted(cpu, 0.5);
        r.metrics[st + "_suspended_p50_us"] = percentile_sorted(susp, 0.5);
        // Share of the stage's wall time its jobs spent suspended in the scheduler (summed over jobs). OS
        // preemption of a running job counts as running, so a loaded machine cannot fake this share.
        r.metrics[st + "_suspended_pct"] = stage_wall > 0 ? 100.0 * stage_susp / stage_wall : no_value;
        r.metrics[st + "_reads_per_job"] = n > 0 ? reads / n : no_value;
        r.metrics[st + "_yields_per_job"] = n > 0 ? yields / n : no_value;
        r.metrics[st + "_share_pct"] = total_wall > 0 ? 100.0 * stage_wall / total_wall : no_value;
        r.metrics[st + "_cpu_share_pct"] = total_cpu > 0 ? 100.0 * stage_cpu / total_cpu : no_value;
    }
}

// Throws std::invalid_argument ("n/a") when the query names a calibrated value this machine cannot give.
worker::worker_config worker_config_for(const configuration& c, const std::string& url, int cpu, const calibration& cal) {
    worker::worker_config cfg;
    cfg.server_url = url;
    cfg.formats = c.get(axis::formats);
    cfg.query = c.get(axis::query) == "none" ? "" : c.get(axis::query);
    if (needs_calibration(cfg.query)) {
        std::string why;
        cfg.query = resolve_query(cfg.query, cal, core::pool_spec::parse(c.get(axis::pool)).size, why);
        if (!why.empty()) throw std::invalid_argument(why);
    }
    cfg.client = core::parse_client(c.get(axis::client));
    cfg.reads = core::read_size::parse(c.get(axis::read_size));
    cfg.consume = core::parse_consume(c.get(axis::consume));
    cfg.yield = core::parse_yield(c.get(axis::yield));
    cfg.pool = core::pool_spec::parse(c.get(axis::pool));
    cfg.charset = core::parse_charset(c.get(axis::charset));
    cfg.jobs = std::stoul(c.get(axis::jobs));
    cfg.cpu = cpu;
    return cfg;
}

// S1's runner: parse bodies from memory on N coroutines of one thread (N = 1: serial), no network.
// Each job yields once after its parse, as a worker does at its next I/O.
void run_parse_memory(const configuration& c, const data::corpus& corpus, int worker_cpu, rep_result& r,
                      latency_series& lat) {
    std::vector<const data::feed*> feeds;
    const auto formats = data::format_set::parse(c.get(axis::formats));
    for (auto& f : corpus.feeds)
        if (formats.contains(f.format)) feeds.push_back(&f);
    if (feeds.empty()) {
        r.status = "n/a: no feed of formats " + c.get(axis::formats) + " in the corpus";
        return;
    }
    auto pool = core::pool_spec::parse(c.get(axis::pool));
    std::size_t jobs = std::stoul(c.get(axis::jobs));
    struct job_times { double wall_us = 0, cpu_us = 0; bool ok = false; };
    std::vector<job_times> times(jobs);
    double wall_s = 0, cpu_s = 0;
    std::thread t([&] {
        pin_this_thread(worker_cpu);
        net::io_context io;
        std::size_t next = 0;
        for (std::size_t k = 0; k < pool.size; ++k)
            net::spawn(io, [&](net::yield_context yield) {
                while (next < jobs) {
                    auto i = next++;
                    auto* f = feeds[i % feeds.size()];
                    auto start = clock_type::now();
                    double cpu0 = thread_cpu_s();
                    auto result = parse::parse_eager(f->body, f->content_type);
                    times[i] = {seconds_since(start) * 1e6, (thread_cpu_s() - cpu0) * 1e6, result.ok};
                    net::post(io, yield);
                }
            });
        auto start = clock_type::now();
        double cpu0 = thread_cpu_s();
        io.run();
        wall_s = seconds_since(start);
        cpu_s = thread_cpu_s() - cpu0;
    });
    t.join();
    std::vector<double> wall, cpu, latency;
    double ok = 0, total_wall = 0;
    for (auto& j : times) {
        wall.push_back(j.wall_us);
        cpu.push_back(j.cpu_us);
        latency.push_back(j.wall_us / 1000);
        lat.latency_ms.push_back(j.wall_us / 1000);
        ok += j.ok ? 1 : 0;
        total_wall += j.wall_us;
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    std::sort(latency.begin(), latency.end());
    r.metrics.insert({{"jobs", double(jobs)},
                 {"ok", ok},
                 {"failed", double(jobs) - ok},
                 {"wall_s", wall_s},
                 {"cpu_s", cpu_s},
                 {"jobs_per_s", wall_s > 0 ? double(jobs) / wall_s : no_value},
                 {"cpu_pct", wall_s > 0 ? 100 * cpu_s / wall_s : no_value},
                 {"parse_wall_p50_us", percentile_sorted(wall, 0.5)},
                 {"parse_wall_p99_us", percentile_sorted(wall, 0.99)},
                 {"parse_cpu_p50_us", percentile_sorted(cpu, 0.5)},
                 {"parse_share_pct", wall_s > 0 ? 100 * total_wall / (wall_s * 1e6) : no_value},
                 {"latency_p50_ms", percentile_sorted(latency, 0.5)},
                 {"latency_p90_ms", percentile_sorted(latency, 0.9)},
                 {"latency_p99_ms", percentile_sorted(latency, 0.99)},
                 {"latency_max_ms", latency.empty() ? no_value : latency.back()}});
}

// The live progress line (a terminal only) and the ETA, calibrated by what has been measured so far.
class progress_meter {
public:
    progress_meter(bool live, double planned) : live_(live), planned_(planned), start_(clock_type::now()) {}
    void begin_run(double guess, std::string text) {
        guess_ = guess;
        text_ = std::move(text);
        run_start_ = clock_type::now();
        show(0, 0);
    }
    void jobs(std::size_t done, std::size_t total) { show(done, total); }
    void end_run() {
        done_guess_ += guess_;
        done_measured_ += seconds_since(run_start_);
    }
    void clear() {
        if (live_) std::cerr << "\r\033[K" << std::flush;
    }
    double elapsed() const { return seconds_since(start_); }

private:
    void show(std::size_t done, std::size_t total) {
        if (!live_) return;
        auto now = clock_type::now();
        if (done != 0 && done != total && now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        double factor = done_guess_ > 0 ? done_measured_ / done_guess_ : 1.0;
        double eta = std::max(0.0, (planned_ - done_guess_) * factor - seconds_since(run_start_));
        std::string line = text_;
        if (total) line += "  jobs " + std::to_string(done) + "/" + std::to_string(total);
        line += "  elapsed " + clock_text(elapsed()) + "  ETA " + clock_text(eta);
        std::cerr << "\r\033[K" << line.substr(0, 160) << std::flush;
    }
    bool live_;
    double planned_, guess_ = 0, done_guess_ = 0, done_measured_ = 0;
    clock_type::time_point start_, run_start_, last_{};
    std::string text_;
};

// The 1-minute load average (/proc/loadavg), or NaN.
double load_average() {
    std::FILE* f = std::fopen("/proc/loadavg", "r");
    if (!f) return no_value;
    double v = no_value;
    if (std::fscanf(f, "%lf", &v) != 1) v = no_value;
    std::fclose(f);
    return v;
}

// Two short worker runs on the scenario's cores against the unpaced server: what {dry_rate} and {wait_ms}
// are derived from (calibration.hpp). Run A, read size 1 lazy pool 1: the cost of consuming a body one
// recv at a time inside the parse. Run B, whole eager pool 1: one job's round trip and parse.
calibration measure_calibration(const std::string& url, int cpu) {
    calibration cal;
    cal.measured = true;
    cal.load_average = load_average();
    auto start = clock_type::now();
    try {
        worker::worker_config a;
        a.server_url = url;
        a.reads = core::read_size::parse("1");
        a.consume = core::consume_mode::lazy;
        a.jobs = 12;
        a.cpu = cpu;
        auto ra = worker::run(a);
        auto& sa = ra.summary;
        if (sa.ok == 0 || !(sa.cpu_s > 0)) {
            cal.error = "the calibration run at read size 1 had no successful job";
        } else {
            cal.consume_bytes_per_cpu_s = static_cast<double>(sa.body_bytes) / sa.cpu_s;
            double reads = 0, cpu_us = 0;
            for (auto st : {core::stage::body, core::stage::parse}) {
                auto& m = sa.stages[static_cast<std::size_t>(st)];
                reads += static_cast<double>(m.reads);
                cpu_us += m.cpu_total_us;
            }
            cal.read_cpu_ns = reads > 0 ? cpu_us * 1e3 / reads : no_value;
            cal.body_bytes_mean = static_cast<double>(sa.body_bytes) / static_cast<double>(sa.jobs);
            for (auto& j : ra.records) cal.body_bytes_max = std::max(cal.body_bytes_max, static_cast<double>(j.bytes));
        }
        worker::worker_config b;
        b.server_url = url;
        b.jobs = 30;
        b.cpu = cpu;
        auto rb = worker::run(b);
        if (cal.error.empty() && rb.summary.ok == 0) cal.error = "the whole-body calibration run had no successful job";
        cal.job_wall_us = rb.summary.wall_s * 1e6 / static_cast<double>(std::max<std::size_t>(rb.summary.jobs, 1));
        cal.job_cpu_us = rb.summary.cpu_s * 1e6 / static_cast<double>(std::max<std::size_t>(rb.summary.jobs, 1));
    } catch (const std::exception& e) {
        cal.error = std::string("calibration failed: ") + e.what();
    }
    cal.seconds = seconds_since(start);
    return cal;
}

void update_latest(const fs::path& results_root, const fs::path& dir) {
    std::error_code ec;
    auto root = fs::weakly_canonical(results_root, ec);
    auto parent = fs::weakly_canonical(dir.parent_path(), ec);
    if (root != parent) return;
    auto tmp = results_root / (".latest-" + std::to_string(::getpid()));
    fs::remove(tmp, ec);
    fs::create_directory_symlink(dir.filename(), tmp, ec);
    if (!ec) fs::rename(tmp, results_root / "latest", ec);
}

}  // namespace

fs::path default_shared_corpus() {
    if (const char* env = std::getenv("FEEDBENCH_SHARED_CORPUS"); env && *env) return env;
    return FEEDBENCH_DEFAULT_SHARED_CORPUS;
}

run_result run_reproduction(const runner_options& opt) {
    auto all = opt.scenarios.empty() ? load_scenario_dir(opt.scenario_dir) : opt.scenarios;
    std::vector<scenario> chosen;
    if (opt.only.empty()) chosen = all;
    for (auto& id : opt.only) {
        auto it = std::find_if(all.begin(), all.end(), [&](auto& s) { return s.id == id; });
        if (it == all.end()) {
            std::string known;
            for (auto& s : all) known += " " + s.id;
            throw std::runtime_error("unknown scenario '" + id + "' (known:" + known + ")");
        }
        chosen.push_back(*it);
    }
    auto shared = opt.shared_corpus.empty() ? default_shared_corpus() : opt.shared_corpus;
    int repeat = std::max(1, opt.repeat);

    run_result out;
    auto& rep = out.report;
    rep.meta = meta::collect();
    rep.run_id = meta::make_run_id(rep.meta);
    rep.machine = meta::short_machine(rep.meta);
    rep.full = opt.full;
    rep.repeat = repeat;
    rep.command = opt.command;
    out.dir = opt.out_dir.empty() ? opt.results_root / rep.run_id : opt.out_dir;
    fs::create_directories(out.dir);
    fs::create_directories(out.dir / "jobs");

    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    bool pin = cores >= 2;
    int worker_cpu = pin ? 1 : -1;
    if (!pin) rep.pinning = "One core: server and worker share it (no pinning).";
    else if (opt.server_url.empty()) rep.pinning = "Feed server pinned to core 0, worker to core 1 (" + std::to_string(cores) + " cores).";
    else rep.pinning = "Worker pinned to core 1 (" + std::to_string(cores) + " cores); the external server is not pinned by feedrepro.";
    rep.server = opt.server_url.empty() ? "in-process feed server per corpus (synthetic: 50 feeds x rss/atom/jsonfeed, seed 2012)"
                                        : opt.server_url + " (external; the corpus axis is ignored)";

    // Plan: the configurations of each scenario, and the ETA's cost guess.
    struct planned {
        scenario def;
        std::vector<configuration> configs;
        std::string skip;
    };
    std::vector<planned> plan;
    double planned_cost = 0;
    for (auto& s : chosen) {
        planned p{s, expand(s, opt.full), {}};
        if (!s.needs_corpus.empty() && !fs::is_directory(shared / s.needs_corpus))
            p.skip = "the shared corpus folder " + (shared / s.needs_corpus).string() + " is absent";
        if (p.skip.empty())
            for (auto& c : p.configs) planned_cost += cost_guess(s, c) * repeat;
        plan.push_back(std::move(p));
    }

    // Corpora and their servers, made on first use.
    std::map<std::string, std::unique_ptr<data::corpus>> corpora;
    std::map<std::string, std::unique_ptr<feedserver::server_thread>> servers;
    auto corpus_for = [&](const std::string& name) -> const data::corpus* {
        auto& slot = corpora[name];
        if (!slot) {
            if (name == "synthetic") slot = std::make_unique<data::corpus>(data::generate_synthetic());
            else if (fs::is_directory(shared / name)) slot = std::make_unique<data::corpus>(data::load_directory(shared / name));
            else return nullptr;
        }
        return slot.get();
    };
    auto url_for = [&](const std::string& name) -> std::string {
        if (!opt.server_url.empty()) return opt.server_url;
        auto& slot = servers[name];
        if (!slot) {
            auto* c = corpus_for(name);
            if (!c) return {};
            slot = harness::start_embedded_server(*c, pin ? 0 : -1);
        }
        return slot->base_url();
    };

    double load_start = load_average();
    auto plots = detect_gnuplot(opt.scripts_dir);
    progress_meter meter(opt.progress, planned_cost);
    auto run_start = clock_type::now();
    for (std::size_t si = 0; si < plan.size(); ++si) {
        auto& p = plan[si];
        scenario_outcome o;
        o.def = p.def;
        auto scenario_start = clock_type::now();
        o.conditions.cores = cores;
        auto note_load = [&o]() {
            double l = load_average();
            if (!std::isnan(l) && !(l <= o.conditions.load_average)) o.conditions.load_average = l;
            return l;
        };
        note_load();
        if (!p.skip.empty()) {
            o.skip_reason = p.skip;
        } else {
            o.ran = true;
            if (opt.log_lines) {
                meter.clear();
                std::cerr << "[repro] " << p.def.id << " " << p.def.title << ": " << p.configs.size() << " configurations x "
                          << repeat << "\n";
            }
            // A scenario whose queries name calibrated values measures the machine first, on its own corpus.
            auto needing = std::find_if(p.configs.begin(), p.configs.end(),
                                        [](auto& c) { return needs_calibration(c.get(axis::query)); });
            if (needing != p.configs.end()) {
                auto url = url_for(needing->get(axis::corpus));
                if (url.empty()) {
                    o.cal.measured = true;
                    o.cal.error = "no server for corpus " + needing->get(axis::corpus);
                } else {
                    o.cal = measure_calibration(url, worker_cpu);
                }
                if (opt.log_lines) {
                    meter.clear();
                    std::cerr << "[repro] " << p.def.id << " calibration: " << describe(o.cal) << "\n";
                }
            }
            // Repetitions interleave (every configuration once, then again), so a change in machine load
            // spreads over all configurations instead of biasing the ones that happened to run during it.
            for (auto& c : p.configs) o.latencies.push_back({c.label, {}});
            std::vector<bool> not_applicable(p.configs.size(), false);
            for (int k = 1; k <= repeat; ++k) {
                for (std::size_t ci = 0; ci < p.configs.size(); ++ci) {
                    if (not_applicable[ci]) continue;  // no point repeating
                    auto& c = p.configs[ci];
                    auto& lat = o.latencies[ci];
                    rep_result r;
                    r.config = c;
                    r.rep = k;
                    r.metrics["load_average"] = note_load();
                    meter.begin_run(cost_guess(p.def, c), "[" + p.def.id + " " + std::to_string(si + 1) + "/" +
                                                              std::to_string(plan.size()) + "] config " + std::to_string(ci + 1) +
                                                              "/" + std::to_string(p.configs.size()) + " " +
                                                              replace_char(c.label, ';', ' ') + " rep " + std::to_string(k) +
                                                              "/" + std::to_string(repeat));
                    try {
                        if (p.def.runner == runner_kind::parse_memory) {
                            auto* corpus = corpus_for(c.get(axis::corpus));
                            if (!corpus) r.status = "n/a: corpus folder " + c.get(axis::corpus) + " absent";
                            else run_parse_memory(c, *corpus, worker_cpu, r, lat);
                        } else {
                            auto url = url_for(c.get(axis::corpus));
                            if (url.empty()) {
                                r.status = "n/a: corpus folder " + (shared / c.get(axis::corpus)).string() + " absent";
                            } else {
                                auto cfg = worker_config_for(c, url, worker_cpu, o.cal);
                                auto result = worker::run(cfg, [&](std::size_t d, std::size_t t) { meter.jobs(d, t); });
                                auto& s = result.summary;
                                r.metrics.insert({{"jobs", double(s.jobs)},       {"ok", double(s.ok)},
                                                  {"failed", double(s.failed)},   {"wall_s", s.wall_s},
                                                  {"cpu_s", s.cpu_s},             {"jobs_per_s", s.jobs_per_s},
                                                  {"cpu_pct", 100 * s.cpu_util}});
                                auto pool = cfg.pool.size;
                                auto& q = c.get(axis::query);
                                if (q.find("{dry_rate}") != std::string::npos)
                                    r.metrics["calibrated_rate"] = calibrated_value(o.cal, "dry_rate", pool).value;
                                if (q.find("{wait_ms}") != std::string::npos)
                                    r.metrics["calibrated_wait_ms"] = calibrated_value(o.cal, "wait_ms", pool).value;
                                fill_job_metrics(r, result.records, lat);
                                r.errors = s.errors;
                                for (auto& j : result.records)
                                    if (!j.ok && r.failed_feeds.size() < 3 &&
                                        std::find(r.failed_feeds.begin(), r.failed_feeds.end(), j.feed) == r.failed_feeds.end())
                                        r.failed_feeds.push_back(j.feed);
                                if (s.ok == 0) r.status = "error: no job succeeded";
                                if (k == 1)
                                    worker::write_jobs_csv((out.dir / "jobs" / (p.def.id + "-" + std::to_string(ci + 1) + ".csv")).string(),
                                                           cfg, result.records);
                            }
                        }
                    } catch (const std::invalid_argument& e) {
                        r.status = std::string("n/a: ") + e.what();
                    } catch (const std::exception& e) {
                        r.status = std::string("error: ") + e.what();
                    }
                    if (opt.predict) r.metrics["predicted_jobs_per_s"] = opt.predict(c, r);
                    meter.end_run();
                    not_applicable[ci] = r.status.rfind("n/a", 0) == 0;
                    o.reps.push_back(std::move(r));
                }
            }
        }
        note_load();
        o.seconds = seconds_since(scenario_start);
        finish_scenario(o, out.dir, plots, rep.machine, rep.meta.commit);
        if (opt.log_lines) {
            meter.clear();
            std::cerr << "[repro] " << o.def.id << ": " << o.result.line << " (" << format_number(o.seconds) << " s)\n";
        }
        rep.scenarios.push_back(std::move(o));
    }
    meter.clear();
    servers.clear();
    rep.seconds = seconds_since(run_start);
    if (!opt.server_url.empty()) rep.notes.push_back("Measured against an external server: " + opt.server_url);
    double load_end = load_average();
    rep.notes.push_back("Load average (1 min) " + format_number(load_start) + " at the start, " + format_number(load_end) +
                        " at the end, on " + std::to_string(cores) + " cores" +
                        (std::max(load_start, load_end) > double(cores) * 0.75
                             ? ": other processes competed for the cores, so expect noisier numbers (see the min–max ranges)."
                             : "."));

    std::vector<std::pair<std::string, std::string>> config{
        {"matrix", opt.full ? "full" : "quick"}, {"repeat", std::to_string(repeat)},
        {"server", rep.server}, {"pinning", rep.pinning}, {"shared_corpus", shared.string()},
        {"run_seconds", format_number(rep.seconds)}, {"load_average_start", format_number(load_start)},
        {"load_average_end", format_number(load_end)}};
    std::string ids;
    for (auto& o : rep.scenarios) ids += (ids.empty() ? "" : ",") + o.def.id;
    config.emplace_back("scenarios", ids);
    for (auto& o : rep.scenarios) config.emplace_back("verdict_" + o.def.id, std::string(to_string(o.result.kind)));
    meta::write_json((out.dir / "meta.json").string(), rep.meta, config);
    write_report(rep, out.dir);
    update_latest(opt.results_root, out.dir);
    out.ci_failures = ci_failures(rep);
    return out;
}

}  // namespace feedbench::scenarios
