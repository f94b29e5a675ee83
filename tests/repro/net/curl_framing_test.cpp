// The libcurl client's chunked decoder at the edges a hostile server picks: chunk-sizes of 16 hex digits
// and past 64 bits (Beast's parse_hex rule), a negative size, and what a chunk-size declares.
#include "repro/net/curl_framing.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace feedbench::test {
namespace {

bool feed(client::chunk_decoder& d, std::string_view in) {
    std::string out;
    return d.feed(in.data(), in.size(), &out);
}

TEST(chunk_decoder, sixteen_hex_digits_are_a_size_seventeen_are_past_64_bits) {
    client::chunk_decoder d;
    EXPECT_TRUE(feed(d, "7fffffffffffffff\r\nabc"));
    EXPECT_EQ(d.decoded(), 3u);
    EXPECT_EQ(d.declared(), 0x7fffffffffffffffull);  // fault=chunk-huge: too-large by what it declares
    d.reset();
    EXPECT_TRUE(feed(d, "ffffffffffffffff\r\n"));
    EXPECT_EQ(d.declared(), UINT64_MAX);
    d.reset();
    EXPECT_FALSE(feed(d, "10000000000000000\r\n"));  // fault=chunk-overflow
    d.reset();
    EXPECT_TRUE(feed(d, "00000000000000000003\r\nabc\r\n0\r\n\r\n"));  // leading zeros are no overflow
    EXPECT_TRUE(d.done());
    EXPECT_EQ(d.declared(), 3u);
    d.reset();
    EXPECT_TRUE(feed(d, "3\r\nabc\r\nffffffffffffffff\r\n"));
    EXPECT_EQ(d.declared(), UINT64_MAX);  // saturates: never wraps around to a small total
    d.reset();
    EXPECT_FALSE(feed(d, "-1\r\n"));  // fault=chunk-negative
}

}  // namespace
}  // namespace feedbench::test
