// CSV written by csv_record reads back field for field, whatever the fields hold; TSV splits at tabs.
#include "repro/core/csv.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace feedbench::core;

TEST(Csv, PlainFieldsAreWrittenAsTheyAre) {
    EXPECT_EQ(csv_field("feed-000-rss"), "feed-000-rss");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_record({"1", "a b", ""}), "1,a b,\n");
}

TEST(Csv, CommasQuotesAndLineBreaksAreQuoted) {
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

TEST(Csv, TheReaderReadsBackWhatTheWriterWrote) {
    const std::vector<std::vector<std::string>> rows{
        {"job", "feed", "message"},
        {"1", "feed,odd", "HTTP 500"},
        {"2", "quote \"q\"", "two\nlines"},
        {"3", "", "crlf\r\ninside"},
        {"4", "\"", ",,"},
        {"5", "trailing", ""},
    };
    std::string text;
    for (const auto& r : rows) text += csv_record(r);
    EXPECT_EQ(parse_csv(text), rows);

    std::istringstream in(text);
    csv_reader reader(in);
    std::vector<std::string> fields;
    std::vector<std::size_t> lines;
    while (reader.next(fields)) lines.push_back(reader.line());
    EXPECT_EQ(lines, (std::vector<std::size_t>{1, 2, 3, 5, 7, 8}));  // records 2 and 3 span two lines
}

TEST(Csv, CrlfEndsARecordAndBlankLinesAreSkipped) {
    const auto rows = parse_csv("a,b\r\n\r\n1,\"x\r\ny\"\r\n\n2,3");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "x\r\ny"}));
    EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "3"}));
    EXPECT_TRUE(parse_csv("").empty());
}

TEST(Tsv, SplitsAtTabsAndFieldsLoseTheirTabs) {
    EXPECT_EQ(split_tsv("a\tb\t\r"), (std::vector<std::string>{"a", "b", ""}));
    EXPECT_EQ(split_tsv(""), (std::vector<std::string>{""}));
    EXPECT_EQ(tsv_field("a\tb\nc"), "a b c");
}
