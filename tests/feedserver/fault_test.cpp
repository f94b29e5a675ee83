// Fault modes: each misbehaves exactly as documented, so worker tests can count their error classes.
#include "feedserver/response_mode.hpp"
#include "feedserver/server.hpp"
#include "tests/feedserver/http_helpers.hpp"

#include <gtest/gtest.h>

using namespace feedbench;

namespace {
struct fault_fixture : ::testing::Test {
    static feedserver::server_options options() {
        feedserver::server_options opt;
        opt.idle_timeout_ms = 400;
        return opt;
    }
    feedserver::server_thread server{data::generate_synthetic({.feeds = 2}), options()};
    const data::feed& feed = server.corpus().feeds[0];

    std::string wire(const std::string& query, bool* closed = nullptr, int timeout_ms = 3000) {
        test::raw_connection raw(server.port());
        raw.send("GET " + feed.path + "?" + query + " HTTP/1.1\r\nHost: x\r\n\r\n");
        return raw.read_until_close(timeout_ms, closed);
    }
    static std::size_t content_length(const std::string& w) {
        auto pos = w.find("Content-Length: ");
        return pos == std::string::npos ? 0 : std::stoul(w.substr(pos + 16));
    }
    static std::string body_of(const std::string& w) { return w.substr(w.find("\r\n\r\n") + 4); }
};
}  // namespace

TEST_F(fault_fixture, CloseMidBody) {
    bool closed = false;
    auto w = wire("fault=close-mid-body", &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(content_length(w), feed.bytes());
    EXPECT_EQ(body_of(w), feed.body.substr(0, feed.bytes() / 2));
    test::curl_client client;
    EXPECT_EQ(client.get(server.base_url() + feed.path + "?fault=close-mid-body").code, CURLE_PARTIAL_FILE);
}

TEST_F(fault_fixture, LengthLong) {
    bool closed = false;
    auto w = wire("fault=length-long", &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(content_length(w), feed.bytes() + 100);
    EXPECT_EQ(body_of(w), feed.body);
    test::curl_client client;
    EXPECT_EQ(client.get(server.base_url() + feed.path + "?fault=length-long").code, CURLE_PARTIAL_FILE);
}

TEST_F(fault_fixture, LengthShort) {
    bool closed = false;
    auto w = wire("fault=length-short", &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(content_length(w), feed.bytes() / 2);
    EXPECT_EQ(body_of(w), feed.body);  // the full body follows the short Content-Length
}

TEST_F(fault_fixture, BadChunk) {
    bool closed = false;
    auto w = wire("fault=bad-chunk", &closed);
    EXPECT_TRUE(closed);
    EXPECT_NE(w.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
    EXPECT_NE(w.find("\r\nzz-not-hex\r\n"), std::string::npos);
    test::curl_client client;
    auto r = client.get(server.base_url() + feed.path + "?fault=bad-chunk");
    EXPECT_NE(r.code, CURLE_OK);
}

TEST_F(fault_fixture, StallSendsHeadersThenNothingUntilTheIdleTimeout) {
    bool closed = false;
    auto w = wire("fault=stall", &closed);
    EXPECT_TRUE(closed);  // closed by the server's 400 ms idle timeout
    EXPECT_EQ(content_length(w), feed.bytes());
    EXPECT_TRUE(w.ends_with("\r\n\r\n"));
    test::curl_client client;
    auto r = client.get(server.base_url() + feed.path + "?fault=stall", false, 150);
    EXPECT_EQ(r.code, CURLE_OPERATION_TIMEDOUT);
    EXPECT_GE(r.seconds, 0.150);
}

TEST_F(fault_fixture, HtmlInsteadOfTheFeed) {
    test::curl_client client;
    auto r = client.get(server.base_url() + feed.path + "?fault=html");
    EXPECT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_TRUE(r.body.starts_with("<!DOCTYPE html>"));
    EXPECT_EQ(data::sniff_format(r.body), data::feed_format::html);
    // Keep-alive: the next request on the same connection works.
    EXPECT_TRUE(client.get(server.base_url() + feed.path).body == feed.body);
}

TEST_F(fault_fixture, BogusCharset) {
    test::curl_client client;
    auto r = client.get(server.base_url() + feed.path + "?fault=bogus-charset");
    EXPECT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.content_type, "application/xml; charset=x-bogus-42");
    EXPECT_TRUE(r.body == feed.body);
}

TEST_F(fault_fixture, Status500) {
    test::curl_client client;
    auto r = client.get(server.base_url() + feed.path + "?fault=status-500");
    EXPECT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(client.get(server.base_url() + feed.path).status, 200);
    EXPECT_EQ(server.stats().faults, 1u);
    EXPECT_EQ(server.stats().connections, 1u);
}

// Hostile responses: what each one claims and what it sends.
TEST_F(fault_fixture, LengthTibClaimsOneTebibyteAndSendsTheBody) {
    bool closed = false;
    auto w = wire("fault=length-tib", &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(content_length(w), 1099511627775u);
    EXPECT_EQ(body_of(w), feed.body);
}

TEST_F(fault_fixture, Length2gClaimsTwoGibibytesAndSends100Bytes) {
    bool closed = false;
    auto w = wire("fault=length-2g", &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(content_length(w), 2147483648u);
    EXPECT_EQ(body_of(w), feed.body.substr(0, 100));
}

TEST_F(fault_fixture, EndlessSendsTheBodyAgainAndAgainWithoutALength) {
    test::raw_connection raw(server.port());
    raw.send("GET " + feed.path + "?fault=endless HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string w;
    char buf[65536];
    while (w.size() < 4 * feed.bytes() + 4096) {  // more than the body, several times over
        pollfd p{raw.fd(), POLLIN, 0};
        ASSERT_GT(::poll(&p, 1, 3000), 0);
        auto n = ::recv(raw.fd(), buf, sizeof buf, 0);
        ASSERT_GT(n, 0);
        w.append(buf, std::size_t(n));
    }
    const auto head = w.substr(0, w.find("\r\n\r\n"));
    EXPECT_EQ(head.find("Content-Length"), std::string::npos);
    EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos);
    EXPECT_NE(head.find("Connection: close"), std::string::npos);
    const auto body = body_of(w);
    EXPECT_EQ(body.substr(0, feed.bytes()), feed.body);
    EXPECT_EQ(body.substr(feed.bytes(), feed.bytes()), feed.body);
}

TEST_F(fault_fixture, EntitiesDocumentNamesALargeEntityManyTimes) {
    test::curl_client client;
    auto r = client.get(server.base_url() + feed.path + "?fault=entities");
    EXPECT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(r.body.size(), 100'000u);
    EXPECT_NE(r.body.find("<!ENTITY e \""), std::string::npos);
    std::size_t refs = 0;
    for (auto at = r.body.find("&e;"); at != std::string::npos; at = r.body.find("&e;", at + 3)) ++refs;
    EXPECT_EQ(refs, 20'000u);
    EXPECT_TRUE(r.body == feedserver::entity_amplification_document());
}

TEST_F(fault_fixture, LengthConflictSendsTwoDisagreeingLengths) {
    bool closed = false;
    auto w = wire("fault=length-conflict", &closed);
    EXPECT_TRUE(closed);
    const auto head = w.substr(0, w.find("\r\n\r\n") + 2);
    EXPECT_NE(head.find("Content-Length: " + std::to_string(feed.bytes()) + "\r\n"), std::string::npos);
    EXPECT_NE(head.find("Content-Length: " + std::to_string(feed.bytes() + 100) + "\r\n"), std::string::npos);
    EXPECT_EQ(body_of(w), feed.body);
}

TEST_F(fault_fixture, LengthOverflowIsPast64Bits) {
    bool closed = false;
    auto w = wire("fault=length-overflow", &closed);
    EXPECT_TRUE(closed);
    EXPECT_NE(w.find("Content-Length: 99999999999999999999999\r\n"), std::string::npos);
    EXPECT_EQ(body_of(w), feed.body);
}
