// Response assembly without sockets: prebuilt heads, canned responses, every mode's and fault's wire
// bytes, and the /stats JSON.
#include "feedserver/hostile.hpp"
#include "feedserver/response.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace feedbench::feedserver;

namespace {
const std::string body = std::string(300, 'x') + "</rss>\n";

// The bytes a client reads: the pieces in order.
std::string wire(const assembled_response& r) {
    std::string out;
    for (std::size_t i = 0; i < r.piece_count; ++i) out.append(r.pieces[i]);
    return out;
}

assembled_response assemble(const std::string& query, bool keep_alive = true, bool head_only = false,
                            const request_info& request = {}) {
    static const resource res = make_resource("application/rss+xml", body);
    static const canned_responses canned;
    static response_scratch scratch;
    response_mode mode;
    EXPECT_FALSE(apply_query(query, mode)) << query;
    return assemble_response(res, mode, keep_alive, head_only, canned, scratch, request);
}

std::string header_block(const std::string& w) { return w.substr(0, w.find("\r\n\r\n") + 4); }
std::string body_of(const std::string& w) { return w.substr(w.find("\r\n\r\n") + 4); }
}  // namespace

TEST(Response, PrebuiltHeads) {
    auto r = make_resource("application/rss+xml", body);
    EXPECT_EQ(r.head_keep_alive,
              "HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: application/rss+xml\r\n"
              "Content-Length: 307\r\n\r\n");
    EXPECT_EQ(r.head_close,
              "HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: application/rss+xml\r\n"
              "Content-Length: 307\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(r.body.data(), body.data());  // a view, never a copy
    EXPECT_EQ(r.file_offset, -1);
}

TEST(Response, CannedResponses) {
    canned_responses c;
    EXPECT_EQ(c.not_found.keep_alive,
              "HTTP/1.1 404 Not Found\r\nServer: feedserver\r\nContent-Type: text/plain; "
              "charset=utf-8\r\nContent-Length: 14\r\n\r\n404 Not Found\n");
    EXPECT_NE(c.method_not_allowed.close.find("Allow: GET, HEAD\r\nConnection: close\r\n\r\n405 "), std::string::npos);
    EXPECT_EQ(head_of(c.bad_request.close),
              c.bad_request.close.substr(0, c.bad_request.close.find("400 Bad Request\n")));
    EXPECT_EQ(head_of("no blank line"), "no blank line");
}

TEST(Response, DefaultModeIsHeadAndBodyInOnePiece) {
    auto r = assemble("nodelay=0");
    EXPECT_EQ(r.piece_count, 1u);
    EXPECT_EQ(r.then, after_write::keep_alive);
    EXPECT_FALSE(r.fault);
    EXPECT_EQ(body_of(wire(r)), body);
    EXPECT_EQ(assemble("nodelay=0", false).then, after_write::close);
}

TEST(Response, SplitKeepsHeadAndBodyApart) {
    auto r = assemble("split=1");
    ASSERT_EQ(r.piece_count, 2u);
    EXPECT_EQ(r.pieces[1], body);
    EXPECT_EQ(header_block(std::string(r.pieces[0])), std::string(r.pieces[0]));
}

TEST(Response, Chunked) {
    auto w = wire(assemble("chunk=100"));
    EXPECT_NE(header_block(w).find("Transfer-Encoding: chunked\r\n"), std::string::npos);
    EXPECT_EQ(header_block(w).find("Content-Length"), std::string::npos);
    EXPECT_EQ(body_of(w), "64\r\n" + body.substr(0, 100) + "\r\n64\r\n" + body.substr(100, 100) + "\r\n64\r\n" +
                              body.substr(200, 100) + "\r\n7\r\n" + body.substr(300) + "\r\n0\r\n\r\n");
    std::string out;
    append_chunked("", 10, out);
    EXPECT_EQ(out, "0\r\n\r\n");
}

TEST(Response, HeadRequestGetsNoBody) {
    auto w = wire(assemble("chunk=100", true, true));
    EXPECT_EQ(body_of(w), "");
    EXPECT_EQ(body_of(wire(assemble("fault=html", true, true))), "");
}

TEST(Response, FaultsCloseWhereTheyBreakFraming) {
    struct expect {
        const char* query;
        after_write then;
        const char* in_head;
        std::size_t body_bytes;
    };
    const expect cases[] = {
        {"fault=close-mid-body", after_write::close, "Content-Length: 307\r\nConnection: close", body.size() / 2},
        {"fault=length-long", after_write::close, "Content-Length: 407\r\n", body.size()},
        {"fault=length-short", after_write::close, "Content-Length: 153\r\n", body.size()},
        {"fault=length-tib", after_write::close, "Content-Length: 1099511627775\r\n", body.size()},
        {"fault=length-2g", after_write::close, "Content-Length: 2147483648\r\n", 100},
        {"fault=length-conflict", after_write::close, "Content-Length: 307\r\nContent-Length: 407\r\n", body.size()},
        {"fault=length-overflow", after_write::close, "Content-Length: 99999999999999999999999\r\n", body.size()},
        {"fault=stall", after_write::stall, "Connection: close", 0},
        {"fault=endless", after_write::endless, "Connection: close", body.size()},
        {"fault=bogus-charset", after_write::keep_alive, "application/xml; charset=x-bogus-42", body.size()},
    };
    for (const auto& c : cases) {
        auto r = assemble(c.query);
        auto w = wire(r);
        EXPECT_TRUE(r.fault) << c.query;
        EXPECT_EQ(r.then, c.then) << c.query;
        EXPECT_NE(header_block(w).find(c.in_head), std::string::npos) << c.query << ": " << header_block(w);
        EXPECT_EQ(body_of(w).size(), c.body_bytes) << c.query;
    }
    EXPECT_EQ(assemble("fault=endless").endless_body, body);
    EXPECT_EQ(assemble("fault=endless", true, true).then, after_write::close);  // HEAD: nothing to repeat
}

TEST(Response, FaultBodies) {
    auto bad = body_of(wire(assemble("fault=bad-chunk")));
    EXPECT_EQ(bad, "40\r\n" + body.substr(0, 64) + "\r\nzz-not-hex\r\n" + body.substr(64, 64));
    EXPECT_EQ(body_of(wire(assemble("fault=html"))), html_page());
    EXPECT_EQ(body_of(wire(assemble("fault=entities"))), entity_amplification_document());
    auto w500 = wire(assemble("fault=status-500"));
    EXPECT_EQ(w500, canned_responses{}.internal_error.keep_alive);
    EXPECT_EQ(assemble("fault=status-500").then, after_write::keep_alive);
}

TEST(Response, HostileDocumentsAreWholeResponses) {
    const std::string xxe_network = xxe_network_document("http://127.0.0.1:8080");
    struct expect {
        const char* query;
        std::string_view document;
        const char* in_head;
    };
    const expect cases[] = {
        {"fault=billion-laughs", billion_laughs_document(), "application/rss+xml"},
        {"fault=xxe-file", xxe_file_document(), "application/rss+xml"},
        {"fault=xxe-parameter", xxe_parameter_document(), "application/rss+xml"},
        {"fault=xxe-dtd", xxe_dtd_document(), "application/rss+xml"},
        {"fault=xxe-network", xxe_network, "application/rss+xml"},
        {"fault=xinclude", xinclude_document(), "application/rss+xml"},
        {"fault=deep-xml", deep_xml_document(), "application/rss+xml"},
        {"fault=deep-json", deep_json_document(), "Content-Type: application/feed+json\r\n"},
        {"fault=invalid-utf8", invalid_utf8_document(), "application/rss+xml"},
        {"fault=injected-charset", body, "Content-Type: application/rss+xml; charset=utf-32\"\r\n"},
        {"fault=gzip-bomb", gzip_bomb_body(), "Content-Encoding: gzip\r\n"},
    };
    for (const auto& c : cases) {
        auto r = assemble(c.query, true, false, {"http://127.0.0.1:8080", "/x"});
        auto w = wire(r);
        EXPECT_TRUE(r.fault) << c.query;
        EXPECT_EQ(r.then, after_write::keep_alive) << c.query;
        EXPECT_NE(header_block(w).find(c.in_head), std::string::npos) << c.query << ": " << header_block(w);
        EXPECT_NE(header_block(w).find("Content-Length: " + std::to_string(c.document.size()) + "\r\n"),
                  std::string::npos)
            << c.query;
        EXPECT_TRUE(body_of(w) == c.document) << c.query;
        EXPECT_EQ(body_of(wire(assemble(c.query, false, true))), "") << c.query;  // HEAD
        EXPECT_EQ(assemble(c.query, false).then, after_write::close) << c.query;
    }
}

TEST(Response, InjectedCharsetEndsTheFieldEarly) {
    auto w = wire(assemble("fault=injected-charset"));
    EXPECT_NE(header_block(w).find("\r\nX-Injected: charset=utf-16\r\n"), std::string::npos) << header_block(w);
}

TEST(Response, RedirectLoopPointsAtItself) {
    auto r =
        assemble("fault=redirect-loop", true, false, {"http://127.0.0.1:8080", "/feeds/a.xml?fault=redirect-loop"});
    EXPECT_EQ(wire(r),
              "HTTP/1.1 302 Found\r\nServer: feedserver\r\nLocation: "
              "http://127.0.0.1:8080/feeds/a.xml?fault=redirect-loop\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(r.then, after_write::keep_alive);
}

TEST(Response, EndlessStreamsRepeatABlockUpToTheirBound) {
    auto cont = assemble("fault=endless-continue");
    EXPECT_EQ(wire(cont), "HTTP/1.1 100 Continue\r\n\r\n");
    EXPECT_EQ(cont.then, after_write::endless);
    EXPECT_EQ(cont.endless_limit, hostile_stream_bytes);
    const std::string_view unit = "HTTP/1.1 100 Continue\r\n\r\n";
    ASSERT_FALSE(cont.endless_body.empty());
    EXPECT_LE(cont.endless_body.size(), 64u * 1024);
    EXPECT_EQ(cont.endless_body.size() % unit.size(), 0u);
    for (std::size_t at = 0; at < cont.endless_body.size(); at += unit.size())
        ASSERT_EQ(cont.endless_body.substr(at, unit.size()), unit) << at;

    auto headers = assemble("fault=endless-headers");
    const std::string head = wire(headers);
    EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    EXPECT_EQ(headers.then, after_write::endless);
    EXPECT_EQ(headers.endless_limit, hostile_stream_bytes);
    // Header lines only: the head never ends.
    const std::string stream = head + std::string(headers.endless_body) + std::string(headers.endless_body);
    EXPECT_EQ(stream.find("\r\n\r\n"), std::string::npos);
    EXPECT_EQ(headers.endless_body.rfind("X-Endless: ", 0), 0u);
    EXPECT_EQ(assemble("fault=endless").endless_limit, endless_fault_bytes);
}

TEST(Response, BrokenFraming) {
    auto rst = assemble("fault=rst-mid-body");
    EXPECT_EQ(rst.then, after_write::reset);
    EXPECT_EQ(body_of(wire(rst)), body.substr(0, body.size() / 2));
    EXPECT_NE(header_block(wire(rst)).find("Content-Length: 307\r\n"), std::string::npos);

    auto http09 = assemble("fault=http09");
    EXPECT_EQ(wire(http09), body);  // no status line, no headers
    EXPECT_EQ(http09.then, after_write::close);

    auto garbage = assemble("fault=garbage-status");
    EXPECT_EQ(wire(garbage).rfind("HTTP/1.1 2xx Garbage\r\nServer: feedserver\r\n", 0), 0u);
    EXPECT_EQ(body_of(wire(garbage)), body);
    EXPECT_EQ(garbage.then, after_write::close);

    const std::pair<const char*, const char*> chunks[] = {
        {"fault=chunk-overflow", "10000000000000000\r\n"},
        {"fault=chunk-negative", "-1\r\n"},
        {"fault=chunk-huge", "7fffffffffffffff\r\n"},
    };
    for (auto [query, size_line] : chunks) {
        auto r = assemble(query);
        EXPECT_EQ(r.then, after_write::close) << query;
        EXPECT_NE(header_block(wire(r)).find("Transfer-Encoding: chunked\r\n"), std::string::npos) << query;
        EXPECT_EQ(body_of(wire(r)), size_line + body.substr(0, 100)) << query;
    }
}

TEST(Response, StatsJsonHasEveryCounter) {
    server_stats s;
    s.connections = 5;
    s.requests = 7;
    s.bytes = 1ull << 40;
    s.faults = 2;
    auto text = stats_json(s);
    ASSERT_EQ(text.back(), '\n');
    auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j.at("connections"), 5u);
    EXPECT_EQ(j.at("requests"), 7u);
    EXPECT_EQ(j.at("bytes"), 1ull << 40);
    EXPECT_EQ(j.at("faults"), 2u);
    for (const char* key : {"open_connections", "bad_request", "header_too_large", "method_not_allowed", "not_found",
                            "bad_query", "timeouts", "rejected_connections"})
        EXPECT_EQ(j.at(key), 0u) << key;
    EXPECT_EQ(j.size(), 12u);
}
