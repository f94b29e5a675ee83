// The shared string and statistics helpers on fixed inputs.
#include "repro/core/stats.hpp"
#include "repro/core/strings.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

using namespace feedbench::core;

TEST(Strings, TrimCompareLowerHex) {
    EXPECT_EQ(trim("  \tchunked\r\n"), "chunked");
    EXPECT_EQ(trim(" \r\n\t "), "");
    EXPECT_EQ(trim("a b"), "a b");
    EXPECT_TRUE(iequals("Content-Length", "content-length"));
    EXPECT_FALSE(iequals("Content-Length", "content-lengt"));
    EXPECT_EQ(to_lower("UTF-8 Chunked"), "utf-8 chunked");
    EXPECT_EQ(hex_digit_value('a'), 10);
    EXPECT_EQ(hex_digit_value('F'), 15);
    EXPECT_EQ(hex_digit_value('7'), 7);
    EXPECT_EQ(hex_digit_value('g'), -1);
    EXPECT_EQ(hex_digit(10), 'A');
    EXPECT_EQ(hex64(255), "00000000000000ff");
}

TEST(Strings, ReadFileReturnsEveryByteOrNothing) {
    const auto path = std::filesystem::temp_directory_path() / ("feedbench-core-" + std::to_string(::getpid()));
    {
        std::ofstream out(path, std::ios::binary);
        out << std::string("a\0b\r\n", 5);
    }
    EXPECT_EQ(read_file(path), std::string("a\0b\r\n", 5));
    std::filesystem::remove(path);
    EXPECT_FALSE(read_file(path).has_value());
}

TEST(Stats, MedianAndNearestRank) {
    EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
    EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
    EXPECT_TRUE(std::isnan(median({})));
    EXPECT_DOUBLE_EQ(median({}, 0), 0);
    const std::vector<double> sorted{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    EXPECT_DOUBLE_EQ(nearest_rank(sorted, 0.5), 5);
    EXPECT_DOUBLE_EQ(nearest_rank(sorted, 0.9), 9);
    EXPECT_DOUBLE_EQ(nearest_rank(sorted, 0.99), 10);
    EXPECT_DOUBLE_EQ(nearest_rank(sorted, 0), 1);
    EXPECT_TRUE(std::isnan(nearest_rank({}, 0.5)));
    EXPECT_DOUBLE_EQ(nearest_rank({}, 0.5, 0), 0);
}

TEST(Stats, RobustSpreadIsTheScaledMadAsAShareOfTheMedian) {
    // Median 100, deviations 0, 2, 2, 4, 10 -> MAD 2, scaled 2.9652: 2.9652% of the median.
    EXPECT_NEAR(robust_spread_pct({100, 98, 102, 104, 90}), 2.9652, 1e-9);
    EXPECT_NEAR(scaled_mad({100, 98, 102, 104, 90}), 2.9652, 1e-9);
    // One wild repetition does not set it (max - min would be 900%).
    EXPECT_NEAR(robust_spread_pct({100, 101, 99, 1000}), mad_to_sigma * 100 / 100.5, 1e-9);
    // NaN values are left out; fewer than two values or a zero median have no spread.
    EXPECT_NEAR(robust_spread_pct({100, no_value, 100}), 0, 1e-12);
    EXPECT_TRUE(std::isnan(robust_spread_pct({100})));
    EXPECT_TRUE(std::isnan(robust_spread_pct({})));
    EXPECT_TRUE(std::isnan(robust_spread_pct({-1, 0, 1})));
    EXPECT_TRUE(std::isnan(scaled_mad({no_value})));
    // Negative medians give a positive spread.
    EXPECT_NEAR(robust_spread_pct({-100, -98, -102}), robust_spread_pct({100, 98, 102}), 1e-12);
}

TEST(Stats, OutliersLieBeyondThreeScaledMads) {
    // Median 100, scaled MAD 1.4826: the limit is 4.45 from the median.
    auto f = outlier_flags({100, 101, 99, 100, 120});
    EXPECT_EQ(f, (std::vector<bool>{false, false, false, false, true}));
    EXPECT_EQ(outlier_flags({100, 101, 99, 100, 104}), (std::vector<bool>(5, false)));
    // Too few values (fewer than 5 that are not NaN): nothing is flagged, one flag per value all the same.
    EXPECT_EQ(outlier_flags({1, 1000}), (std::vector<bool>{false, false}));
    EXPECT_EQ(outlier_flags({100, 101, 99, 120}), (std::vector<bool>(4, false)));
    EXPECT_EQ(outlier_flags({100, 101, 99, no_value, 120}), (std::vector<bool>(5, false)));
    EXPECT_EQ(outlier_flags({100, 101, 99, 100, no_value, 120}),
              (std::vector<bool>{false, false, false, false, false, true}));
    // MAD 0: anything off the median is an outlier; NaN never is.
    EXPECT_EQ(outlier_flags({5, 5, 5, 5, 6, no_value}), (std::vector<bool>{false, false, false, false, true, false}));
    EXPECT_TRUE(outlier_flags({}).empty());
}

}  // namespace
