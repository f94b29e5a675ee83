// The embedded server serves every feed byte-identical (synthetic and feeds-2012), with its manifest,
// HEAD, /healthz and /stats.
#include "feedserver/server.hpp"
#include "tests/feedserver/http_helpers.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <thread>

using namespace feedbench;

TEST(Serve, EverySyntheticFeedByteIdenticalOverKeepAlive) {
    feedserver::server_thread server(data::generate_synthetic());
    test::curl_client client;
    const auto& c = server.corpus();
    for (const auto& f : c.feeds) {
        auto r = client.get(server.base_url() + f.path);
        ASSERT_EQ(r.code, CURLE_OK) << f.path;
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.content_type, f.content_type);
        EXPECT_TRUE(r.body == f.body) << f.path;
    }
    auto s = server.stats();
    EXPECT_EQ(s.connections, 1u);  // one keep-alive connection for all of them
    EXPECT_EQ(s.requests, c.feeds.size());
}

TEST(Serve, ManifestMatchesCorpus) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 5}));
    test::curl_client client;
    auto r = client.get(server.base_url() + "/manifest");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, data::manifest_tsv(server.corpus()));
    auto entries = data::parse_manifest(r.body);
    EXPECT_EQ(entries.size(), server.corpus().feeds.size());
}

TEST(Serve, HeadHealthzAndStats) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    test::curl_client client;
    const auto& f = server.corpus().feeds[0];
    auto head = client.get(server.base_url() + f.path, true);
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    curl_off_t length = 0;
    curl_easy_getinfo(client.handle(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    EXPECT_EQ(static_cast<std::size_t>(length), f.bytes());
    // The connection is still usable after HEAD.
    auto get = client.get(server.base_url() + f.path);
    EXPECT_EQ(get.body, f.body);
    EXPECT_EQ(client.get(server.base_url() + "/healthz").body, "ok\n");
    auto stats = client.get(server.base_url() + "/stats");
    EXPECT_EQ(stats.status, 200);
    auto counters = nlohmann::json::parse(stats.body);
    EXPECT_EQ(counters.at("requests"), 4u) << stats.body;
    EXPECT_EQ(counters.at("not_found"), 0u) << stats.body;
}

TEST(Serve, Feeds2012ByteIdentical) {
    const char* env = std::getenv("FEEDBENCH_SHARED_CORPUS");
    auto dir = std::filesystem::path(env ? env : "") / "feeds-2012";
    if (!env || !std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared corpus absent";
    feedserver::server_thread server(data::load_directory(dir));
    ASSERT_EQ(server.corpus().feeds.size(), 388u);
    test::curl_client client;
    std::size_t identical = 0;
    for (const auto& f : server.corpus().feeds) {
        auto r = client.get(server.base_url() + f.path);
        EXPECT_EQ(r.status, 200) << f.path;
        if (r.body == f.body) ++identical;
    }
    EXPECT_EQ(identical, 388u);
}

TEST(Serve, ThreadsOption) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 4}), {.threads = 2});
    test::curl_client a, b;
    for (const auto& f : server.corpus().feeds) {
        EXPECT_EQ(a.get(server.base_url() + f.path).body, f.body);
        EXPECT_EQ(b.get(server.base_url() + f.path).body, f.body);
    }
}

TEST(Serve, GatherWritePathWithoutSendfile) {
    feedserver::server_options opt;
    opt.sendfile = false;
    feedserver::server_thread server(data::generate_synthetic({.feeds = 3}), opt);
    {
        test::curl_client client;
        for (const auto& f : server.corpus().feeds) EXPECT_TRUE(client.get(server.base_url() + f.path).body == f.body);
    }
    // The client has every body before the server's write handler counts the last bytes: wait for the close.
    ASSERT_TRUE(server.wait_idle());
    auto s = server.stats();
    std::uint64_t expected = 0;
    for (const auto& f : server.corpus().feeds) expected += f.bytes();
    EXPECT_GT(s.bytes, expected);  // bodies + heads
}

TEST(Serve, BytesCounterCountsHeadsAndBodies) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    test::raw_connection raw(server.port());
    const auto& f = server.corpus().feeds[0];
    raw.send("GET " + f.path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto wire = raw.read_until_close();
    EXPECT_EQ(wire.substr(wire.find("\r\n\r\n") + 4), f.body);
    EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
    EXPECT_EQ(server.stats().bytes, wire.size());
}

TEST(Serve, LargeBodiesToASlowReader) {
    // Bodies far above the socket buffers, read slowly: the writer has to wait for writability many times.
    for (bool sendfile : {true, false}) {
        feedserver::server_options opt;
        opt.sendfile = sendfile;
        feedserver::server_thread server(
            data::generate_synthetic({.feeds = 1, .median_bytes = 900'000, .max_bytes = 1'000'000}), opt);
        test::raw_connection raw(server.port());
        const auto& f = server.corpus().feeds[0];
        raw.send("GET " + f.path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        std::string wire;
        char buf[4096];
        for (;;) {
            pollfd p{raw.fd(), POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0) break;
            auto n = ::recv(raw.fd(), buf, sizeof buf, 0);
            if (n <= 0) break;
            wire.append(buf, static_cast<std::size_t>(n));
            if (wire.size() % 65536 < 4096) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        auto body = wire.substr(wire.find("\r\n\r\n") + 4);
        EXPECT_EQ(body.size(), f.bytes()) << "sendfile " << sendfile;
        EXPECT_TRUE(body == f.body) << "sendfile " << sendfile;
    }
}

TEST(Serve, PipelinedRequestsAnsweredInOrder) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    const auto& f = server.corpus().feeds[0];
    test::raw_connection raw(server.port());
    raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET " + f.path + " HTTP/1.1\r\nHost: x\r\n\r\n" +
             "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    bool closed = false;
    auto wire = raw.read_until_close(3000, &closed);
    EXPECT_TRUE(closed);
    auto first = wire.find("HTTP/1.1 200 OK"), second = wire.find("HTTP/1.1 200 OK", first + 1);
    auto third = wire.find("HTTP/1.1 200 OK", second + 1), fourth = wire.find("HTTP/1.1 404 Not Found");
    ASSERT_NE(third, std::string::npos);
    EXPECT_LT(third, fourth);
    EXPECT_NE(wire.find("\r\n\r\nok\nHTTP/1.1 200 OK"), std::string::npos);
    EXPECT_NE(wire.find(f.body + "HTTP/1.1 200 OK"), std::string::npos);  // HEAD follows the feed body
    EXPECT_EQ(server.stats().requests, 4u);
}

TEST(Serve, HttpOneZeroClosesAfterTheResponse) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    test::raw_connection raw(server.port());
    raw.send("GET /healthz HTTP/1.0\r\n\r\n");
    bool closed = false;
    auto wire = raw.read_until_close(3000, &closed);
    EXPECT_TRUE(closed);
    EXPECT_TRUE(wire.starts_with("HTTP/1.1 200 OK\r\n"));
    EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
    EXPECT_TRUE(wire.ends_with("\r\n\r\nok\n"));
}

TEST(Serve, PeerResetMidBodyDoesNotKillTheProcess) {
    // sendfile(2) raises SIGPIPE on a reset connection; the server threads must not die of it.
    for (bool sendfile : {true, false}) {
        feedserver::server_options opt;
        opt.sendfile = sendfile;
        feedserver::server_thread server(
            data::generate_synthetic({.feeds = 1, .median_bytes = 900'000, .max_bytes = 1'000'000}), opt);
        const auto& f = server.corpus().feeds[0];
        for (int i = 0; i < 20; ++i) {
            test::raw_connection raw(server.port());
            linger abort_on_close{1, 0};  // close sends RST
            ::setsockopt(raw.fd(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
            raw.send("GET " + f.path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            char buf[1024];
            (void)::recv(raw.fd(), buf, sizeof buf, 0);
        }
        test::curl_client client;
        EXPECT_TRUE(client.get(server.base_url() + f.path).body == f.body) << "sendfile " << sendfile;
    }
}
