// The error classes print and parse back by the names jobs.csv and the summary use.
#include "repro/core/error_class.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace feedbench::core;

TEST(ErrorClass, EveryNameParsesBackToItsClass) {
    for (std::size_t i = 0; i < error_class_count; ++i) {
        const auto c = static_cast<error_class>(i);
        EXPECT_EQ(parse_error_class(to_string(c)), c) << to_string(c);
    }
    EXPECT_EQ(to_string(error_class::not_a_feed), "not-a-feed");
    EXPECT_EQ(to_string(error_class::too_large), "too-large");
    EXPECT_EQ(to_string(error_class::none), "");
    EXPECT_EQ(parse_error_class(""), error_class::none);
}

TEST(ErrorClass, AWordThatIsNoClassIsRefused) {
    EXPECT_EQ(parse_error_class("not_a_feed"), std::nullopt);
    EXPECT_EQ(parse_error_class("Parse"), std::nullopt);
    EXPECT_EQ(parse_error_class("unknown"), std::nullopt);
}

TEST(ErrorClass, PrintsItsName) {
    std::ostringstream o;
    o << error_class::amplification << ' ' << error_class::none;
    EXPECT_EQ(o.str(), "amplification none");
}
