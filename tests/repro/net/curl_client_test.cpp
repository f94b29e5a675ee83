// The libcurl client against the embedded feed server: every feed byte-identical eager and lazy, chunked
// too; write-callback chunks never above the buffer size; bytes counted equal bytes sent; read sizes under
// 1024 refused. Both clients: each fault ends as its error class and the same client then fetches fine.
#include "data/corpus.hpp"
#include "feedserver/server.hpp"
#include "tests/repro/net/fetch_fixture.hpp"
#include "tests/repro/net/test_http_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace feedbench;
using core::stage;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace feedbench::test;

// The libcurl client with its default read size here (10k).
fetch_plan curl_plan() {
    fetch_plan plan;
    plan.client = core::client_kind::curl;
    plan.reads = core::read_size::parse("10k");
    return plan;
}

tcp::endpoint endpoint_of(const feedserver::server_thread& server) {
    return {net::ip::make_address("127.0.0.1"), server.port()};
}

const data::corpus& synthetic() {
    static const data::corpus c = data::generate_synthetic();
    return c;
}

std::vector<std::string> all_paths(const data::corpus& c, std::string_view query = {}) {
    std::vector<std::string> out;
    for (const auto& f : c.feeds) out.push_back(client::append_query(f.path, query));
    return out;
}

TEST(CurlReadSize, UnderLibcurlsMinimumIsRefusedWithTheReason) {
    net::io_context io;
    sched::job_meter meter;
    client::client_options opt;
    for (const char* rs : {"1", "512", "1023"}) {
        opt.reads = core::read_size::parse(rs);
        try {
            (void)client::make_curl_client(io, opt, meter);
            ADD_FAILURE() << "read size " << rs << " was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("libcurl's minimum CURLOPT_BUFFERSIZE is 1024 bytes"),
                      std::string::npos)
                << e.what();
        }
    }
    opt.reads = core::read_size::parse("1k");
    EXPECT_EQ(client::make_curl_client(io, opt, meter)->buffer_size(), 1024u);
    opt.reads = core::read_size::parse("10k");
    EXPECT_EQ(client::make_curl_client(io, opt, meter)->buffer_size(), 10240u);
    opt.reads = core::read_size::parse("500k");
    EXPECT_EQ(client::make_curl_client(io, opt, meter)->buffer_size(), 512000u);
    opt.reads = core::read_size::parse("whole");
    EXPECT_EQ(client::make_curl_client(io, opt, meter)->buffer_size(), client::curl_whole_buffer_bytes());
    EXPECT_EQ(client::curl_whole_buffer_bytes(), 10u * 1024 * 1024);
}

struct corpus_case {
    const char* reads;
    bool lazy;
    const char* query;  // "" = Content-Length, "chunk=4096" = chunked
};

std::string case_name(const ::testing::TestParamInfo<corpus_case>& info) {
    std::string n = std::string(info.param.reads) + (info.param.lazy ? "_lazy" : "_eager") +
                    (std::string_view(info.param.query).empty() ? "" : "_chunked");
    return n;
}

class CurlCorpus : public ::testing::TestWithParam<corpus_case> {};

TEST_P(CurlCorpus, EveryFeedIsByteIdenticalAndEveryByteCounted) {
    const auto& param = GetParam();
    feedserver::server_thread server(synthetic());
    auto plan = curl_plan();
    plan.reads = core::read_size::parse(param.reads);
    plan.lazy = param.lazy;
    client_totals totals;
    const auto out = fetch(endpoint_of(server), all_paths(synthetic(), param.query), plan, &totals);
    ASSERT_EQ(out.size(), synthetic().feeds.size());

    const bool chunked = !std::string_view(param.query).empty();
    std::uint64_t counted = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto& o = out[i];
        const auto& feed = synthetic().feeds[i];
        SCOPED_TRACE(feed.id);
        ASSERT_TRUE(o.status.ok()) << o.status.error_class << ": " << o.status.message;
        EXPECT_EQ(o.head.status, 200u);
        EXPECT_EQ(o.head.chunked, chunked);
        if (!chunked) {
            ASSERT_TRUE(o.head.content_length.has_value());
            EXPECT_EQ(*o.head.content_length, feed.body.size());
        }
        EXPECT_EQ(o.head.content_type, feed.content_type);
        EXPECT_TRUE(o.body == feed.body) << "body differs: " << o.body.size() << " vs " << feed.body.size() << " bytes";
        const std::uint64_t bytes = total(o.rec, &core::stage_metrics::bytes);
        if (!chunked) {
            EXPECT_EQ(bytes, o.head.header_bytes + feed.body.size());
        }
        counted += bytes;
        EXPECT_EQ(o.rec.max_read_request, totals.buffer_size);
        EXPECT_EQ(total(o.rec, &core::stage_metrics::eagains), 0u);
        if (param.lazy) {
            // back-pressure: at most one body chunk comes with the head; the rest is pulled while parsing
            EXPECT_LE(o.rec.at(stage::headers).reads, 2u);
            EXPECT_EQ(o.rec.at(stage::body).reads, 0u);
            if (feed.body.size() > 2 * client::curl_max_write_bytes()) {
                EXPECT_GE(o.rec.at(stage::parse).reads, 2u);
            }
        } else {
            EXPECT_EQ(o.rec.at(stage::parse).reads, 0u);
        }
    }
    // keep-alive: one connection for every job; bytes counted are the bytes the server sent
    EXPECT_EQ(totals.connections, 1u);
    ASSERT_TRUE(server.wait_idle());  // the client closed: the server's last write handler has counted its bytes
    EXPECT_EQ(counted, server.stats().bytes);
    // what libcurl's write callback really receives: never more than the buffer size, nor than 16 KiB
    EXPECT_GT(totals.chunks, out.size());
    EXPECT_LE(totals.largest_chunk, totals.buffer_size);
    EXPECT_LE(totals.largest_chunk, client::curl_max_write_bytes());
    EXPECT_EQ(totals.max_read_request, totals.buffer_size);
    std::cout << "[ chunks   ] read size " << param.reads << ": " << totals.chunks << " write-callback chunks, largest "
              << totals.largest_chunk << " B, CURLOPT_BUFFERSIZE " << totals.buffer_size << "\n";
}

INSTANTIATE_TEST_SUITE_P(ReadSizes, CurlCorpus,
                         ::testing::Values(corpus_case{"1k", false, ""}, corpus_case{"1k", true, ""},
                                           corpus_case{"10k", false, ""}, corpus_case{"10k", true, ""},
                                           corpus_case{"whole", false, ""}, corpus_case{"whole", true, ""},
                                           corpus_case{"10k", false, "chunk=4096"},
                                           corpus_case{"10k", true, "chunk=4096"},
                                           corpus_case{"whole", true, "chunk=4096"}),
                         case_name);

// Small chunks at 1 KiB: every write-callback chunk is at most 1024 bytes, and chunked wire bytes all counted.
TEST(CurlChunks, NeverAboveTheBufferSize) {
    feedserver::server_thread server(synthetic());
    auto plan = curl_plan();
    plan.reads = core::read_size::parse("1k");
    client_totals totals;
    const auto out = fetch(endpoint_of(server), all_paths(synthetic(), "chunk=333"), plan, &totals);
    std::uint64_t counted = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        ASSERT_TRUE(out[i].status.ok()) << out[i].status.message;
        EXPECT_TRUE(out[i].body == synthetic().feeds[i].body);
        counted += total(out[i].rec, &core::stage_metrics::bytes);
    }
    ASSERT_TRUE(server.wait_idle());
    EXPECT_EQ(counted, server.stats().bytes);
    EXPECT_EQ(totals.largest_chunk, 1024u);
}

// A body that arrives in paced pieces: the lazy reader suspends (yields) waiting for the next chunk.
TEST(CurlLazy, WaitsForPacedPiecesInsideTheParseStage) {
    std::string body(120'000, 'x');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = char('a' + (i * 7) % 26);
    auto response = content_length_response(body);
    response.piece = 30'000;
    response.pause = std::chrono::milliseconds(5);
    test_http_server server(response);
    auto plan = curl_plan();
    plan.lazy = true;
    const auto out = fetch(server.endpoint(), {"/feed.xml", "/feed.xml"}, plan);
    for (const auto& o : out) {
        ASSERT_TRUE(o.status.ok()) << o.status.message;
        EXPECT_TRUE(o.body == body);
        EXPECT_GE(o.rec.at(stage::parse).yields, 1u);
        EXPECT_EQ(o.rec.at(stage::headers).bytes + o.rec.at(stage::parse).bytes, response.all().size());
    }
    EXPECT_EQ(total(out[0].rec, &core::stage_metrics::bytes) + total(out[1].rec, &core::stage_metrics::bytes),
              server.bytes_sent());
}

// Several coroutines on one thread, each with its own client and connection.
TEST(CurlPool, CoroutinesShareTheThreadAndEachKeepsItsConnection) {
    feedserver::server_thread server(synthetic());
    const auto ep = endpoint_of(server);
    const auto targets = all_paths(synthetic());
    constexpr std::size_t coroutines = 4;
    std::vector<std::vector<std::pair<std::size_t, fetch_outcome>>> out(coroutines);
    std::vector<std::uint64_t> connections(coroutines);
    sched::run_pool(core::pool_spec{coroutines, false}, -1, sched::steady_now_ns(), [&](sched::thread_context& ctx) {
        for (std::size_t k = 0; k < coroutines; ++k) {
            ctx.spawn([&, k](net::yield_context yield, sched::job_meter& meter) {
                client::client_options opt;
                opt.endpoint = ep;
                opt.reads = core::read_size::parse("10k");
                auto c = client::make_curl_client(ctx.io(), opt, meter);
                auto plan = curl_plan();
                plan.lazy = k % 2 == 1;
                for (std::size_t i = k; i < targets.size(); i += coroutines)
                    out[k].emplace_back(i, run_job(*c, meter, targets[i], plan, yield));
                connections[k] = c->connections();
            });
        }
    });
    std::size_t jobs = 0;
    for (std::size_t k = 0; k < coroutines; ++k) {
        EXPECT_EQ(connections[k], 1u);
        for (const auto& [i, o] : out[k]) {
            ++jobs;
            ASSERT_TRUE(o.status.ok()) << o.status.message;
            EXPECT_TRUE(o.body == synthetic().feeds[i].body) << synthetic().feeds[i].id;
        }
    }
    EXPECT_EQ(jobs, targets.size());
}

struct fault_case {
    core::client_kind client;
    const char* fault;
    core::error_class error_class;
};

class ClientFaults : public ::testing::TestWithParam<fault_case> {};

TEST_P(ClientFaults, EndAsTheirErrorClassAndTheClientCarriesOn) {
    const data::corpus corpus = data::generate_synthetic({.feeds = 2});
    feedserver::server_thread server(corpus);
    const auto& feed = corpus.feeds.front();
    for (const char* rs : {"1k", "whole"}) {
        for (bool lazy : {false, true}) {
            SCOPED_TRACE(std::string(GetParam().fault) + " " + rs + (lazy ? " lazy" : " eager"));
            fetch_plan plan;
            plan.client = GetParam().client;
            plan.reads = core::read_size::parse(rs);
            plan.lazy = lazy;
            plan.timeout = std::chrono::milliseconds(300);
            const std::string faulty = client::append_query(feed.path, std::string("fault=") + GetParam().fault);
            client_totals totals;
            const auto out =
                fetch(endpoint_of(server), {feed.path, faulty, feed.path, faulty, feed.path}, plan, &totals);
            ASSERT_EQ(out.size(), 5u);
            // a failed job never leaves its connection for the next one: 1 + one per fault
            EXPECT_EQ(totals.connections, 3u);
            for (std::size_t i : {0u, 2u, 4u}) {
                EXPECT_TRUE(out[i].status.ok())
                    << i << ": " << out[i].status.error_class << ": " << out[i].status.message;
                EXPECT_TRUE(out[i].body == feed.body) << i;
            }
            for (std::size_t i : {1u, 3u})
                EXPECT_EQ(out[i].status.error_class, GetParam().error_class) << out[i].status.message;
        }
    }
}

std::vector<fault_case> fault_cases() {
    std::vector<fault_case> out;
    for (auto client : {core::client_kind::beast, core::client_kind::curl})
        for (auto [fault, cls] : {std::pair{"close-mid-body", core::error_class::truncated},
                                  {"length-long", core::error_class::truncated},
                                  {"bad-chunk", core::error_class::truncated},
                                  {"status-500", core::error_class::status},
                                  {"stall", core::error_class::timeout}})
            out.push_back({client, fault, cls});
    return out;
}

INSTANTIATE_TEST_SUITE_P(Modes, ClientFaults, ::testing::ValuesIn(fault_cases()), [](const auto& info) {
    std::string n = std::string(core::to_string(info.param.client)) + "_" + info.param.fault;
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
});

TEST(CurlFaultsConnect, RefusedConnectionIsConnect) {
    net::io_context io;
    tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    const auto ep = a.local_endpoint();
    a.close();  // nobody listens there now
    client_totals totals;
    const auto out = fetch(ep, {"/feed.xml", "/feed.xml"}, curl_plan(), &totals);
    EXPECT_EQ(out[0].status.error_class, core::error_class::connect) << out[0].status.message;
    EXPECT_EQ(out[1].status.error_class, core::error_class::connect) << out[1].status.message;
}

}  // namespace

namespace {

// The server closes the kept-alive connection while the client is idle: the next job opens a new one.
TEST(CurlKeepAlive, ConnectionTheServerClosedIsReplaced) {
    feedbench::feedserver::server_options sopt;
    sopt.idle_timeout_ms = 50;
    feedbench::feedserver::server_thread server(synthetic(), sopt);
    const auto& feed = synthetic().feeds.front();
    std::vector<fetch_outcome> out;
    std::uint64_t connections = 0;
    sched::run_pool(core::pool_spec{1, false}, -1, sched::steady_now_ns(), [&](sched::thread_context& ctx) {
        ctx.spawn([&](net::yield_context yield, sched::job_meter& meter) {
            client::client_options opt;
            opt.endpoint = endpoint_of(server);
            auto c = client::make_curl_client(ctx.io(), opt, meter);
            auto plan = curl_plan();
            out.push_back(run_job(*c, meter, feed.path, plan, yield));
            out.push_back(run_job(*c, meter, feed.path, plan, yield));  // reuses the connection
            // Until the server's idle timeout closed it (this thread has nothing else to run meanwhile).
            EXPECT_TRUE(server.wait_idle());
            out.push_back(run_job(*c, meter, feed.path, plan, yield));
            connections = c->connections();
        });
    });
    ASSERT_EQ(out.size(), 3u);
    for (const auto& o : out) {
        EXPECT_TRUE(o.status.ok()) << o.status.error_class << ": " << o.status.message;
        EXPECT_TRUE(o.body == feed.body);
    }
    EXPECT_EQ(connections, 2u);
}

}  // namespace
