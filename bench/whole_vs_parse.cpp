// bench_whole_vs_parse: whole-body eager jobs/s at pool 20 beside the parse-only rate on the same bodies,
// on the same core, in one run. The worker runs against an embedded feed server (server on one core,
// worker on another); then this thread moves to the worker's core and parses, in the run's job order, the
// bodies of the jobs that ran (parse_eager, as the eager path does) until at least --parse-seconds have
// passed. The ratio says what a job costs beyond its parse (HTTP, the accounting, the scheduler). Last,
// the same jobs through the worker with --client memory (S12's baseline): every stage but the socket's.
#include "data/corpus.hpp"
#include "repro/cli/cli.hpp"
#include "repro/core/stage.hpp"
#include "repro/harness/feed_server.hpp"
#include "repro/parse/feed_parser.hpp"
#include "repro/sched/job_meter.hpp"
#include "repro/sched/pool.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace fb = feedbench;

namespace {

struct body_ref {
    std::string_view body, content_type;
};

struct parse_only_rate {
    double jobs_per_s = 0;      // wall
    double cpu_us_per_job = 0;  // this thread's CPU
};

// parse_eager alone over `bodies` in order, repeated until `seconds` have passed: jobs per second of wall,
// and thread CPU per job.
parse_only_rate parse_only(const std::vector<body_ref>& bodies, double seconds) {
    using clock = std::chrono::steady_clock;
    std::size_t jobs = 0, items = 0;
    auto const start = clock::now();
    std::int64_t const cpu_start = fb::sched::thread_cpu_now_ns();
    double elapsed = 0;
    do {
        for (auto const& b : bodies) items += fb::parse::parse_eager(b.body, b.content_type).items;
        jobs += bodies.size();
        elapsed = std::chrono::duration<double>(clock::now() - start).count();
    } while (elapsed < seconds);
    double const cpu_us = static_cast<double>(fb::sched::thread_cpu_now_ns() - cpu_start) / 1e3;
    if (items == 0) fmt::print(stderr, "note: no items parsed\n");
    return {static_cast<double>(jobs) / elapsed, cpu_us / static_cast<double>(jobs)};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app;
    fb::cli::describe(
        app,
        {"bench_whole_vs_parse: whole-body eager pool-20 jobs/s vs the parse-only rate on the same bodies, same "
         "core, one run",
         "bench_whole_vs_parse [--corpus synthetic|DIR] [--jobs N] [--pool N] [--cpu C] [--server-cpu C] "
         "[--parse-seconds S]",
         "bench_whole_vs_parse --corpus \"$FEEDBENCH_SHARED_CORPUS/feeds-2012\" --jobs 2000 --cpu 1 --server-cpu 0",
         ""});
    fb::worker::worker_config cfg;
    cfg.cpu = 1;
    cfg.server_cpu = 0;
    cfg.jobs = 2000;
    double parse_seconds = 1.0;
    double target = 0.8;
    std::size_t pool = 20;
    app.add_option("--corpus", cfg.corpus, "synthetic or a folder (e.g. the shared corpus's feeds-2012)")
        ->capture_default_str();
    app.add_option("--feeds", cfg.corpus_feeds, "synthetic corpus: distinct feeds")->capture_default_str();
    app.add_option("--formats", cfg.formats, "manifest formats that become jobs")->capture_default_str();
    app.add_option("--jobs", cfg.jobs, "jobs in the worker run")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))
        ->capture_default_str();
    app.add_option("--pool", pool, "coroutines on the worker thread")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
        ->capture_default_str();
    app.add_option("--cpu", cfg.cpu, "the worker's core, then the parse-only loop's (-1 = no pinning)")
        ->check(CLI::Range(-1, 4095))
        ->capture_default_str();
    app.add_option("--server-cpu", cfg.server_cpu, "the embedded feed server's core (-1 = no pinning)")
        ->check(CLI::Range(-1, 4095))
        ->capture_default_str();
    app.add_option("--parse-seconds", parse_seconds, "least time the parse-only loop runs")
        ->check(CLI::Range(0.001, 3600.0))
        ->capture_default_str();
    app.add_option("--target", target, "the ratio asked for (printed beside it)")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    if (auto code = fb::cli::parse(app, argc, argv)) return *code;
    cfg.pool = fb::core::pool_spec{};
    cfg.pool.size = pool;
    cfg.consume = fb::core::consume_mode::eager;
    cfg.reads = fb::core::read_size{};

    try {
        auto const out = fb::harness::run_worker(cfg);
        auto const& s = out.summary;
        fb::data::synthetic_options opt;
        opt.feeds = cfg.corpus_feeds;
        opt.seed = cfg.corpus_seed;
        auto const corpus = fb::data::load_corpus(cfg.corpus, opt);
        std::vector<body_ref> bodies;
        for (auto const& r : out.records)
            if (const fb::data::feed* f = corpus.find_by_id(r.feed); f != nullptr)
                bodies.push_back({f->body, f->content_type});
        if (bodies.empty()) {
            return fb::cli::fail(app, "no job's body found in the corpus", fb::cli::exit_failed);
        }
        if (cfg.cpu >= 0 && !fb::sched::pin_this_thread(cfg.cpu))
            fmt::print(stderr, "note: could not pin to core {}\n", cfg.cpu);
        auto const po = parse_only(bodies, parse_seconds);
        double const ratio = s.jobs_per_s / po.jobs_per_s;
        // The same jobs through the worker with --client memory: every stage but the socket's.
        auto mem_cfg = cfg;
        mem_cfg.client = fb::core::client_kind::memory;
        auto const mem = fb::harness::run_worker(mem_cfg).summary;
        fmt::print("corpus {} ({} jobs, {} ok, {} failed), worker core {}, server core {}\n", corpus.name, s.jobs, s.ok,
                   s.failed, cfg.cpu, cfg.server_cpu);
        fmt::print("whole_eager_pool{}_jobs_s {:.0f}\n", pool, s.jobs_per_s);
        fmt::print("parse_only_jobs_s {:.0f}\n", po.jobs_per_s);
        // The per-job budget, stage by stage (the stage clock's thread CPU and wall, averaged over the run).
        double const jobs = static_cast<double>(std::max<std::size_t>(s.jobs, 1));
        fmt::print("per job, us:    {:>8} {:>8}\n", "cpu", "wall");
        double cpu_sum = 0;
        for (std::size_t i = 0; i < fb::core::stage_count; ++i) {
            auto const& st = s.stages[i];
            if (st.wall_total_us == 0 && st.cpu_total_us == 0) continue;
            cpu_sum += st.cpu_total_us / jobs;
            fmt::print("  {:<12}  {:>8.1f} {:>8.1f}\n", fb::core::stage_names[i], st.cpu_total_us / jobs,
                       st.wall_total_us / jobs);
        }
        fmt::print("  {:<12}  {:>8.1f}\n", "stages", cpu_sum);
        fmt::print("  {:<12}  {:>8.1f}  (worker thread CPU / jobs)\n", "thread", s.cpu_s * 1e6 / jobs);
        fmt::print("  {:<12}  {:>8.1f} {:>8.1f}  (the parse-only loop)\n", "parse only", po.cpu_us_per_job,
                   1e6 / po.jobs_per_s);
        // jobs/s is the target's measure; on a loaded machine (other processes on these cores) wall rates
        // are distorted, and the CPU ratio says what share of a job's CPU is its parse.
        double const cpu_ratio = po.cpu_us_per_job / (s.cpu_s * 1e6 / jobs);
        fmt::print("cpu: parse-only / worker thread per job = {:.3f}\n", cpu_ratio);
        fmt::print("whole/parse-only = {:.3f} (target >= {}): {}\n", ratio, target, ratio >= target ? "pass" : "below");
        fmt::print("memory_client_jobs_s {:.0f} (cpu {:.1f} us/job)\n", mem.jobs_per_s,
                   mem.cpu_s * 1e6 / static_cast<double>(std::max<std::size_t>(mem.jobs, 1)));
        fmt::print("whole/memory client = {:.3f}, cpu: memory / whole per job = {:.3f}\n",
                   s.jobs_per_s / mem.jobs_per_s,
                   (mem.cpu_s / static_cast<double>(std::max<std::size_t>(mem.jobs, 1))) / (s.cpu_s / jobs));
    } catch (const std::exception& e) {
        return fb::cli::fail(app, e.what(), fb::cli::exit_failed);
    }
    return 0;
}
