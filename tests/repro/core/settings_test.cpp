// The vocabulary: read sizes, pools, the enum knobs, intake and stages parse and print as the CLI spells them.
#include "repro/core/settings.hpp"
#include "repro/core/stage.hpp"

#include <gtest/gtest.h>

namespace {

using namespace feedbench::core;

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
    for (const char* bad : {"abc", "", "0", "-1", "10q", "k", "1.5k"})
        EXPECT_THROW(read_size::parse(bad), std::invalid_argument) << bad;
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
    for (const char* bad : {"0", "threads:", "threads:0", "x", "-3"})
        EXPECT_THROW(pool_spec::parse(bad), std::invalid_argument) << bad;
}

TEST(Enums, RoundTrip) {
    EXPECT_EQ(parse_yield(to_string(yield_policy::would_block)), yield_policy::would_block);
    EXPECT_EQ(to_string(yield_policy::would_block), "would-block");
    EXPECT_EQ(parse_consume("lazy"), consume_mode::lazy);
    EXPECT_EQ(parse_charset("text"), charset_mode::text);
    EXPECT_EQ(parse_client("curl"), client_kind::curl);
    EXPECT_THROW(parse_yield("sometimes"), std::invalid_argument);
    EXPECT_EQ(parse_amqp_mode("get"), amqp_mode::get);
    EXPECT_EQ(to_string(amqp_mode::consume), "consume");
    EXPECT_THROW(parse_amqp_mode("poll"), std::invalid_argument);
}

TEST(Enums, ErrorsNameTheValueAndTheWords) {
    auto message = [](auto parse, const char* value) {
        try {
            parse(value);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message(parse_client, "wget"), "'wget' is not a client (use beast, curl or memory)");
    EXPECT_EQ(message(parse_consume, "soon"), "'soon' is not a consume mode (use eager or lazy)");
    EXPECT_EQ(message(parse_yield, "x"), "'x' is not a yield policy (use would-block or always)");
    EXPECT_EQ(message(parse_charset, "x"), "'x' is not a charset mode (use content or text)");
    EXPECT_EQ(message(parse_amqp_mode, "x"), "'x' is not an AMQP mode (use get or consume)");
    EXPECT_EQ(message(pool_spec::parse, "0"), "'0' is not a pool (use N for N coroutines on one thread, or threads:N)");
    EXPECT_EQ(client_words.usage(), "beast, curl or memory");
}

TEST(Intake, EmbeddedOrAnAmqpUrl) {
    EXPECT_EQ(parse_intake("embedded"), intake_kind::embedded);
    EXPECT_EQ(parse_intake(""), intake_kind::embedded);
    EXPECT_EQ(parse_intake("amqp://127.0.0.1:5672/jobs"), intake_kind::amqp);
    EXPECT_EQ(to_string(intake_kind::amqp), "amqp");
    EXPECT_THROW(parse_intake("carrier-pigeon"), std::invalid_argument);
}

TEST(Stage, NamesRoundTripInOrder) {
    EXPECT_EQ(stage_names.size(), stage_count);
    EXPECT_EQ(to_string(stage::intake), "intake");
    EXPECT_EQ(to_string(stage::ack), "ack");
    for (std::size_t i = 0; i < stage_count; ++i) EXPECT_EQ(parse_stage(stage_names[i]), static_cast<stage>(i));
    EXPECT_FALSE(parse_stage("fetch").has_value());
}

}  // namespace
