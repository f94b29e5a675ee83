#include "repro/intake/feed_path.hpp"

#include <gtest/gtest.h>

using feedbench::intake::feed_path;

TEST(feed_path, a_manifest_id_is_its_own_segment) {
    EXPECT_EQ(feed_path("feed-007-rss"), "/feeds/feed-007-rss");
    EXPECT_EQ(feed_path("encoding_big5.xml"), "/feeds/encoding_big5.xml");
}

// A message body is any bytes: none of them may end the request line, add a header, a segment or a query
// (tests/data/fuzz-regressions/amqp_job_id/crlf_header_injection replays it through the fuzz target).
TEST(feed_path, no_id_can_leave_its_segment) {
    EXPECT_EQ(feed_path("a b\r\nX-Injected: 1"), "/feeds/a%20b%0D%0AX-Injected:%201");
    EXPECT_EQ(feed_path("../x?y#z%"), "/feeds/..%2Fx%3Fy%23z%25");
    EXPECT_EQ(feed_path(std::string_view("\0\xff", 2)), "/feeds/%00%FF");
}
