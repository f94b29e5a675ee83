// The reproduction runner: scenario matrix -> worker runs (or in-memory parses) -> rep rows -> files.
#include "repro/scenarios/runner.hpp"

#include "data/corpus.hpp"
#include "feedserver/server.hpp"
#include "repro/diag/trace_session.hpp"
#include "repro/scenarios/amqp_run.hpp"
#include "repro/scenarios/broker.hpp"
#include "repro/external/external_worker.hpp"
#include "repro/meta/meta.hpp"
#include "repro/harness/feed_server.hpp"
#include "repro/parse/feed_parser.hpp"
#include "repro/sched/job_meter.hpp"
#include "repro/sched/pool.hpp"
#include "repro/worker/progress.hpp"
#include "repro/worker/run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/spawn.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace feedbench::scenarios {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

double thread_cpu_s() { return static_cast<double>(sched::thread_cpu_now_ns()) * 1e-9; }

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
    } catch (const std::invalid_argument&) {}
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

// Repetitions with few jobs measure little each: a configuration with fewer than min_jobs_for_spread jobs per
// repetition runs at least min_reps_few_jobs repetitions, so its spread (and outlier rule) has enough values.
constexpr std::size_t min_jobs_for_spread = 50;
constexpr int min_reps_few_jobs = 5;
// --repeat, or more where the scenario asks for it (repeat N: its ratio checks pair repetitions, and need
// enough pairs).
int scenario_repeat(const scenario& s, int repeat) { return std::max(repeat, s.min_repeat); }
int repetitions_for(const scenario& s, const configuration& c, int repeat) {
    repeat = scenario_repeat(s, repeat);
    return std::atof(c.get(axis::jobs).c_str()) < double(min_jobs_for_spread) ? std::max(repeat, min_reps_few_jobs)
                                                                              : repeat;
}

// Warm-up: one unmeasured run before a configuration's first measured repetition (connections, caches, the
// allocator and the CPU's clock settle), a tenth of its jobs, between 1 and warmup_jobs_max. External workers
// and AMQP configurations are not warmed up: each repetition starts fresh processes and queues anyway.
constexpr std::size_t warmup_jobs_max = 10;
std::size_t warmup_jobs(const configuration& c) {
    auto jobs = std::strtoul(c.get(axis::jobs).c_str(), nullptr, 10);
    return std::clamp<std::size_t>(jobs / 10, 1, warmup_jobs_max);
}
bool is_warmed_up(const configuration& c) {
    return external_name(c.get(axis::client)).empty() && c.get(axis::intake) != "amqp";
}
configuration warmup_of(const configuration& c) {
    auto w = c;
    w.get(axis::jobs) = std::to_string(warmup_jobs(c));
    return w;
}

// Metrics of one run: job latency percentiles from its records, the stages' from the worker's summary
// (nearest-rank over every job, the same numbers feedworker prints).
void fill_job_metrics(rep_result& r, const worker::run_summary& s, const std::vector<core::job_record>& records,
                      latency_series& lat) {
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
    auto per_job = [&](double v) { return n > 0 ? v : no_value; };
    double total_cpu = 0;
    for (auto& st : s.stages) total_cpu += st.cpu_total_us;
    for (std::size_t i = 0; i < core::stage_count; ++i) {
        std::string name(core::stage_names[i]);
        auto& st = s.stages[i];
        r.metrics[name + "_wall_p50_us"] = per_job(st.wall_us.p50);
        r.metrics[name + "_wall_p99_us"] = per_job(st.wall_us.p99);
        r.metrics[name + "_cpu_p50_us"] = per_job(st.cpu_us.p50);
        r.metrics[name + "_suspended_p50_us"] = per_job(st.suspended_us.p50);
        // Share of the stage's wall time its jobs spent suspended in the scheduler (summed over jobs). OS
        // preemption of a running job counts as running, so a loaded machine cannot fake this share.
        r.metrics[name + "_suspended_pct"] =
            st.wall_total_us > 0 ? 100.0 * st.suspended_total_us / st.wall_total_us : no_value;
        r.metrics[name + "_reads_per_job"] = per_job(static_cast<double>(st.reads) / n);
        r.metrics[name + "_yields_per_job"] = per_job(static_cast<double>(st.yields) / n);
        r.metrics[name + "_share_pct"] = total_wall > 0 ? 100.0 * st.wall_total_us / total_wall : no_value;
        r.metrics[name + "_cpu_share_pct"] = total_cpu > 0 ? 100.0 * st.cpu_total_us / total_cpu : no_value;
    }
}

// Throws std::invalid_argument ("n/a") when the query names a calibrated value this machine cannot give.
worker::worker_config worker_config_for(const configuration& c, const std::string& url, int cpu,
                                        const calibration& cal) {
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
    cfg.amqp_mode = core::parse_amqp_mode(c.get(axis::amqp));
    cfg.prefetch = std::stoul(c.get(axis::prefetch));
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
    struct job_times {
        double wall_us = 0, cpu_us = 0;
        bool ok = false;
    };
    std::vector<job_times> times(jobs);
    double wall_s = 0, cpu_s = 0;
    std::thread t([&] {
        if (worker_cpu >= 0) sched::pin_this_thread(worker_cpu);
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
    r.metrics.insert({{"jobs_done", double(jobs)},
                      {"ok", ok},
                      {"failed", double(jobs) - ok},
                      {"wall_s", wall_s},
                      {"cpu_s", cpu_s},
                      {"jobs_per_s", wall_s > 0 ? double(jobs) / wall_s : no_value},
                      {"cpu_util", wall_s > 0 ? cpu_s / wall_s : no_value},
                      {"parse_wall_p50_us", percentile_sorted(wall, 0.5)},
                      {"parse_wall_p99_us", percentile_sorted(wall, 0.99)},
                      {"parse_cpu_p50_us", percentile_sorted(cpu, 0.5)},
                      {"parse_share_pct", wall_s > 0 ? 100 * total_wall / (wall_s * 1e6) : no_value},
                      {"latency_p50_ms", percentile_sorted(latency, 0.5)},
                      {"latency_p90_ms", percentile_sorted(latency, 0.9)},
                      {"latency_p99_ms", percentile_sorted(latency, 0.99)},
                      {"latency_max_ms", latency.empty() ? no_value : latency.back()}});
}

// The progress display and the ETA, calibrated by what has been measured so far: on a terminal a live line
// redrawn in place; elsewhere a heartbeat line every repro_heartbeat_s (scenario, configuration, jobs done,
// elapsed), from a ticker thread, so a run whose jobs report nothing still shows it is alive. Thread-safe:
// jobs() comes from the worker's thread.
class progress_meter {
public:
    progress_meter(worker::progress_mode mode, double planned)
        : mode_(mode), planned_(planned), start_(clock_type::now()), beat_(0, worker::repro_heartbeat_s) {
        if (mode_ == worker::progress_mode::heartbeat) ticker_ = std::thread([this] { tick(); });
    }
    ~progress_meter() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        if (ticker_.joinable()) ticker_.join();
    }
    void begin_run(double guess, std::string text) {
        std::lock_guard lock(mutex_);
        guess_ = guess;
        text_ = std::move(text);
        run_start_ = clock_type::now();
        done_ = total_ = 0;
        show_live();
    }
    void jobs(std::size_t done, std::size_t total) {
        std::lock_guard lock(mutex_);
        done_ = done;
        total_ = total;
        show_live();
    }
    void end_run() {
        std::lock_guard lock(mutex_);
        done_guess_ += guess_;
        done_measured_ += seconds_since(run_start_);
    }
    void clear() {
        if (mode_ == worker::progress_mode::live) std::cerr << "\r\033[K" << std::flush;
    }
    double elapsed() const { return seconds_since(start_); }

private:
    double eta() const {
        double factor = done_guess_ > 0 ? done_measured_ / done_guess_ : 1.0;
        return std::max(0.0, (planned_ - done_guess_) * factor - seconds_since(run_start_));
    }
    std::string line() const {
        std::string l = text_;
        if (total_) l += "  jobs " + std::to_string(done_) + "/" + std::to_string(total_);
        return l + "  elapsed " + worker::clock_text(elapsed()) + "  ETA " + worker::clock_text(eta());
    }
    void show_live() {
        if (mode_ != worker::progress_mode::live) return;
        auto now = clock_type::now();
        if (done_ != 0 && done_ != total_ && now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        std::cerr << "\r\033[K" << line().substr(0, 160) << std::flush;
    }
    // The heartbeat: wakes every second, prints when interval_timer says so.
    void tick() {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; }))
            if (beat_.due(elapsed()) && !text_.empty()) std::cerr << "[repro] heartbeat " << line() << std::endl;
    }
    worker::progress_mode mode_;
    double planned_, guess_ = 0, done_guess_ = 0, done_measured_ = 0;
    clock_type::time_point start_, run_start_, last_{};
    std::string text_;
    std::size_t done_ = 0, total_ = 0;
    worker::interval_timer beat_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread ticker_;
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

// The plan: the chosen scenarios in order, each with its configurations (or why it is skipped), and the
// ETA's cost guess over all of them.
struct planned {
    scenario def;
    std::vector<configuration> configs;
    std::string skip;
};

struct run_plan {
    std::vector<planned> scenarios;
    fs::path shared;  // the shared corpus folder
    int repeat = 1;
    double cost = 0;  // seconds, cost_guess summed over every run
};

run_plan make_plan(const runner_options& opt) {
    auto all = opt.scenarios.empty() ? load_scenario_dir(opt.scenario_dir) : opt.scenarios;
    std::vector<scenario> chosen;
    if (opt.only.empty())
        std::copy_if(all.begin(), all.end(), std::back_inserter(chosen),
                     [&](auto& s) { return opt.full || s.in_quick; });
    for (auto& id : opt.only) {
        auto it = std::find_if(all.begin(), all.end(), [&](auto& s) { return s.id == id; });
        if (it == all.end()) {
            std::string known;
            for (auto& s : all) known += " " + s.id;
            throw std::runtime_error("unknown scenario '" + id + "' (known:" + known + ")");
        }
        chosen.push_back(*it);
    }
    run_plan plan;
    plan.shared = opt.shared_corpus.empty() ? default_shared_corpus() : opt.shared_corpus;
    plan.repeat = std::max(1, opt.repeat);
    for (auto& s : chosen) {
        planned p{s, expand(s, opt.full), {}};
        if (!s.needs_corpus.empty() && !fs::is_directory(plan.shared / s.needs_corpus))
            p.skip = "the shared corpus folder " + (plan.shared / s.needs_corpus).string() + " is absent";
        if (p.skip.empty())
            for (auto& c : p.configs) {
                plan.cost += cost_guess(s, c) * repetitions_for(s, c, plan.repeat);
                if (is_warmed_up(c)) plan.cost += cost_guess(s, warmup_of(c));
            }
        plan.scenarios.push_back(std::move(p));
    }
    return plan;
}

// "synthetic:FEEDS:BYTES": the synthetic corpus with FEEDS feeds around BYTES each (S9's small bodies).
std::optional<data::synthetic_options> synthetic_variant(const std::string& name) {
    auto parts = split(name, ':');
    if (parts.size() != 3 || parts[0] != "synthetic") return std::nullopt;
    data::synthetic_options so;
    so.feeds = std::strtoul(parts[1].c_str(), nullptr, 10);
    so.median_bytes = std::strtoul(parts[2].c_str(), nullptr, 10);
    if (so.feeds == 0 || so.median_bytes == 0) return std::nullopt;
    so.min_bytes = std::min(so.min_bytes, so.median_bytes);
    return so;
}

// Corpora and the embedded feed server of each, made on first use and kept for the whole run (or the
// --server URL for every corpus).
class corpus_cache {
public:
    corpus_cache(fs::path shared, std::string server_url, int server_cpu)
        : shared_(std::move(shared)), server_url_(std::move(server_url)), server_cpu_(server_cpu) {}

    // nullptr when the folder is absent.
    const data::corpus* corpus(const std::string& name) {
        auto& slot = corpora_[name];
        if (!slot) {
            if (name == "synthetic")
                slot = std::make_unique<data::corpus>(data::generate_synthetic());
            else if (auto so = synthetic_variant(name))
                slot = std::make_unique<data::corpus>(data::generate_synthetic(*so));
            else if (fs::is_directory(shared_ / name))
                slot = std::make_unique<data::corpus>(data::load_directory(shared_ / name));
            else
                return nullptr;
        }
        return slot.get();
    }
    // "" when the corpus folder is absent.
    std::string url(const std::string& name) {
        if (!server_url_.empty()) return server_url_;
        auto& slot = servers_[name];
        if (!slot) {
            auto* c = corpus(name);
            if (!c) return {};
            slot = harness::start_embedded_server(*c, server_cpu_);
        }
        return slot->base_url();
    }
    std::string absent(const std::string& name) const { return corpus_absent_status((shared_ / name).string()); }
    void stop_servers() { servers_.clear(); }

private:
    fs::path shared_;
    std::string server_url_;
    int server_cpu_;
    std::map<std::string, std::unique_ptr<data::corpus>> corpora_;
    std::map<std::string, std::unique_ptr<feedserver::server_thread>> servers_;
};

// What every run of a reproduction shares.
struct run_context {
    const runner_options& opt;
    corpus_cache& corpora;
    progress_meter& meter;
    fs::path dir;    // the run folder
    int worker_cpu;  // -1 = not pinned
    plot_env plots;
    std::string subtitle;    // of every plot: machine and commit
    private_broker& broker;  // started by the first configuration with intake=amqp
};

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(file.string() + ": cannot write");
    out << text;
}

// "{examples}" in an external worker's command -> the repository's examples/ folder.
std::vector<std::string> external_command(const external_worker& w) {
    std::vector<std::string> argv;
    for (auto a : w.command) {
        for (std::size_t p; (p = a.find("{examples}")) != std::string::npos;) a.replace(p, 10, FEEDBENCH_EXAMPLES_DIR);
        argv.push_back(std::move(a));
    }
    return argv;
}

external::external_config external_config_for(const scenario& def, const configuration& c, const std::string& url,
                                              int cpu, const fs::path& out_dir) {
    auto* w = def.find_external(external_name(c.get(axis::client)));
    if (!w) throw std::invalid_argument("no external worker " + c.get(axis::client));
    external::external_config ec;
    ec.command = external_command(*w);
    ec.server_url = url;
    ec.read_size = c.get(axis::read_size);
    ec.pool = static_cast<unsigned>(core::pool_spec::parse(c.get(axis::pool)).size);
    ec.jobs = static_cast<unsigned>(std::stoul(c.get(axis::jobs)));
    ec.formats = c.get(axis::formats);  // the one syntax: formats joined with '+', or all
    ec.out_dir = out_dir;
    ec.timeout_s = 900;
    ec.cpu = cpu;
    return ec;
}

// An external worker's repetition: jobs/s over the span of its jobs (or its life), CPU from its rusage.
void run_external_worker(run_context& ctx, const scenario& def, const configuration& c, std::size_t config_index,
                         int rep, const std::string& url, rep_result& r, latency_series& lat) {
    auto dir = ctx.dir / "external" / (def.id + "-" + std::to_string(config_index + 1) + "-" + std::to_string(rep));
    auto ec = external_config_for(def, c, url, ctx.worker_cpu, dir);
    external::external_result x;
    try {
        x = external::run_external(ec);
    } catch (const std::runtime_error& e) {
        throw std::invalid_argument(ec.command.front() + ": " + e.what());  // no data, with the worker's reason
    }
    double span = x.jobs_span_s > 0 ? x.jobs_span_s : x.wall_s;
    auto jobs = static_cast<double>(x.jobs);
    r.metrics.insert({{"jobs_done", jobs},
                      {"ok", double(x.ok)},
                      {"failed", double(x.failed)},
                      {"wall_s", x.wall_s},
                      {"cpu_s", x.cpu_s()},
                      {"jobs_per_s", span > 0 ? jobs / span : no_value},
                      {"cpu_util", x.wall_s > 0 ? x.cpu_s() / x.wall_s : no_value}});
    std::vector<double> latency = x.job_wall_ms;
    lat.latency_ms.insert(lat.latency_ms.end(), latency.begin(), latency.end());
    std::sort(latency.begin(), latency.end());
    r.metrics["latency_p50_ms"] = percentile_sorted(latency, 0.50);
    r.metrics["latency_p90_ms"] = percentile_sorted(latency, 0.90);
    r.metrics["latency_p99_ms"] = percentile_sorted(latency, 0.99);
    r.metrics["latency_max_ms"] = latency.empty() ? no_value : latency.back();
    for (auto& [cls, n] : x.errors) r.errors[cls] = n;
    if (x.timed_out)
        r.status = "error: the worker ran past " + format_number(ec.timeout_s) + " s and was stopped";
    else if (x.exit_status != 0)
        r.status = "error: the worker exited with status " + std::to_string(x.exit_status);
    else if (x.ok == 0)
        r.status = "error: no job succeeded";
}

// intake=amqp: the private broker, the publisher and the worker (in this process, or a fleet of processes).
void run_amqp_worker(run_context& ctx, const scenario& def, const configuration& c, std::size_t config_index, int rep,
                     const std::string& url, const calibration& cal, rep_result& r, latency_series& lat) {
    amqp_run_options a;
    a.worker = worker_config_for(c, url, ctx.worker_cpu, cal);
    auto* corpus = ctx.corpora.corpus(c.get(axis::corpus));
    const auto formats = data::format_set::parse(c.get(axis::formats));
    for (auto& f : corpus->feeds)
        if (formats.contains(f.format)) a.ids.push_back(f.id);
    if (a.ids.empty()) throw std::invalid_argument("no feed of formats " + c.get(axis::formats) + " in the corpus");
    a.worker.formats = "all";  // the jobs are the published ids
    a.jobs = a.worker.jobs;
    a.processes = static_cast<unsigned>(std::stoul(c.get(axis::processes)));
    a.publish_rate = std::atof(c.get(axis::publish).c_str());
    a.incident = c.get(axis::incident);
    a.dir = ctx.dir / "amqp" / (def.id + "-" + std::to_string(config_index + 1) + "-" + std::to_string(rep));
    if (a.processes > 1 || a.incident == "worker-kill") fs::create_directories(a.dir);
    a.feedworker = ctx.opt.feedworker;
    a.progress = [&](std::size_t d, std::size_t t) { ctx.meter.jobs(d, t); };
    auto res = run_amqp(a, ctx.broker);
    r.metrics.insert(res.metrics.begin(), res.metrics.end());
    if (res.in_process) {
        auto& s = res.in_process->summary;
        r.metrics.insert({{"jobs_done", double(s.jobs)},
                          {"ok", double(s.ok)},
                          {"failed", double(s.failed)},
                          {"wall_s", s.wall_s},
                          {"cpu_s", s.cpu_s},
                          {"cpu_util", s.cpu_util}});
        fill_job_metrics(r, s, res.in_process->records, lat);
        if (rep == 1)
            worker::write_jobs_csv(
                (ctx.dir / "jobs" / (def.id + "-" + std::to_string(config_index + 1) + ".csv")).string(), a.worker,
                res.in_process->records);
    }
    r.errors = res.errors;
    r.status = res.status;
    if (r.status.empty() && r.get("ok") == 0) r.status = "error: no job succeeded";
}

// Jobs of a traced run: enough receive calls for the verdict, few enough that ptrace's cost stays bearable.
constexpr unsigned diag_jobs = 10;

// One extra run of an external configuration under feeddiag: its verdict and receive sizes go to the first
// repetition's row, the histogram to the report. A machine that cannot trace gets the reason instead.
void diagnose_external(run_context& ctx, const scenario& def, const configuration& c, std::size_t config_index,
                       const std::string& url, rep_result& r, scenario_outcome& o) {
    auto stem = def.id + "-" + std::to_string(config_index + 1);
    auto dir = ctx.dir / "diag" / stem;
    auto ec = external_config_for(def, c, url, -1, dir / "worker");
    ec.jobs = std::min(ec.jobs, diag_jobs);
    fs::create_directories(ec.out_dir);
    // The contract's variables through env(1), stdout to a file through sh: each execs the next, so the traced
    // process is the worker itself.
    diag::trace_options t;
    t.command = {"/bin/sh",
                 "-c",
                 "e=$1; shift; exec \"$@\" > \"$0\" 2> \"$e\"",
                 (ec.out_dir / "worker.stdout").string(),
                 (ec.out_dir / "worker.stderr").string(),
                 "env"};
    for (auto& [k, v] : external::worker_environment(ec)) t.command.push_back(k + "=" + v);
    for (auto& a : ec.command) t.command.push_back(a);
    std::string what = replace_char(c.label, ';', ' ');
    try {
        std::atomic<bool> stop{false};
        auto d = diag::run_trace(t, stop);
        if (d.exit_status.value_or(0) != 0)
            throw std::runtime_error("the traced worker exited with status " + std::to_string(*d.exit_status));
        write_text(dir / "diag.json", diag::json_report(d));
        auto tsv = dir / "recv_sizes.tsv";
        write_text(tsv, diag::recv_sizes_tsv(d));
        auto kind = d.result.kind;
        r.metrics["diag_tiny_reads"] = kind == diag::verdict_kind::tiny_reads ? 1 : 0;
        r.metrics["diag_waiting_in_reads"] = kind == diag::verdict_kind::waiting_in_reads ? 1 : 0;
        r.metrics["diag_healthy"] = kind == diag::verdict_kind::healthy ? 1 : 0;
        auto recv = diag::summarize(d.counts);
        r.metrics["recv_p50_bytes"] = static_cast<double>(recv.p50);
        r.metrics["recv_calls_per_job"] = static_cast<double>(recv.calls) / ec.jobs;
        o.diagnoses.push_back(what + ": " + diag::to_string(kind) + " (" + d.backend + ", " + std::to_string(ec.jobs) +
                              " jobs): " + d.result.reason);
        plot_result p;
        p.spec.kind = "recv_sizes";
        p.spec.name = def.id + "_recv_sizes_" + std::to_string(config_index + 1);
        p.title = def.id + " bytes per socket receive call: " + what + " (" + diag::to_string(kind) + ")";
        p.data = fs::relative(tsv, ctx.dir);
        auto made = render_plot(ctx.plots, "recv_sizes", ctx.dir / p.spec.name,
                                {{"data", tsv.string()}, {"title", p.title}, {"subtitle", ctx.subtitle}});
        p.ok = made.ok;
        p.error = made.error;
        if (!made.png.empty()) p.png = made.png.filename();
        if (!made.svg.empty()) p.svg = made.svg.filename();
        o.extra_plots.push_back(std::move(p));
    } catch (const std::exception& e) {
        o.diagnoses.push_back(what + ": not diagnosed: " + e.what());
    }
}

// One repetition of one configuration of a scenario. Never throws: a configuration that cannot run here is
// "n/a: why", one that failed "error: why".
rep_result run_one(run_context& ctx, const scenario& def, const configuration& c, std::size_t config_index, int rep,
                   const calibration& cal, latency_series& lat) {
    rep_result r;
    r.config = c;
    r.rep = rep;
    try {
        if (def.runner == runner_kind::parse_memory) {
            auto* corpus = ctx.corpora.corpus(c.get(axis::corpus));
            if (!corpus)
                r.status = corpus_absent_status(c.get(axis::corpus));
            else
                run_parse_memory(c, *corpus, ctx.worker_cpu, r, lat);
            return r;
        }
        auto url = ctx.corpora.url(c.get(axis::corpus));
        if (url.empty()) {
            r.status = ctx.corpora.absent(c.get(axis::corpus));
            return r;
        }
        if (!external_name(c.get(axis::client)).empty()) {
            run_external_worker(ctx, def, c, config_index, rep, url, r, lat);
            return r;
        }
        if (c.get(axis::intake) == "amqp") {
            run_amqp_worker(ctx, def, c, config_index, rep, url, cal, r, lat);
            return r;
        }
        auto cfg = worker_config_for(c, url, ctx.worker_cpu, cal);
        auto result = worker::run(cfg, [&](std::size_t d, std::size_t t) { ctx.meter.jobs(d, t); });
        auto& s = result.summary;
        r.metrics.insert({{"jobs_done", double(s.jobs)},
                          {"ok", double(s.ok)},
                          {"failed", double(s.failed)},
                          {"wall_s", s.wall_s},
                          {"cpu_s", s.cpu_s},
                          {"jobs_per_s", s.jobs_per_s},
                          {"cpu_util", s.cpu_util}});
        auto pool = cfg.pool.size;
        auto& q = c.get(axis::query);
        if (q.find("{dry_rate}") != std::string::npos)
            r.metrics["calibrated_rate"] = calibrated_value(cal, "dry_rate", pool).value;
        if (q.find("{wait_ms}") != std::string::npos)
            r.metrics["calibrated_wait_ms"] = calibrated_value(cal, "wait_ms", pool).value;
        fill_job_metrics(r, s, result.records, lat);
        r.errors = s.errors;
        for (auto& j : result.records)
            if (!j.ok && r.failed_feeds.size() < 3 &&
                std::find(r.failed_feeds.begin(), r.failed_feeds.end(), j.feed) == r.failed_feeds.end())
                r.failed_feeds.push_back(j.feed);
        if (s.ok == 0) r.status = "error: no job succeeded";
        if (rep == 1)
            worker::write_jobs_csv(
                (ctx.dir / "jobs" / (def.id + "-" + std::to_string(config_index + 1) + ".csv")).string(), cfg,
                result.records);
    } catch (const std::invalid_argument& e) {
        r.status = std::string("n/a: ") + e.what();
    } catch (const std::exception& e) {
        r.status = std::string("error: ") + e.what();
    }
    return r;
}

// A scenario whose queries name calibrated values measures the machine first, on its own corpus.
calibration calibrate_if_needed(run_context& ctx, const planned& p) {
    auto needing =
        std::find_if(p.configs.begin(), p.configs.end(), [](auto& c) { return needs_calibration(c.get(axis::query)); });
    if (needing == p.configs.end()) return {};
    calibration cal;
    auto url = ctx.corpora.url(needing->get(axis::corpus));
    if (url.empty()) {
        cal.measured = true;
        cal.error = "no server for corpus " + needing->get(axis::corpus);
    } else {
        cal = measure_calibration(url, ctx.worker_cpu);
    }
    if (ctx.opt.log_lines) {
        ctx.meter.clear();
        std::cerr << "[repro] " << p.def.id << " calibration: " << describe(cal) << "\n";
    }
    return cal;
}

bool is_diagnosed(const scenario& def, const configuration& c) {
    return !external_name(c.get(axis::client)).empty() &&
           std::any_of(def.diagnose.begin(), def.diagnose.end(), [&](auto& sel) { return sel.matches(c); });
}

// Every configuration of one scenario, repeated. Repetitions interleave (every configuration once, then
// again), so a change in machine load spreads over all configurations instead of biasing the ones that
// happened to run during it.
scenario_outcome run_scenario(run_context& ctx, const planned& p, std::size_t index, std::size_t count, int repeat,
                              unsigned cores) {
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
        o.seconds = seconds_since(scenario_start);
        return o;
    }
    o.ran = true;
    if (ctx.opt.log_lines) {
        ctx.meter.clear();
        std::cerr << "[repro] " << p.def.id << " " << p.def.title << ": " << p.configs.size() << " configurations x "
                  << scenario_repeat(p.def, repeat) << " (at least " << min_reps_few_jobs << " under "
                  << min_jobs_for_spread << " jobs), warm-up runs first where they apply\n";
    }
    o.cal = calibrate_if_needed(ctx, p);
    for (auto& c : p.configs) o.latencies.push_back({c.label, {}});
    std::vector<bool> not_applicable(p.configs.size(), false);
    int most = 0;
    for (auto& c : p.configs) most = std::max(most, repetitions_for(p.def, c, repeat));
    for (int k = 1; k <= most; ++k) {
        for (std::size_t ci = 0; ci < p.configs.size(); ++ci) {
            auto& c = p.configs[ci];
            const int reps = repetitions_for(p.def, c, repeat);
            if (not_applicable[ci] || k > reps) continue;  // no point repeating; or its repetitions are done
            auto what = "[" + p.def.id + " " + std::to_string(index + 1) + "/" + std::to_string(count) + "] config " +
                        std::to_string(ci + 1) + "/" + std::to_string(p.configs.size()) + " " +
                        replace_char(c.label, ';', ' ');
            // The warm-up: unmeasured, its rows and latencies dropped.
            if (k == 1 && is_warmed_up(c)) {
                auto w = warmup_of(c);
                latency_series dropped;
                ctx.meter.begin_run(cost_guess(p.def, w), what + " warm-up");
                (void)run_one(ctx, p.def, w, ci, 0, o.cal, dropped);
                ctx.meter.end_run();
            }
            double load = note_load();
            ctx.meter.begin_run(cost_guess(p.def, c), what + " rep " + std::to_string(k) + "/" + std::to_string(reps));
            auto r = run_one(ctx, p.def, c, ci, k, o.cal, o.latencies[ci]);
            r.metrics["load_average"] = load;
            if (k == 1 && r.status.empty() && is_diagnosed(p.def, c)) {
                ctx.meter.clear();
                diagnose_external(ctx, p.def, c, ci, ctx.corpora.url(c.get(axis::corpus)), r, o);
            }
            if (ctx.opt.predict) r.metrics["predicted_jobs_per_s"] = ctx.opt.predict(c, r);
            ctx.meter.end_run();
            not_applicable[ci] = r.status.rfind("n/a", 0) == 0;
            o.reps.push_back(std::move(r));
        }
    }
    note_load();
    o.seconds = seconds_since(scenario_start);
    return o;
}

// The spread note: the widest jobs/s spread and every outlier repetition, from the summaries.
std::string spread_note(const run_report& rep) {
    std::string widest, outliers;
    double most = -1;
    for (auto& o : rep.scenarios)
        for (std::size_t i = 0; i < o.summary.size(); ++i) {
            auto it = o.summary[i].metrics.find("jobs_per_s");
            if (it == o.summary[i].metrics.end()) continue;
            auto& sp = it->second;
            auto name = o.def.id + " " + replace_char(o.summary[i].config.label, ';', ' ');
            if (!std::isnan(sp.spread_pct) && sp.spread_pct > most) {
                most = sp.spread_pct;
                widest = name + " (" + format_number(sp.spread_pct) + "%)";
            }
            for (int r : sp.outlier_reps)
                outliers += (outliers.empty() ? "" : ", ") + name + " rep " + std::to_string(r);
        }
    return "Spread: each configuration's <metric>_spread_pct in <id>_summary.csv is the scaled median absolute "
           "deviation of its repetitions as % of their median; <metric>_outliers counts repetitions more than 3 "
           "scaled MADs from the median (flagged from 5 repetitions on). jobs/s: widest spread " +
           (widest.empty() ? std::string("-") : widest) + "; outliers: " + (outliers.empty() ? "none" : outliers) +
           ". Long format of every value: results.json.";
}

// The run's notes, meta.json, REPORT.md, index.html, results/latest and what CI fails on.
void finalize(run_result& out, const runner_options& opt, const run_plan& plan, double load_start, unsigned cores) {
    auto& rep = out.report;
    if (!opt.server_url.empty()) rep.notes.push_back("Measured against an external server: " + opt.server_url);
    double load_end = load_average();
    rep.notes.push_back(
        "Load average (1 min) " + format_number(load_start) + " at the start, " + format_number(load_end) +
        " at the end, on " + std::to_string(cores) + " cores" +
        (std::max(load_start, load_end) > double(cores) * 0.75
             ? ": other processes competed for the cores, so expect noisier numbers (see the min–max ranges)."
             : "."));

    rep.notes.push_back(
        "Warm-up: before each configuration's first measured repetition, one unmeasured run of a "
        "tenth of its jobs (1 to " +
        std::to_string(warmup_jobs_max) +
        "); external workers and AMQP configurations are not warmed up (each repetition starts "
        "fresh processes and queues).");
    rep.notes.push_back("Repetitions: " + std::to_string(plan.repeat) +
                        " per configuration; a configuration with fewer "
                        "than " +
                        std::to_string(min_jobs_for_spread) + " jobs per repetition runs at least " +
                        std::to_string(min_reps_few_jobs) + ", so its spread means something.");
    rep.notes.push_back(spread_note(rep));
    std::vector<scenario_reps> long_rows;
    for (auto& o : rep.scenarios)
        if (o.ran) long_rows.push_back({o.def.id, &o.reps});
    write_results_json(out.dir / "results.json", long_rows);

    std::vector<std::pair<std::string, std::string>> config{{"matrix", opt.full ? "full" : "quick"},
                                                            {"repeat", std::to_string(plan.repeat)},
                                                            {"server", rep.server},
                                                            {"pinning", rep.pinning},
                                                            {"shared_corpus", plan.shared.string()},
                                                            {"run_seconds", format_number(rep.seconds)},
                                                            {"load_average_start", format_number(load_start)},
                                                            {"load_average_end", format_number(load_end)}};
    std::string ids;
    for (auto& o : rep.scenarios) ids += (ids.empty() ? "" : ",") + o.def.id;
    config.emplace_back("scenarios", ids);
    for (auto& o : rep.scenarios) config.emplace_back("verdict_" + o.def.id, std::string(to_string(o.result.kind)));
    meta::write_json((out.dir / "meta.json").string(), rep.meta, config);
    write_report(rep, out.dir);
    update_latest(opt.results_root, out.dir);
    out.ci_failures = ci_failures(rep);
}

}  // namespace

fs::path default_shared_corpus() {
    if (const char* env = std::getenv("FEEDBENCH_SHARED_CORPUS"); env && *env) return env;
    return FEEDBENCH_DEFAULT_SHARED_CORPUS;
}

run_result run_reproduction(const runner_options& opt) {
    auto plan = make_plan(opt);

    run_result out;
    auto& rep = out.report;
    rep.meta = meta::collect();
    rep.run_id = meta::make_run_id(rep.meta);
    rep.machine = meta::short_machine(rep.meta);
    rep.full = opt.full;
    rep.repeat = plan.repeat;
    rep.command = opt.command;
    out.dir = opt.out_dir.empty() ? opt.results_root / rep.run_id : opt.out_dir;
    fs::create_directories(out.dir);
    fs::create_directories(out.dir / "jobs");

    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    bool pin = cores >= 2;
    if (!pin)
        rep.pinning = "One core: server and worker share it (no pinning).";
    else if (opt.server_url.empty())
        rep.pinning = "Feed server pinned to core 0, worker to core 1 (" + std::to_string(cores) + " cores).";
    else
        rep.pinning = "Worker pinned to core 1 (" + std::to_string(cores) +
                      " cores); the external server is not pinned by feedrepro.";
    rep.server = opt.server_url.empty()
                     ? "in-process feed server per corpus (synthetic: 50 feeds x rss/atom/jsonfeed, seed 2012)"
                     : opt.server_url + " (external; the corpus axis is ignored)";

    double load_start = load_average();
    auto plots = detect_gnuplot(opt.scripts_dir);
    progress_meter meter(opt.progress    ? worker::progress_mode::live
                         : opt.heartbeat ? worker::progress_mode::heartbeat
                                         : worker::progress_mode::off,
                         plan.cost);
    corpus_cache corpora(plan.shared, opt.server_url, pin ? 0 : -1);
    private_broker broker(opt.broker_script, opt.broker_port ? opt.broker_port : default_broker_port());
    run_context ctx{opt,   corpora, meter, out.dir, pin ? 1 : -1, plots, rep.machine + ", commit " + rep.meta.commit,
                    broker};
    auto run_start = clock_type::now();
    for (std::size_t si = 0; si < plan.scenarios.size(); ++si) {
        auto o = run_scenario(ctx, plan.scenarios[si], si, plan.scenarios.size(), plan.repeat, cores);
        finish_scenario(o, out.dir, plots, rep.machine, rep.meta.commit);
        if (opt.log_lines) {
            meter.clear();
            std::cerr << "[repro] " << o.def.id << ": " << o.result.line << " (" << format_number(o.seconds) << " s)\n";
        }
        rep.scenarios.push_back(std::move(o));
    }
    meter.clear();
    corpora.stop_servers();
    rep.seconds = seconds_since(run_start);
    finalize(out, opt, plan, load_start, cores);
    return out;
}

}  // namespace feedbench::scenarios
