// Request-side helpers: percent-decoding, the traversal check, and the handler memory slots.
#include "feedserver/handler_memory.hpp"
#include "feedserver/request.hpp"

#include <gtest/gtest.h>

using namespace feedbench::feedserver;

namespace {
std::optional<std::string> decode(std::string_view in) {
    std::array<char, 8 * 1024> out{};
    std::size_t n = 0;
    if (!percent_decode(in, out, n)) return std::nullopt;
    return std::string(out.data(), n);
}
}  // namespace

TEST(Request, PercentDecode) {
    EXPECT_EQ(decode("/feeds/a%20b.xml"), "/feeds/a b.xml");
    EXPECT_EQ(decode("/%2e%2E/x"), "/../x");
    EXPECT_EQ(decode("/%41"), "/A");
    EXPECT_EQ(decode("/plain"), "/plain");
    EXPECT_FALSE(decode("/%4"));
    EXPECT_FALSE(decode("/%"));
    EXPECT_FALSE(decode("/%zz"));
    EXPECT_FALSE(decode("/a%00b"));
}

TEST(Request, Traversal) {
    for (const char* bad :
         {"/..", "/../etc/passwd", "/feeds/../manifest", "/feeds/..", "/./x", "/a/./b", "/a\\b", ".."})
        EXPECT_TRUE(is_traversal(bad)) << bad;
    for (const char* ok : {"/", "/feeds/feed-001-rss.xml", "/feeds/a..b", "/...", "/feeds/.hidden", "/manifest"})
        EXPECT_FALSE(is_traversal(ok)) << ok;
}

TEST(HandlerMemory, SlotsThenFallback) {
    handler_memory m;
    void* a = m.allocate(100);
    void* b = m.allocate(1024);
    void* c = m.allocate(10);
    void* d = m.allocate(10);
    void* big = m.allocate(5000);  // larger than a slot: heap
    void* e = m.allocate(10);      // all four slots taken: heap
    EXPECT_NE(a, b);
    for (void* p : {a, b, c, d, big, e}) EXPECT_NE(p, nullptr);
    m.deallocate(b);
    EXPECT_EQ(m.allocate(512), b);  // a freed slot is reused
    for (void* p : {a, b, c, d, big, e}) m.deallocate(p);
}
