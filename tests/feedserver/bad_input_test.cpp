// Bad input gets its status, is counted in /stats, and the server keeps serving afterwards.
#include "feedserver/request.hpp"
#include "feedserver/server.hpp"
#include "tests/feedserver/http_helpers.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

using namespace feedbench;

namespace {
const std::string healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

// One request on a fresh connection; returns the whole exchange until the server closes (or 500 ms).
std::string exchange(unsigned short port, const std::string& request, bool* closed = nullptr) {
    test::raw_connection raw(port);
    raw.send(request);
    return raw.read_until_close(1500, closed);
}

// The server counts a timeout just before its session ends: wait for that, not for a while.
std::uint64_t timeouts_after_close(const feedserver::server_thread& server, std::uint64_t expected) {
    server.wait_for([&](const feedserver::server_stats& s) { return s.timeouts >= expected; });
    return server.stats().timeouts;
}

void still_serving(const feedserver::server_thread& server) {
    test::curl_client client;
    auto r = client.get(server.base_url() + "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok\n");
}
}  // namespace

TEST(BadInput, MalformedRequestIs400ThenClose) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    for (const char* req : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
                            "GET /healthz HTTP/1.1\r\nContent-Length: zz\r\n\r\n"}) {
        bool closed = false;
        auto wire = exchange(server.port(), req, &closed);
        EXPECT_EQ(test::status_line(wire), "HTTP/1.1 400 Bad Request") << req;
        EXPECT_NE(wire.find("Connection: close"), std::string::npos);
        EXPECT_TRUE(closed) << req;
    }
    EXPECT_EQ(server.stats().bad_request, 4u);
    still_serving(server);
}

TEST(BadInput, HeaderBlockOver8KiBIs431) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n";
    bool closed = false;
    auto wire = exchange(server.port(), req, &closed);
    EXPECT_EQ(test::status_line(wire), "HTTP/1.1 431 Request Header Fields Too Large");
    EXPECT_TRUE(closed);
    // Just under the limit is fine.
    auto ok = exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(7000, 'a') +
                                          "\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(test::status_line(ok), "HTTP/1.1 200 OK");
    EXPECT_EQ(server.stats().header_too_large, 1u);
    still_serving(server);
}

// A head of many short lines, 8274 bytes in all, sent as 4096 bytes and the rest. Fed to Beast's parser in
// those two parts, such a head got through (the request_parser fuzzer's finding, replayed by tests/fuzz): the
// parser takes the complete lines of the first part and checks the rest against what is left of its limit.
// The server now also compares the bytes the parser consumed for the head with the limit: 431 however the
// kernel hands the head over (one read or two; this test cannot choose).
TEST(BadInput, HeaderBlockOver8KiBIs431WhenItArrivesInTwoParts) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; req.size() < 8270; ++i) req += "X-" + std::to_string(i) + ": y\r\n";
    req += "\r\n";
    ASSERT_GT(req.size(), feedserver::request_head_parser::max_head_bytes);
    test::raw_connection raw(server.port());
    raw.send(std::string_view(req).substr(0, 4096));
    raw.send(std::string_view(req).substr(4096));
    bool closed = false;
    auto wire = raw.read_until_close(1500, &closed);
    EXPECT_EQ(test::status_line(wire), "HTTP/1.1 431 Request Header Fields Too Large") << req.size() << " bytes";
    EXPECT_TRUE(closed);
    EXPECT_EQ(server.stats().header_too_large, 1u);
    still_serving(server);
}

TEST(BadInput, MethodsOtherThanGetAndHeadAre405) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "BREW"}) {
        auto wire = exchange(server.port(), std::string(method) + " /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(test::status_line(wire), "HTTP/1.1 405 Method Not Allowed") << method;
        EXPECT_NE(wire.find("Allow: GET, HEAD\r\n"), std::string::npos);
    }
    EXPECT_EQ(server.stats().method_not_allowed, 5u);
    still_serving(server);
}

TEST(BadInput, UnknownPathsAndTraversalAre404AndKeepAlive) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    const char* paths[] = {"/nope",
                           "/feeds/feed-999-rss.xml",
                           "/feeds/../manifest",
                           "/../etc/passwd",
                           "/feeds/%2e%2e/manifest",
                           "/%2E%2E/%2e%2e/etc/passwd",
                           "/feeds/..%2fmanifest",
                           "/feeds/%2e%2e%2fmanifest",
                           "/feeds/%zz",
                           "/feeds\\..\\manifest",
                           "/./manifest",
                           "*",
                           "http://evil/../manifest"};
    std::uint64_t count = 0;
    for (const char* path : paths) {
        test::raw_connection raw(server.port());
        raw.send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        auto wire = raw.read_response(1500);
        EXPECT_EQ(test::status_line(wire), "HTTP/1.1 404 Not Found") << path;
        ++count;
        // Same connection still serves.
        raw.send(healthz);
        EXPECT_EQ(test::status_line(raw.read_response(1500)), "HTTP/1.1 200 OK") << path;
    }
    EXPECT_EQ(server.stats().not_found, count);
    // A real feed path, percent-encoded, is served (encoding is not an attack by itself).
    const auto& f = server.corpus().feeds[0];
    std::string encoded = f.path;
    encoded.replace(encoded.find("feed-"), 1, "%66");
    test::curl_client client;
    EXPECT_TRUE(client.get(server.base_url() + encoded).body == f.body);
}

TEST(BadInput, OutOfRangeQueryIs400AndKeepAlive) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    const auto& f = server.corpus().feeds[0];
    const char* queries[] = {"chunk=99999999", "rate=1",     "delay=70000", "delay=9-3",
                             "nodelay=7",      "fault=boom", "unknown=1",   "segment=-4"};
    for (const char* q : queries) {
        test::raw_connection raw(server.port());
        raw.send("GET " + f.path + "?" + q + " HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(test::status_line(raw.read_response(1500)), "HTTP/1.1 400 Bad Request") << q;
        raw.send(healthz);
        EXPECT_EQ(test::status_line(raw.read_response(1500)), "HTTP/1.1 200 OK") << q;
    }
    EXPECT_EQ(server.stats().bad_query, std::size(queries));
    EXPECT_EQ(server.stats().bad_request, 0u);
}

TEST(BadInput, RequestWithBodyIs400) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    bool closed = false;
    auto wire = exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", &closed);
    EXPECT_EQ(test::status_line(wire), "HTTP/1.1 400 Bad Request");
    EXPECT_TRUE(closed);
    still_serving(server);
}

// RFC 9112 §6.3: a transfer coding the server does not know, or codings stacked on chunked, leave the
// request's body length unknown: 400 and close (it used to be read as no body and the connection kept).
TEST(BadInput, UnknownOrStackedTransferCodingIs400ThenClose) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    const char* codings[] = {"Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: chunked, gzip\r\n",
                             "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: gzip\r\n",
                             "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"};
    for (const char* te : codings) {
        bool closed = false;
        auto wire = exchange(server.port(), std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n") + te + "\r\n" + healthz,
                             &closed);
        EXPECT_EQ(test::status_line(wire), "HTTP/1.1 400 Bad Request") << te;
        EXPECT_NE(wire.find("Connection: close"), std::string::npos) << te;
        EXPECT_EQ(wire.find("200 OK"), std::string::npos) << te;  // the pipelined request after it is not served
        EXPECT_TRUE(closed) << te;
    }
    EXPECT_EQ(server.stats().bad_request, std::size(codings));
    still_serving(server);
}

TEST(BadInput, IdleAndTricklingConnectionsTimeOut) {
    feedserver::server_options opt;
    opt.idle_timeout_ms = 300;
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}), opt);
    {
        test::raw_connection idle(server.port());
        bool closed = false;
        idle.read_until_close(3000, &closed);
        EXPECT_TRUE(closed);
        EXPECT_EQ(timeouts_after_close(server, 1), 1u);
    }
    {
        // One byte every 50 ms: never a full header within the timeout.
        test::raw_connection trickle(server.port());
        bool closed = false;
        std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(100, 'a') + "\r\n\r\n";
        for (char ch : req) {
            if (!trickle.send(std::string_view(&ch, 1))) {
                closed = true;
                break;
            }
            pollfd p{trickle.fd(), POLLIN, 0};
            if (::poll(&p, 1, 50) > 0) {
                trickle.read_until_close(1000, &closed);
                break;
            }
        }
        EXPECT_TRUE(closed);
        EXPECT_EQ(timeouts_after_close(server, 2), 2u);
    }
    {
        // Keep-alive connection left idle after a request.
        test::raw_connection raw(server.port());
        raw.send(healthz);
        EXPECT_EQ(test::status_line(raw.read_response(1000)), "HTTP/1.1 200 OK");
        bool closed = false;
        raw.read_until_close(3000, &closed);
        EXPECT_TRUE(closed);
    }
    EXPECT_EQ(timeouts_after_close(server, 3), 3u);
    still_serving(server);
}

TEST(BadInput, ConnectionCap) {
    feedserver::server_options opt;
    opt.max_connections = 2;
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}), opt);
    auto a = std::make_unique<test::raw_connection>(server.port());
    test::raw_connection b(server.port());
    for (auto* c : {a.get(), &b}) {
        c->send(healthz);
        EXPECT_EQ(test::status_line(c->read_response(1000)), "HTTP/1.1 200 OK");
    }
    {
        test::raw_connection third(server.port());
        bool closed = false;
        auto wire = third.read_until_close(1500, &closed);
        EXPECT_EQ(test::status_line(wire), "HTTP/1.1 503 Service Unavailable");
        EXPECT_TRUE(closed);
    }
    EXPECT_EQ(server.stats().rejected_connections, 1u);
    a.reset();  // frees a slot once the server sees the close
    EXPECT_TRUE(server.wait_for([](const feedserver::server_stats& s) { return s.open_connections <= 1; }));
    test::raw_connection fourth(server.port());
    fourth.send(healthz);
    EXPECT_EQ(test::status_line(fourth.read_response(1000)), "HTTP/1.1 200 OK");
}

TEST(BadInput, StatsCountEveryClass) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    exchange(server.port(), "GARBAGE\r\n\r\n");
    exchange(server.port(), "POST /x HTTP/1.1\r\nHost: x\r\n\r\n");
    exchange(server.port(), "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    exchange(server.port(), "GET /healthz?chunk=x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    test::curl_client client;
    auto stats = nlohmann::json::parse(client.get(server.base_url() + "/stats").body);
    const std::pair<const char*, std::uint64_t> expected[] = {{"bad_request", 1}, {"method_not_allowed", 1},
                                                              {"not_found", 1},   {"bad_query", 1},
                                                              {"connections", 5}, {"header_too_large", 0}};
    for (const auto& [counter, count] : expected) EXPECT_EQ(stats.at(counter), count) << counter << " in " << stats;
}
