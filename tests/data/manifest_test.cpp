// Manifest TSV: header row, 7 columns, round trip, errors name the bad line.
#include "data/corpus.hpp"

#include <gtest/gtest.h>

using namespace feedbench::data;

TEST(Manifest, RoundTrip) {
    auto c = generate_synthetic({.feeds = 9});
    auto tsv = manifest_tsv(c);
    EXPECT_TRUE(tsv.starts_with("id\tpath\tformat\tbytes\tcharset\tcontent_type\titems\n"));
    auto entries = parse_manifest(tsv);
    ASSERT_EQ(entries.size(), c.feeds.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        const auto& f = c.feeds[i];
        EXPECT_EQ(e.id, f.id);
        EXPECT_EQ(e.path, f.path);
        EXPECT_EQ(e.format, f.format);
        EXPECT_EQ(e.bytes, f.bytes());
        EXPECT_EQ(e.charset, f.charset);
        EXPECT_EQ(e.content_type, f.content_type);
        EXPECT_EQ(e.items, f.items);
    }
}

TEST(Manifest, FormatNamesRoundTrip) {
    for (auto f : {feed_format::rss, feed_format::atom, feed_format::rdf, feed_format::jsonfeed, feed_format::json,
                   feed_format::html, feed_format::unknown})
        EXPECT_EQ(parse_feed_format(to_string(f)), f);
    EXPECT_FALSE(parse_feed_format("xml"));
}

TEST(Manifest, BadInputNamesTheLine) {
    const std::string header = "id\tpath\tformat\tbytes\tcharset\tcontent_type\titems\n";
    EXPECT_THROW(parse_manifest(""), std::runtime_error);
    EXPECT_THROW(parse_manifest("id\tpath\n"), std::runtime_error);
    try {
        parse_manifest(header + "a\t/a\trss\t10\t\ttext/xml\t1\nb\t/b\trss\tten\t\ttext/xml\t1\n");
        FAIL() << "no throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse_manifest(header + "a\t/a\tbogus\t10\t\ttext/xml\t1\n"), std::runtime_error);
    EXPECT_THROW(parse_manifest(header + "a\t/a\trss\t10\n"), std::runtime_error);
}
