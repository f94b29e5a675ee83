// feedworker: runs the worker (the system under test) once and prints the summary and the profiler view.
#include "repro/harness/feed_server.hpp"
#include "repro/worker/run.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace core = feedbench::core;
namespace w = feedbench::worker;

int main(int argc, char** argv) {
    CLI::App app{"feedworker: fetch and parse feeds with exact read sizes on a cooperative pool, and profile every stage.\n"
                 "Usage: feedworker [--server URL | --corpus synthetic|DIR] [--client beast|curl] [--read-size N]\n"
                 "  [--consume eager|lazy] [--yield would-block|always] [--pool N|threads:N] [--charset content|text]\n"
                 "  [--jobs N] [--out DIR] [--read-timeout-ms MS] [--max-body BYTES] [--job-deadline-ms MS]\n"
                 "Limits, each a job failure with its own error class: --max-body (too-large), --job-deadline-ms\n"
                 "  (deadline), entity expansion past 10x the document + 1 MiB (amplification, fixed).\n"
                 "Example: feedworker --pool 20 --consume lazy --read-size 1 --jobs 500 --out results/lazy1"};
    w::worker_config cfg;
    std::string client = "beast", read_size = "whole", consume = "eager", yield = "would-block", pool = "1", charset = "content",
                amqp_mode = "consume";
    app.add_option("--server", cfg.server_url, "feed server base URL, e.g. http://127.0.0.1:8080 (default: an embedded server)");
    app.add_option("--corpus", cfg.corpus, "embedded server's corpus: synthetic or a folder")->capture_default_str();
    app.add_option("--client", client, "HTTP client: beast or curl")->capture_default_str();
    app.add_option("--read-size", read_size, "most bytes one recv may ask for: 1, 10k, 500k, whole or N")->capture_default_str();
    app.add_option("--consume", consume, "eager (read the body, then parse) or lazy (the parser pulls the body)")->capture_default_str();
    app.add_option("--yield", yield, "would-block (wait on EAGAIN only) or always (every read through the loop)")->capture_default_str();
    app.add_option("--pool", pool, "N coroutines on one thread, or threads:N")->capture_default_str();
    app.add_option("--charset", charset, "content (raw bytes) or text (detect + transcode to UTF-8)")->capture_default_str();
    app.add_option("--jobs", cfg.jobs, "job count (0 = one per manifest entry)")->capture_default_str();
    app.add_option("--out", cfg.out_dir, "write jobs.csv, summary.csv, meta.json here");
    app.add_option("--query", cfg.query, "appended to every feed URL, e.g. rate=2000000&delay=0-20");
    app.add_option("--formats", cfg.formats, "manifest formats that become jobs (joined with '+', or all)")->capture_default_str();
    app.add_option("--feeds", cfg.corpus_feeds, "synthetic corpus: distinct feeds")->capture_default_str();
    app.add_option("--seed", cfg.corpus_seed, "synthetic corpus: seed")->capture_default_str();
    app.add_option("--cpu", cfg.cpu, "pin the worker thread(s) to this core, then the next (-1 = no pinning)")->capture_default_str();
    app.add_option("--server-cpu", cfg.server_cpu, "pin the embedded feed server to this core (-1 = no pinning)")->capture_default_str();
    app.add_option("--intake", cfg.intake, "embedded or amqp://HOST:PORT/QUEUE")->capture_default_str();
    app.add_option("--amqp", amqp_mode, "AMQP intake: get (basic.get polling) or consume (basic.qos prefetch)")
        ->check(CLI::IsMember({"get", "consume"}))
        ->capture_default_str();
    app.add_option("--prefetch", cfg.prefetch, "AMQP consume: prefetch window")->capture_default_str();
    app.add_option("--read-timeout-ms", cfg.read_timeout_ms, "no byte for this long while waiting -> error class timeout")
        ->capture_default_str();
    app.add_option("--max-body", cfg.max_body,
                   "limit: body bytes, as declared by Content-Length or as received (67108864 = 64 MiB; "
                   "suffixes k, m, g = KiB, MiB, GiB) -> error class too-large")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    app.add_option("--job-deadline-ms", cfg.job_deadline_ms,
                   "limit: a job still connecting, waiting or reading this long after its connect began -> error class "
                   "deadline (0 = none)")
        ->capture_default_str();
    bool quiet = false;
    app.add_flag("--quiet", quiet, "print the summary only, not the profiler view");
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {   // --help
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;   // bad arguments
    }

    try {
        auto flag = [](const char* name, auto parse) {
            try {
                return parse();
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(std::string(name) + ": " + e.what());
            }
        };
        cfg.client = flag("--client", [&] { return core::parse_client(client); });
        cfg.reads = flag("--read-size", [&] { return core::read_size::parse(read_size); });
        cfg.consume = flag("--consume", [&] { return core::parse_consume(consume); });
        cfg.yield = flag("--yield", [&] { return core::parse_yield(yield); });
        cfg.pool = flag("--pool", [&] { return core::pool_spec::parse(pool); });
        cfg.charset = flag("--charset", [&] { return core::parse_charset(charset); });
        cfg.amqp_mode = flag("--amqp", [&] { return core::parse_amqp_mode(amqp_mode); });
    } catch (const std::invalid_argument& e) {
        std::cerr << "feedworker: " << e.what() << "\n";
        return 2;
    }

    try {
        const auto out = feedbench::harness::run_worker(cfg);
        std::cout << w::summary_table(out.summary);
        if (!quiet) std::cout << '\n' << w::profiler_view(out.summary);
        if (!cfg.out_dir.empty()) std::cout << "wrote " << (cfg.out_dir / "jobs.csv").string() << ", summary.csv, meta.json\n";
        return out.summary.ok + out.summary.failed == out.summary.jobs ? 0 : 1;
    } catch (const std::invalid_argument& e) {
        std::cerr << "feedworker: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "feedworker: " << e.what() << "\n";
        return 1;
    }
}
