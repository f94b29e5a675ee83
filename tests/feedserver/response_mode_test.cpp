// Query overrides: accepted values, bounds (out of range -> error naming the key), fault names.
#include "feedserver/response_mode.hpp"

#include <gtest/gtest.h>

using namespace feedbench::feedserver;

TEST(ResponseMode, DefaultIsPlain) {
    response_mode m;
    EXPECT_TRUE(m.is_plain());
    EXPECT_FALSE(apply_query("", m));
    EXPECT_TRUE(m.is_plain());
}

TEST(ResponseMode, ParsesEveryKey) {
    response_mode m;
    ASSERT_FALSE(apply_query("chunk=4096&segment=100&rate=50000&delay=10-20&nodelay=0&split=1&fault=stall", m));
    EXPECT_EQ(m.chunk, 4096u);
    EXPECT_EQ(m.segment, 100u);
    EXPECT_EQ(m.rate, 50000u);
    EXPECT_EQ(m.delay_min_ms, 10u);
    EXPECT_EQ(m.delay_max_ms, 20u);
    EXPECT_FALSE(m.nodelay);
    EXPECT_TRUE(m.split);
    EXPECT_EQ(m.fault, fault_mode::stall);
    EXPECT_FALSE(m.is_plain());
    ASSERT_FALSE(apply_query("delay=7", m));
    EXPECT_EQ(m.delay_min_ms, 7u);
    EXPECT_EQ(m.delay_max_ms, 7u);
    ASSERT_FALSE(apply_query("rate=0&chunk=0", m));
    EXPECT_EQ(m.rate, 0u);
}

TEST(ResponseMode, RejectsOutOfRange) {
    for (const char* q : {"chunk=1048577", "chunk=-1", "chunk=abc", "segment=99999999", "rate=10", "rate=x",
                          "delay=60001", "delay=20-10", "delay=1-", "delay=-5", "nodelay=2", "split=yes",
                          "fault=explode", "bogus=1", "chunk", "chunk="}) {
        response_mode m;
        auto err = apply_query(q, m);
        ASSERT_TRUE(err) << q;
    }
    response_mode m;
    auto err = apply_query("rate=10", m);
    EXPECT_NE(err->find("rate"), std::string::npos);
}

TEST(ResponseMode, FaultNamesRoundTrip) {
    for (auto f : {fault_mode::close_mid_body, fault_mode::length_long, fault_mode::length_short, fault_mode::bad_chunk,
                   fault_mode::stall, fault_mode::html, fault_mode::bogus_charset, fault_mode::status_500,
                   fault_mode::length_tib, fault_mode::length_2g, fault_mode::endless, fault_mode::entities,
                   fault_mode::length_conflict, fault_mode::length_overflow}) {
        EXPECT_EQ(parse_fault_mode(to_string(f)), f);
        EXPECT_NE(query_help().find(to_string(f)), std::string_view::npos);
    }
    // The hostile ones, billion-laughs .. chunk-huge, in declaration order.
    for (int i = static_cast<int>(fault_mode::billion_laughs); i <= static_cast<int>(fault_mode::chunk_huge); ++i) {
        const auto f = static_cast<fault_mode>(i);
        EXPECT_NE(to_string(f), "none") << i;
        EXPECT_EQ(parse_fault_mode(to_string(f)), f) << to_string(f);
        EXPECT_NE(query_help().find("     " + std::string(to_string(f)) + " "), std::string_view::npos) << to_string(f);
    }
}
