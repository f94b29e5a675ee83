// The configuration's words: read sizes, pools and the enum knobs parse and print as the CLI spells them.
#include "repro/worker/config.hpp"

#include <gtest/gtest.h>

namespace {

using namespace feedbench::worker;

TEST(ReadSize, ParsesTheVocabulary) {
    EXPECT_EQ(read_size::parse("1").bytes, 1u);
    EXPECT_EQ(read_size::parse("64").bytes, 64u);
    EXPECT_EQ(read_size::parse("1k").bytes, 1024u);
    EXPECT_EQ(read_size::parse("10k").bytes, 10240u);
    EXPECT_EQ(read_size::parse("500k").bytes, 512000u);
    EXPECT_TRUE(read_size::parse("whole").is_whole());
    EXPECT_EQ(read_size::parse("10k").to_string(), "10k");
    EXPECT_EQ(read_size::parse("500k").to_string(), "500k");
    EXPECT_EQ(read_size::parse("1000").to_string(), "1000");
    EXPECT_EQ(read_size::parse("whole").to_string(), "whole");
    for (const char* bad : {"abc", "", "0", "-1", "10q", "k", "1.5k"}) EXPECT_THROW(read_size::parse(bad), std::invalid_argument) << bad;
    try {
        read_size::parse("abc");
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "'abc' is not a byte count (use 1, 10k, 500k, whole or N)");
    }
}

TEST(PoolSpec, ParsesPoolsAndThreads) {
    EXPECT_EQ(pool_spec::parse("20").size, 20u);
    EXPECT_FALSE(pool_spec::parse("20").threads);
    EXPECT_TRUE(pool_spec::parse("threads:2").threads);
    EXPECT_EQ(pool_spec::parse("threads:2").size, 2u);
    EXPECT_EQ(pool_spec::parse("threads:2").to_string(), "threads:2");
    EXPECT_EQ(pool_spec::parse("1").to_string(), "1");
    for (const char* bad : {"0", "threads:", "threads:0", "x", "-3"}) EXPECT_THROW(pool_spec::parse(bad), std::invalid_argument) << bad;
}

TEST(Enums, RoundTrip) {
    EXPECT_EQ(parse_yield(to_string(yield_policy::would_block)), yield_policy::would_block);
    EXPECT_EQ(to_string(yield_policy::would_block), "would-block");
    EXPECT_EQ(parse_consume("lazy"), consume_mode::lazy);
    EXPECT_EQ(parse_charset("text"), charset_mode::text);
    EXPECT_EQ(parse_client("curl"), client_kind::curl);
    EXPECT_THROW(parse_yield("sometimes"), std::invalid_argument);
}

}  // namespace
