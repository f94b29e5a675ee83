// Response modes: chunked decodes identical, segments and split keep the bytes, pacing takes at least
// size/rate, delays at least their minimum, and Nagle + split shows the delayed-ACK stall on keep-alive.
#include "feedserver/server.hpp"
#include "tests/feedserver/http_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace feedbench;

namespace {
const data::feed& feed_near(const data::corpus& c, std::size_t bytes) {
    return *std::min_element(c.feeds.begin(), c.feeds.end(), [&](auto& a, auto& b) {
        auto da = a.bytes() > bytes ? a.bytes() - bytes : bytes - a.bytes();
        auto db = b.bytes() > bytes ? b.bytes() - bytes : bytes - b.bytes();
        return da < db;
    });
}
}  // namespace

TEST(Modes, ChunkedDecodesIdentical) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 6}));
    test::curl_client client;
    for (const auto& f : server.corpus().feeds) {
        for (const char* q : {"?chunk=1", "?chunk=100", "?chunk=4096", "?chunk=1048576"}) {
            if (q == std::string("?chunk=1") && f.bytes() > 20'000) continue;
            auto r = client.get(server.base_url() + f.path + q);
            ASSERT_EQ(r.code, CURLE_OK) << f.path << q;
            EXPECT_TRUE(r.body == f.body) << f.path << q;
        }
    }
    // On the wire it really is chunked.
    test::raw_connection raw(server.port());
    const auto& f = server.corpus().feeds[0];
    raw.send("GET " + f.path + "?chunk=1000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto wire = raw.read_until_close();
    EXPECT_NE(wire.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
    EXPECT_EQ(wire.find("Content-Length"), std::string::npos);
    EXPECT_NE(wire.find("\r\n3e8\r\n"), std::string::npos);
    EXPECT_TRUE(wire.ends_with("\r\n0\r\n\r\n"));
}

TEST(Modes, ServerDefaultChunked) {
    feedserver::server_options opt;
    opt.chunk = 512;
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}), opt);
    test::raw_connection raw(server.port());
    const auto& f = server.corpus().feeds[1];
    raw.send("GET " + f.path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto wire = raw.read_until_close();
    EXPECT_NE(wire.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
    test::curl_client client;
    EXPECT_TRUE(client.get(server.base_url() + f.path).body == f.body);
    EXPECT_TRUE(client.get(server.base_url() + f.path + "?chunk=0").body == f.body);
}

TEST(Modes, SegmentsAndSplitKeepTheBytes) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 3}));
    test::curl_client client;
    for (const auto& f : server.corpus().feeds) {
        for (const char* q : {"?segment=1000", "?segment=7&chunk=333", "?split=1", "?split=1&segment=5000",
                              "?split=1&nodelay=0", "?nodelay=0"}) {
            auto r = client.get(server.base_url() + f.path + q);
            ASSERT_EQ(r.code, CURLE_OK) << f.path << q;
            EXPECT_TRUE(r.body == f.body) << f.path << q;
        }
    }
}

TEST(Modes, HeadInEveryFraming) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    const auto& f = server.corpus().feeds[0];
    for (const char* q : {"", "?chunk=100", "?segment=10", "?split=1"}) {
        test::raw_connection raw(server.port());
        raw.send("HEAD " + f.path + q + " HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        auto wire = raw.read_until_close(300);
        EXPECT_TRUE(wire.starts_with("HTTP/1.1 200 OK\r\n")) << q;
        // The HEAD response carries no body: the next bytes are the /healthz response.
        auto next = wire.find("\r\n\r\nHTTP/1.1 200 OK\r\n");
        EXPECT_NE(next, std::string::npos) << q;
        EXPECT_TRUE(wire.ends_with("\r\n\r\nok\n")) << q;
    }
}

TEST(Modes, PacingTakesAtLeastSizeOverRate) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 4}));
    const auto& f = feed_near(server.corpus(), 30'000);
    const std::size_t rate = 100'000;
    test::curl_client client;
    auto r = client.get(server.base_url() + f.path + "?rate=" + std::to_string(rate));
    ASSERT_EQ(r.code, CURLE_OK);
    EXPECT_TRUE(r.body == f.body);
    EXPECT_GE(r.seconds, static_cast<double>(f.bytes()) / rate);
    // Chunked and paced together.
    auto c = client.get(server.base_url() + f.path + "?rate=" + std::to_string(rate * 4) + "&chunk=999");
    EXPECT_TRUE(c.body == f.body);
    EXPECT_GE(c.seconds, static_cast<double>(f.bytes()) / (rate * 4));
}

TEST(Modes, FirstByteDelay) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    const auto& f = server.corpus().feeds[0];
    test::curl_client client;
    auto fixed = client.get(server.base_url() + f.path + "?delay=150");
    EXPECT_TRUE(fixed.body == f.body);
    EXPECT_GE(fixed.seconds, 0.150);
    for (int i = 0; i < 3; ++i) {
        auto r = client.get(server.base_url() + f.path + "?delay=40-80");
        EXPECT_TRUE(r.body == f.body);
        EXPECT_GE(r.seconds, 0.040);
    }
    feedserver::server_options opt;
    opt.delay_min_ms = opt.delay_max_ms = 60;
    feedserver::server_thread delayed(data::generate_synthetic({.feeds = 1}), opt);
    auto d = client.get(delayed.base_url() + f.path);
    EXPECT_GE(d.seconds, 0.060);
    auto undelayed = client.get(delayed.base_url() + f.path + "?delay=0");
    EXPECT_TRUE(undelayed.body == f.body);
}

// Nagle on the server (nodelay=0) + headers and body in two writes (split=1): the body waits for the
// ACK of the header segment, which the client delays (~40 ms on Linux) once out of quick-ack mode.
// Measured on this machine with serial keep-alive requests: the first few are fast, later ones ~44 ms.
TEST(Modes, NagleSplitShowsTheStallAndNodelayRunsClean) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 4}));
    const auto& f = feed_near(server.corpus(), 15'000);
    test::curl_client nagle;
    double slowest = 0;
    for (int i = 0; i < 12; ++i) {
        auto r = nagle.get(server.base_url() + f.path + "?nodelay=0&split=1");
        ASSERT_EQ(r.code, CURLE_OK);
        EXPECT_TRUE(r.body == f.body);
        slowest = std::max(slowest, r.seconds);
    }
    EXPECT_GE(slowest, 0.020) << "no delayed-ACK stall seen in 12 serial keep-alive requests";
    test::curl_client clean;
    for (int i = 0; i < 12; ++i) {
        auto r = clean.get(server.base_url() + f.path + "?nodelay=1&split=1");
        ASSERT_EQ(r.code, CURLE_OK);
        EXPECT_TRUE(r.body == f.body);
    }
    EXPECT_EQ(server.stats().connections, 2u);
}
