// feedserver: serve a corpus (synthetic or a folder) from memory over HTTP/1.1 until SIGINT/SIGTERM.
#include "data/corpus.hpp"
#include "feedserver/response_mode.hpp"
#include "feedserver/server.hpp"
#include "repro/cli/cli.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <pthread.h>

namespace cli = feedbench::cli;
namespace fs = feedbench::feedserver;
namespace data = feedbench::data;

namespace {

// A default response mode's flag, checked by the feed server's own value parser (the query's bounds).
CLI::Validator mode_value(std::string key) {
    return cli::parsed_by(
        [key](const std::string& value) {
            fs::response_mode scratch;
            if (auto error = fs::apply_mode_value(key, value, scratch)) throw std::invalid_argument(*error);
        },
        "");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app;
    cli::describe(app,
                  {"feedserver: serve a feed corpus from memory over HTTP/1.1 (all responses prebuilt).",
                   "feedserver [--corpus synthetic|DIR] [--feeds N] [--seed S] [--host H] [--port P] [--threads T] "
                   "[mode defaults]",
                   "feedserver --port 0 --feeds 50 --seed 2012   (prints 'listening 127.0.0.1:PORT')\n"
                   "         curl http://127.0.0.1:PORT/manifest ; curl "
                   "'http://127.0.0.1:PORT/feeds/feed-007-rss.xml?chunk=4096'",
                   "Routes: /manifest (TSV), /healthz, /stats (JSON counters), each feed at its manifest path.\n" +
                       std::string(fs::query_help())});
    std::string corpus_spec = "synthetic", delay, dump_dir;
    data::synthetic_options syn;
    fs::server_options opt;
    bool no_charset_header = false;
    app.add_option("--corpus", corpus_spec, "synthetic, or a folder whose files are served as-is");
    app.add_option("--feeds", syn.feeds, "synthetic: distinct feeds (each as rss, atom, jsonfeed)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
        ->capture_default_str();
    app.add_option("--seed", syn.seed, "synthetic: generator seed")->capture_default_str();
    app.add_option("--median-bytes", syn.median_bytes, "synthetic: median feed size")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_flag("--no-charset-header", no_charset_header, "synthetic: no charset in any Content-Type");
    app.add_option("--host", opt.host, "address to bind")->capture_default_str();
    app.add_option("--port", opt.port, "port to bind, 0 = ephemeral")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    app.add_option("--threads", opt.threads, "threads running the one io_context")
        ->check(CLI::Range(1u, 256u))
        ->capture_default_str();
    app.add_option("--cpu", opt.cpu, "pin server thread(s) to this core (-1 = no pinning)")
        ->check(CLI::Range(-1, 4095))
        ->capture_default_str();
    app.add_option("--chunk", opt.chunk, "default chunk size (0 = Content-Length)")
        ->check(mode_value("chunk"))
        ->capture_default_str();
    app.add_option("--segment", opt.segment, "default write segment size (0 = one write)")
        ->check(mode_value("segment"))
        ->capture_default_str();
    app.add_option("--rate", opt.rate, "default pacing, bytes/s per connection (0 = unpaced)")
        ->check(mode_value("rate"))
        ->capture_default_str();
    app.add_option("--delay", delay, "default first-byte delay: MS or MIN-MAX")->check(mode_value("delay"));
    app.add_option("--nodelay", opt.nodelay, "default TCP_NODELAY (0|1)")
        ->check(mode_value("nodelay"))
        ->capture_default_str();
    app.add_option("--split", opt.split, "default: headers and body in two writes (0|1)")
        ->check(mode_value("split"))
        ->capture_default_str();
    app.add_option("--max-connections", opt.max_connections, "open connection cap")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
        ->capture_default_str();
    app.add_option("--idle-timeout-ms", opt.idle_timeout_ms, "idle/trickle/slow-write timeout")
        ->check(CLI::Range(1u, 3'600'000u))
        ->capture_default_str();
    bool no_sendfile = false;
    app.add_flag("--no-sendfile", no_sendfile, "plain responses by one gather write instead of head + sendfile(2)");
    app.add_option("--dump", dump_dir, "write the corpus (files at their paths + manifest) to DIR and exit");
    if (auto code = cli::parse(app, argc, argv)) return *code;

    try {
        syn.charset_in_content_type = !no_charset_header;
        opt.sendfile = !no_sendfile;
        if (!delay.empty()) {
            fs::response_mode defaults;
            if (auto error = fs::apply_mode_value("delay", delay, defaults))
                return cli::fail(app, "--delay: " + *error, cli::exit_bad_arguments);
            opt.delay_min_ms = defaults.delay_min_ms;
            opt.delay_max_ms = defaults.delay_max_ms;
        }
        auto corpus = data::load_corpus(corpus_spec, syn);
        if (!dump_dir.empty()) {
            data::write_directory(corpus, dump_dir);
            fmt::print("wrote {} feeds to {}\n", corpus.feeds.size(), dump_dir);
            return cli::exit_ok;
        }
        std::signal(SIGPIPE, SIG_IGN);  // a peer closing mid-response is an error code, never a death
        // Block SIGINT/SIGTERM before the server threads start so that only sigwait sees them.
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);
        std::size_t feeds = corpus.feeds.size();
        auto name = corpus.name;
        {
            fs::server_thread server(std::move(corpus), opt);
            fmt::print("listening {}:{}\n", opt.host, server.port());
            std::fflush(stdout);
            fmt::print(stderr, "feedserver: {} feeds from {}\n", feeds, name);
            int sig = 0;
            sigwait(&signals, &sig);
            fmt::print(stderr, "feedserver: signal {}, finishing responses in flight\n", sig);
            auto s = server.stats();
            fmt::print(stderr, "feedserver: {} connections, {} requests, {} bytes\n", s.connections, s.requests,
                       s.bytes);
        }
        return cli::exit_ok;
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_failed);
    }
}
