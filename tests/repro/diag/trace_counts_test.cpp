// Counting receive calls: percentiles by nearest rank, the log2 buckets, EAGAIN and errors kept apart.
#include "repro/diag/trace_counts.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace diag = feedbench::diag;

TEST(TraceCounts, Log2BucketsHoldPowersOfTwoRanges) {
    EXPECT_EQ(diag::log2_bucket(0), 0u);
    EXPECT_EQ(diag::log2_bucket(1), 1u);
    EXPECT_EQ(diag::log2_bucket(2), 2u);
    EXPECT_EQ(diag::log2_bucket(3), 2u);
    EXPECT_EQ(diag::log2_bucket(4), 3u);
    EXPECT_EQ(diag::log2_bucket(65535), 16u);
    EXPECT_EQ(diag::log2_bucket(65536), 17u);
    for (std::size_t b = 1; b < 40; ++b) {
        EXPECT_EQ(diag::log2_bucket(diag::log2_bucket_low(b)), b);
        EXPECT_EQ(diag::log2_bucket(diag::log2_bucket_high(b)), b);
    }
}

TEST(TraceCounts, SummaryCountsCallsBytesAndPercentiles) {
    diag::trace_counts c;
    c.add_recv(10, 5, 1, 98);    // 98 one-byte reads
    c.add_recv(10, 5, 1000, 2);  // 2 of 1000 bytes
    c.add_recv(10, 5, -EAGAIN, 7);
    c.add_recv(11, 6, -ECONNRESET);
    c.add_recv(11, 6, 0);  // EOF
    c.add_wait(10, 3, 3000);
    auto s = diag::summarize(c);
    EXPECT_EQ(s.calls, 98u + 2 + 7 + 1 + 1);
    EXPECT_EQ(s.data_calls, 101u);
    EXPECT_EQ(s.bytes, 98u + 2000);
    EXPECT_EQ(s.eagain, 7u);
    EXPECT_EQ(s.errors, 1u);
    EXPECT_EQ(s.p50, 1);
    EXPECT_EQ(s.p99, 1000);
    EXPECT_EQ(s.max, 1000);
    EXPECT_EQ(s.waits, 3u);
    EXPECT_EQ(s.wait_ns, 3000u);
    ASSERT_EQ(s.log2_calls.size(), 11u);  // 1000 is in [512, 1024): bucket 10
    EXPECT_EQ(s.log2_calls[0], 1u);
    EXPECT_EQ(s.log2_calls[1], 98u);
    EXPECT_EQ(s.log2_calls[10], 2u);
    EXPECT_EQ(s.log2_bytes[10], 2000u);
    EXPECT_EQ(c.fds.at(5).calls, 107u);
    EXPECT_EQ(c.fds.at(5).bytes, 2098u);
    EXPECT_EQ(c.fds.at(5).eagain, 7u);
    EXPECT_EQ(c.fds.at(6).calls, 2u);

    auto t11 = diag::summarize(c.threads.at(11));
    EXPECT_EQ(t11.calls, 2u);
    EXPECT_EQ(t11.p50, 0);
}

TEST(TraceCounts, EmptyIsAllZero) {
    diag::trace_counts c;
    auto s = diag::summarize(c);
    EXPECT_EQ(s.calls, 0u);
    EXPECT_EQ(s.p50, 0);
    EXPECT_TRUE(s.log2_calls.empty());
}
