// feedserver: serve a corpus (synthetic or a folder) from memory over HTTP/1.1 until SIGINT/SIGTERM.
#include "data/corpus.hpp"
#include "feedserver/response_mode.hpp"
#include "feedserver/server.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>

namespace fs = feedbench::feedserver;
namespace data = feedbench::data;

int main(int argc, char** argv) {
    CLI::App app{"feedserver: serve a feed corpus from memory over HTTP/1.1 (all responses prebuilt).\n"
                 "Usage: feedserver [--corpus synthetic|DIR] [--feeds N] [--seed S] [--host H] [--port P] "
                 "[--threads T] [mode defaults]\n"
                 "Example: feedserver --port 0 --feeds 50 --seed 2012   (prints 'listening 127.0.0.1:PORT')\n"
                 "         curl http://127.0.0.1:PORT/manifest ; curl 'http://127.0.0.1:PORT/feeds/feed-007-rss.xml?chunk=4096'\n"
                 "Routes: /manifest (TSV), /healthz, /stats (JSON counters), each feed at its manifest path.\n"};
    app.footer(std::string(fs::query_help()));
    std::string corpus_spec = "synthetic", delay, dump_dir;
    data::synthetic_options syn;
    fs::server_options opt;
    bool no_charset_header = false;
    app.add_option("--corpus", corpus_spec, "synthetic, or a folder whose files are served as-is");
    app.add_option("--feeds", syn.feeds, "synthetic: distinct feeds (each as rss, atom, jsonfeed)")->capture_default_str();
    app.add_option("--seed", syn.seed, "synthetic: generator seed")->capture_default_str();
    app.add_option("--median-bytes", syn.median_bytes, "synthetic: median feed size")->capture_default_str();
    app.add_flag("--no-charset-header", no_charset_header, "synthetic: no charset in any Content-Type");
    app.add_option("--host", opt.host, "address to bind")->capture_default_str();
    app.add_option("--port", opt.port, "port to bind, 0 = ephemeral")->capture_default_str();
    app.add_option("--threads", opt.threads, "threads running the one io_context")->capture_default_str();
    app.add_option("--cpu", opt.cpu, "pin server thread(s) to this core (-1 = no pinning)")->capture_default_str();
    app.add_option("--chunk", opt.chunk, "default chunk size (0 = Content-Length)")->capture_default_str();
    app.add_option("--segment", opt.segment, "default write segment size (0 = one write)")->capture_default_str();
    app.add_option("--rate", opt.rate, "default pacing, bytes/s per connection (0 = unpaced)")->capture_default_str();
    app.add_option("--delay", delay, "default first-byte delay: MS or MIN-MAX");
    app.add_option("--nodelay", opt.nodelay, "default TCP_NODELAY (0|1)")->capture_default_str();
    app.add_option("--split", opt.split, "default: headers and body in two writes (0|1)")->capture_default_str();
    app.add_option("--max-connections", opt.max_connections, "open connection cap")->capture_default_str();
    app.add_option("--idle-timeout-ms", opt.idle_timeout_ms, "idle/trickle/slow-write timeout")->capture_default_str();
    bool no_sendfile = false;
    app.add_flag("--no-sendfile", no_sendfile, "plain responses by one gather write instead of head + sendfile(2)");
    app.add_option("--dump", dump_dir, "write the corpus (files at their paths + manifest) to DIR and exit");
    CLI11_PARSE(app, argc, argv);

    try {
        syn.charset_in_content_type = !no_charset_header;
        opt.sendfile = !no_sendfile;
        fs::response_mode defaults;
        if (!delay.empty()) {
            if (auto err = fs::apply_query("delay=" + delay, defaults)) throw std::runtime_error(*err);
            opt.delay_min_ms = defaults.delay_min_ms;
            opt.delay_max_ms = defaults.delay_max_ms;
        }
        auto corpus = data::load_corpus(corpus_spec, syn);
        if (!dump_dir.empty()) {
            data::write_directory(corpus, dump_dir);
            std::printf("wrote %zu feeds to %s\n", corpus.feeds.size(), dump_dir.c_str());
            return 0;
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
            std::printf("listening %s:%u\n", opt.host.c_str(), static_cast<unsigned>(server.port()));
            std::fflush(stdout);
            std::fprintf(stderr, "feedserver: %zu feeds from %s\n", feeds, name.c_str());
            int sig = 0;
            sigwait(&signals, &sig);
            std::fprintf(stderr, "feedserver: signal %d, finishing responses in flight\n", sig);
            auto s = server.stats();
            std::fprintf(stderr, "feedserver: %llu connections, %llu requests, %llu bytes\n",
                         static_cast<unsigned long long>(s.connections), static_cast<unsigned long long>(s.requests),
                         static_cast<unsigned long long>(s.bytes));
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "feedserver: %s\n", e.what());
        return 1;
    }
}
