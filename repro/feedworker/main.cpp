// feedworker: runs the worker (the system under test) once and prints the summary and the profiler view.
#include "repro/cli/cli.hpp"
#include "repro/harness/feed_server.hpp"
#include "repro/worker/progress.hpp"
#include "repro/worker/run.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <stdexcept>

namespace cli = feedbench::cli;
namespace core = feedbench::core;
namespace w = feedbench::worker;

int main(int argc, char** argv) {
    CLI::App app;
    cli::describe(
        app, {"feedworker: fetch and parse feeds with exact read sizes on a cooperative pool, and profile every stage.",
              "feedworker [--server URL | --corpus synthetic|DIR] [--client beast|curl|memory] [--read-size N] "
              "[--consume eager|lazy] [--yield would-block|always] [--pool N|threads:N] [--charset content|text] "
              "[--jobs N] [--out DIR] [--read-timeout-ms MS] [--max-body BYTES] [--job-deadline-ms MS]",
              "feedworker --pool 20 --consume lazy --read-size 1 --jobs 500 --out results/lazy1",
              "Limits, each a job failure with its own error class: --max-body (too-large), --job-deadline-ms\n"
              "  (deadline), entity expansion past 10x the document + 1 MiB (amplification, fixed).\n"
              "Exit status: 0 ok, 1 the run failed (every job failed, or a job went unaccounted), 2 bad arguments."});
    w::worker_config cfg;
    app.add_option("--server", cfg.server_url,
                   "feed server base URL, e.g. http://127.0.0.1:8080 (default: an embedded server)");
    app.add_option("--corpus", cfg.corpus, "embedded server's corpus: synthetic or a folder")->capture_default_str();
    cli::add_setting(app, "--client", cfg.client, core::parse_client, core::client_words.usage(), "HTTP client");
    cli::add_setting(app, "--read-size", cfg.reads, core::read_size::parse, std::string(core::read_size::usage),
                     "most bytes one recv may ask for");
    cli::add_setting(app, "--consume", cfg.consume, core::parse_consume, core::consume_words.usage(),
                     "eager (read the body, then parse) or lazy (the parser pulls the body)");
    cli::add_setting(app, "--yield", cfg.yield, core::parse_yield, core::yield_words.usage(),
                     "would-block (wait on EAGAIN only) or always (every read through the loop)");
    cli::add_setting(app, "--pool", cfg.pool, core::pool_spec::parse, std::string(core::pool_spec::usage),
                     "N coroutines on one thread, or threads:N");
    cli::add_setting(app, "--charset", cfg.charset, core::parse_charset, core::charset_words.usage(),
                     "content (raw bytes) or text (detect + transcode to UTF-8)");
    app.add_option("--jobs", cfg.jobs, "job count (0 = one per manifest entry)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{100'000'000}))
        ->capture_default_str();
    app.add_option("--out", cfg.out_dir, "write jobs.csv, summary.csv, meta.json here");
    app.add_option("--query", cfg.query, "appended to every feed URL, e.g. rate=2000000&delay=0-20");
    app.add_option("--formats", cfg.formats, "manifest formats that become jobs (joined with '+', or all)")
        ->capture_default_str();
    app.add_option("--feeds", cfg.corpus_feeds, "synthetic corpus: distinct feeds")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
        ->capture_default_str();
    app.add_option("--seed", cfg.corpus_seed, "synthetic corpus: seed")->capture_default_str();
    app.add_option("--cpu", cfg.cpu, "pin the worker thread(s) to this core, then the next (-1 = no pinning)")
        ->check(CLI::Range(-1, 4095))
        ->capture_default_str();
    app.add_option("--server-cpu", cfg.server_cpu, "pin the embedded feed server to this core (-1 = no pinning)")
        ->check(CLI::Range(-1, 4095))
        ->capture_default_str();
    app.add_option("--intake", cfg.intake, "embedded or amqp://HOST:PORT/QUEUE")
        ->check(cli::parsed_by(core::parse_intake, std::string(core::intake_usage)))
        ->capture_default_str();
    cli::add_setting(app, "--amqp", cfg.amqp_mode, core::parse_amqp_mode, core::amqp_mode_words.usage(),
                     "AMQP intake: get (basic.get polling) or consume (basic.qos prefetch)");
    app.add_option("--prefetch", cfg.prefetch, "AMQP consume: prefetch window")
        ->check(CLI::Range(std::size_t{1}, std::size_t{65'535}))
        ->capture_default_str();
    app.add_option("--read-timeout-ms", cfg.read_timeout_ms,
                   "no byte for this long while waiting -> error class timeout")
        ->check(CLI::Range(1u, 3'600'000u))
        ->capture_default_str();
    app.add_option("--max-body", cfg.max_body,
                   "limit: body bytes, as declared by Content-Length or as received (67108864 = 64 MiB; "
                   "suffixes k, m, g = KiB, MiB, GiB) -> error class too-large")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    app.add_option("--job-deadline-ms", cfg.job_deadline_ms,
                   "limit: a job still connecting, waiting or reading this long after its connect began -> error class "
                   "deadline (0 = none)")
        ->check(CLI::Range(0u, 86'400'000u))
        ->capture_default_str();
    bool quiet = false;
    app.add_flag("--quiet", quiet, "print the summary only: no progress line or heartbeat on stderr, no profiler view");
    if (auto code = cli::parse(app, argc, argv)) return *code;

    try {
        // Progress on stderr: a live line on a terminal, a heartbeat every 5 s elsewhere.
        auto seconds = [] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
        };
        w::progress_reporter progress(w::choose_progress_mode(quiet, ::isatty(STDERR_FILENO)), seconds());
        const auto out = feedbench::harness::run_worker(cfg, [&](std::size_t done, std::size_t total) {
            if (auto line = progress.update(seconds(), done, total)) std::cerr << *line << std::flush;
        });
        std::cerr << progress.finish() << std::flush;
        std::cout << w::summary_table(out.summary);
        if (!quiet) std::cout << '\n' << w::profiler_view(out.summary);
        if (!cfg.out_dir.empty())
            std::cout << "wrote " << (cfg.out_dir / "jobs.csv").string() << ", summary.csv, meta.json\n";
        if (out.summary.ok + out.summary.failed != out.summary.jobs)
            return cli::fail(app,
                             fmt::format("{} of {} jobs unaccounted for",
                                         out.summary.jobs - out.summary.ok - out.summary.failed, out.summary.jobs),
                             cli::exit_failed);
        if (out.summary.jobs > 0 && out.summary.ok == 0)
            return cli::fail(
                app, fmt::format("every job failed ({} of {}): the run failed", out.summary.failed, out.summary.jobs),
                cli::exit_failed);
        return cli::exit_ok;
    } catch (const std::invalid_argument& e) {
        return cli::fail(app, e.what(), cli::exit_bad_arguments);
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_failed);
    }
}
