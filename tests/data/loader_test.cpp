// Directory loader and sniffers, on small inputs and on the shared real-world corpus.
#include "data/corpus.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

using namespace feedbench::data;

namespace {
std::filesystem::path shared_corpus() {
    const char* env = std::getenv("FEEDBENCH_SHARED_CORPUS");
    return env ? env : "";
}
}  // namespace

TEST(Sniff, Formats) {
    EXPECT_EQ(sniff_format("<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\"></rss>"), feed_format::rss);
    EXPECT_EQ(sniff_format("\xEF\xBB\xBF<feed xmlns=\"http://www.w3.org/2005/Atom\"/>"), feed_format::atom);
    EXPECT_EQ(sniff_format("<rdf:RDF xmlns:rdf=\"x\"></rdf:RDF>"), feed_format::rdf);
    EXPECT_EQ(sniff_format("<!DOCTYPE html>\n<html><body></body></html>"), feed_format::html);
    EXPECT_EQ(sniff_format("<HTML><body>"), feed_format::html);
    EXPECT_EQ(sniff_format("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}"),
              feed_format::jsonfeed);
    EXPECT_EQ(sniff_format(" [1, 2]"), feed_format::json);
    EXPECT_EQ(sniff_format("<hash><error>rate limited</error></hash>"), feed_format::unknown);
    EXPECT_EQ(sniff_format(std::string("<\0r\0s\0s\0>\0", 10)), feed_format::rss);  // UTF-16LE, no BOM
    EXPECT_EQ(sniff_format(""), feed_format::unknown);
}

TEST(Sniff, DeclaredCharset) {
    EXPECT_EQ(sniff_declared_charset("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>"), "iso-8859-1");
    EXPECT_EQ(sniff_declared_charset("<?xml version='1.0' encoding='utf-8' ?><rss/>"), "utf-8");
    EXPECT_EQ(sniff_declared_charset("<?xml version=\"1.0\"?><rss/>"), "");
    EXPECT_EQ(sniff_declared_charset("<rss/>"), "");
    EXPECT_EQ(sniff_declared_charset("\xEF\xBB\xBF<rss/>"), "utf-8");
    EXPECT_EQ(sniff_declared_charset("\xFF\xFE<\0r\0"), "utf-16le");
    EXPECT_EQ(sniff_declared_charset("\xFE\xFF\0<"), "utf-16be");
}

TEST(Sniff, ItemCount) {
    EXPECT_EQ(count_xml_items("<rss><channel><item/><item/></channel></rss>"), 2u);
    EXPECT_EQ(count_xml_items("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry/></feed>"), 1u);
    EXPECT_EQ(count_xml_items("<rdf:RDF xmlns:rdf=\"r\" xmlns=\"x\"><item/><item/><item/></rdf:RDF>"), 3u);
    EXPECT_EQ(count_xml_items("<rss><item></rss>"), 0u);  // not well-formed
}

TEST(Loader, TemporaryFolder) {
    auto dir = std::filesystem::temp_directory_path() / ("feedbench-loader-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "a.xml")
        << "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel><item/></channel></rss>";
    std::ofstream(dir / "b.xml")
        << "<?xml version=\"1.0\"?>\n<!--\nHeader:      Content-type: text/xml; charset='koi8-r'\n-->\n<rss/>";
    std::ofstream(dir / "LICENSE.txt") << "not served";
    std::ofstream(dir / "c d.json") << "{}";
    auto c = load_directory(dir);
    std::filesystem::remove_all(dir);
    ASSERT_EQ(c.feeds.size(), 3u);
    EXPECT_EQ(c.feeds[0].id, "a.xml");
    EXPECT_EQ(c.feeds[0].path, "/feeds/a.xml");
    EXPECT_EQ(c.feeds[0].charset, "iso-8859-1");
    EXPECT_EQ(c.feeds[0].content_type, "application/rss+xml");
    EXPECT_EQ(c.feeds[0].items, 1u);
    EXPECT_EQ(c.feeds[1].content_type, "text/xml; charset='koi8-r'");
    EXPECT_EQ(c.feeds[1].charset, "koi8-r");
    EXPECT_EQ(c.feeds[2].path, "/feeds/c%20d.json");
    EXPECT_EQ(c.feeds[2].format, feed_format::json);
}

TEST(Loader, Feeds2012) {
    auto dir = shared_corpus() / "feeds-2012";
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared corpus absent";
    auto c = load_directory(dir);
    EXPECT_EQ(c.feeds.size(), 388u);
    std::map<feed_format, int> formats;
    std::map<std::string, int> charsets;
    int well_formed_feeds = 0;
    for (const auto& f : c.feeds) {
        formats[f.format]++;
        charsets[f.charset]++;
        if (f.items > 0) well_formed_feeds++;
    }
    // The corpus README says 277 declare utf-8: it misses the 14 declarations in single quotes
    // (encoding='UTF-8'); 211 + 66 + 14 = 291.
    EXPECT_EQ(charsets["utf-8"], 291);
    EXPECT_EQ(charsets["iso-8859-1"], 18);
    EXPECT_EQ(charsets[""], 388 - 291 - 18);
    // Root-element sniffing; the 4 unknown are a <hash> error, two <adaptiveblue> documents and a PHP
    // warning page starting with <br />.
    EXPECT_EQ(formats[feed_format::rss], 262);
    EXPECT_EQ(formats[feed_format::atom], 85);
    EXPECT_EQ(formats[feed_format::rdf], 23);
    EXPECT_EQ(formats[feed_format::html], 14);
    EXPECT_EQ(formats[feed_format::unknown], 4);
    // Item counts: checked file by file against
    // xmllint --xpath 'count(//*[local-name()="item" or local-name()="entry"])' (all 388 agree).
    std::size_t items = 0;
    for (const auto& f : c.feeds) items += f.items;
    EXPECT_EQ(items, 7541u);
    EXPECT_EQ(well_formed_feeds, 388 - 27);  // 18 not well-formed, 4 not feeds, 5 feeds with no items
}

TEST(Loader, EncodingsHonourHeaderComment) {
    auto dir = shared_corpus() / "encodings";
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared corpus absent";
    auto c = load_directory(dir);
    EXPECT_EQ(c.feeds.size(), 90u);
    const auto* f = c.find_by_id("encoding_http_application_atom_xml_charset.xml");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->content_type, "application/atom+xml;charset='us-ascii'");
    EXPECT_EQ(f->charset, "us-ascii");
    const auto* big5 = c.find_by_id("encoding_big5.xml");
    ASSERT_NE(big5, nullptr);
    EXPECT_EQ(big5->charset, "big5");
    int with_header = 0;
    for (const auto& feed : c.feeds)
        if (feed.body.find("Header:") != std::string::npos && feed.body.find("Content-type:") != std::string::npos &&
            feed.content_type.find('+') + feed.content_type.find('/') > 0)
            with_header++;
    EXPECT_GE(with_header, 40);
}
