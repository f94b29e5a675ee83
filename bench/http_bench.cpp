// HTTP suite: one keep-alive GET round trip against an in-process feedserver (its own thread),
// Beast client vs libcurl client, a tiny body and a 50 000-byte body, read size whole.
//   http/<client>/<body>   wall time per request (UseRealTime), MB/s of body bytes
// Each request runs the worker's client calls: connect (reused), send_request, read_head, read_body.
#include "bench/common/usage.hpp"
#include "data/corpus.hpp"
#include "feedserver/server.hpp"
#include "repro/net/beast_client.hpp"
#include "repro/net/curl_client.hpp"
#include "repro/sched/pool.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

namespace fb = feedbench::bench;
namespace client = feedbench::client;
namespace sched = feedbench::sched;
namespace core = feedbench::core;

namespace {

feedbench::data::feed make_feed(std::string id, std::size_t bytes) {
    std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>t</title>";
    std::string const item = "<item><title>item</title><link>http://example.org/x</link></item>";
    while (body.size() + item.size() + 22 <= bytes) body += item;
    body += "</channel></rss>";
    body.resize(std::max(body.size(), bytes), ' ');
    feedbench::data::feed f;
    f.id = id;
    f.path = "/feeds/" + id + ".xml";
    f.format = feedbench::data::feed_format::rss;
    f.body = std::move(body);
    f.charset = "utf-8";
    f.content_type = "application/rss+xml";
    return f;
}

feedbench::feedserver::server_thread& server() {
    static feedbench::feedserver::server_thread srv = [] {
        feedbench::data::corpus c;
        c.name = "bench_http";
        c.feeds.push_back(make_feed("tiny", 200));
        c.feeds.push_back(make_feed("50k", 50'000));
        return feedbench::feedserver::server_thread(std::move(c));
    }();
    return srv;
}

enum class which { beast, curl };

void run(benchmark::State& state, which kind, std::string path) {
    auto& srv = server();
    std::string failure;
    std::uint64_t bytes = 0, connections = 0;
    sched::run_pool(core::pool_spec{1, false}, -1, sched::steady_now_ns(), [&](sched::thread_context& ctx) {
        ctx.spawn([&](boost::asio::yield_context yield, sched::job_meter& meter) {
            client::client_options opt;
            opt.endpoint = client::tcp::endpoint(boost::asio::ip::address_v4::loopback(), srv.port());
            std::unique_ptr<client::http_client> c = kind == which::beast
                                                         ? client::make_beast_client(ctx.io(), opt, meter)
                                                         : client::make_curl_client(ctx.io(), opt, meter);
            std::string_view body;
            for (auto _ : state) {
                client::response_head head;
                client::fetch_status st = c->connect(yield);
                if (st.ok()) st = c->send_request(path, yield);
                if (st.ok()) st = c->read_head(yield, head);
                if (st.ok()) st = c->read_body(body, yield);
                c->finish(st.ok());
                if (!st.ok() || head.status != 200) {
                    failure = st.ok() ? "status " + std::to_string(head.status)
                                      : std::string(core::to_string(st.error_class)) + ": " + st.message;
                    break;
                }
                bytes += body.size();
            }
            connections = c->connections();
        });
    });
    if (!failure.empty()) {
        state.SkipWithError(failure.c_str());
        return;
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["connections"] = static_cast<double>(connections);
    state.counters["requests_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv) {
    fb::print_usage_on_help(
        argc, argv, "bench_http",
        "keep-alive GET round trip against an in-process feedserver: Beast vs libcurl, tiny and 50 kB bodies",
        "bench_http --benchmark_filter=http/beast --benchmark_repetitions=5");
    const std::vector<std::pair<std::string, which>> clients = {{"beast", which::beast}, {"curl", which::curl}};
    for (auto const& [name, kind] : clients)
        for (auto const& [body, path] : {std::pair{"tiny", "/feeds/tiny.xml"}, std::pair{"50k", "/feeds/50k.xml"}}) {
            which const k = kind;
            std::string const p = path;
            benchmark::RegisterBenchmark(("http/" + name + "/" + body).c_str(),
                                         [k, p](benchmark::State& s) { run(s, k, p); })
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
        }
    return fb::run_registered_benchmarks(argc, argv);
}
