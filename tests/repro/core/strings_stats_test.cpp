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

}  // namespace
