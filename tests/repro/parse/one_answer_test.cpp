// One answer for one input: for malformed and hostile documents, parse_eager and parse_lazy at every read
// size (1, 7, 4096, whole) give the same ok / error class, and on success the same items.
#include "repro/parse/feed_parser.hpp"
#include "repro/parse/parser_variants.hpp"
#include "repro/parse/xml_feed.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fp = feedbench::parse;

namespace {

struct table_row {
    std::string name;
    std::string body;
};

const std::string good_rss = R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Chan</title>
<item><title>First</title><link>http://x/1</link><pubDate>Mon, 23 Apr 2012 10:00:00 GMT</pubDate></item>
<item><title>Second</title><link>http://x/2</link></item>
</channel></rss>)";

std::vector<table_row> malformed_documents() {
    std::vector<table_row> rows = {
        {"empty", ""},
        {"whitespace only", "  \n\t "},
        {"utf-8 bom only", "\xEF\xBB\xBF"},
        {"garbage", "this is not a feed at all"},
        {"binary garbage", std::string("<\x01\x02\xff\xfe\x00\x7f<<>>", 12)},
        {"nul after the start", std::string("<rss>\0</rss>", 12)},
        {"unclosed root", "<rss version=\"2.0\"><channel><item><title>t</title></item></channel>"},
        {"unclosed root with declaration", "<?xml version=\"1.0\"?><rss><channel><title>t</title></channel>"},
        {"euc-kr declared, unclosed root",
         "<?xml version=\"1.0\" encoding=\"euc-kr\"?>\n<rss version=\"2.0\"><channel><title>t</title>"
         "<item><title>\xB0\xA1</title><link>http://x/1</link></item></channel>"},
        {"euc-kr declared, closed",
         "<?xml version=\"1.0\" encoding=\"euc-kr\"?>\n<rss version=\"2.0\"><channel>"
         "<item><title>\xB0\xA1</title></item></channel></rss>"},
        {"unknown encoding declared", "<?xml version=\"1.0\" encoding=\"x-no-such-charset\"?><rss><channel/></rss>"},
        {"utf-16 declared, utf-8 bytes", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel/></rss>"},
        {"invalid utf-8",
         "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>\xC3\x28\xA0\xA1</title></channel></rss>"},
        {"html doctype", "<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>hi</body></html>"},
        {"html doctype, well-formed", "<!DOCTYPE html><html><body/></html>"},
        {"rss doctype",
         "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
         "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n<rss "
         "version=\"0.91\"><channel><item><title>t</title></item></channel></rss>"},
        {"doctype, unclosed root", "<!DOCTYPE rss>\n<rss><channel><item><title>t</title></item>"},
        {"doctype, truncated subset", "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY e \"x\""},
        {"doctype only", "<!DOCTYPE rss>"},
        {"undeclared entity", "<rss><channel><item><title>&nbsp;</title></item></channel></rss>"},
        {"external entity",
         "<!DOCTYPE rss [<!ENTITY x SYSTEM "
         "\"file:///etc/passwd\">]><rss><channel><item><title>&x;</title></item></channel></rss>"},
        {"billion laughs",
         "<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
         "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
         "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
         "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>"
         "<rss><channel><item><title>&h;</title></item></channel></rss>"},
        {"mismatched tags", "<rss><channel><item></channel></rss>"},
        {"two roots", "<rss><channel/></rss><rss/>"},
        {"text after the root", "<rss><channel/></rss>trailing"},
        {"well-formed non-feed", "<?xml version=\"1.0\"?><catalog><book/></catalog>"},
    };
    // The good feed cut short at several places (inside the declaration, a tag, an attribute, text, the end tag).
    for (std::size_t cut :
         {std::size_t{5}, std::size_t{30}, std::size_t{47}, std::size_t{60}, std::size_t{100}, good_rss.size() - 3})
        rows.push_back({"truncated at " + std::to_string(cut), good_rss.substr(0, cut)});
    rows.push_back({"good feed", good_rss});
    // A document past one libxml2 piece, broken right after the first piece.
    std::string big = "<rss><channel>";
    while (big.size() < (std::size_t{70} << 10)) big += "<item><title>t</title><link>http://x/</link></item>\n";
    rows.push_back({"large, unclosed", big});
    rows.push_back({"large, closed", big + "</channel></rss>"});
    return rows;
}

std::string describe(const fp::parse_result& r) {
    return r.ok ? "ok (" + std::to_string(r.items) + " items)"
                : std::string(feedbench::core::to_string(r.error_class)) + " (" + r.message + ")";
}

}  // namespace

TEST(one_answer, eager_and_lazy_at_every_read_size_agree_on_malformed_documents) {
    for (auto const& row : malformed_documents()) {
        auto const eager = fp::parse_eager(row.body);
        EXPECT_EQ(eager.ok, eager.error_class == feedbench::core::error_class::none) << row.name;
        for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, row.body.size() + 1}) {
            fp::memory_source src(row.body, piece);
            auto const lazy = fp::parse_lazy(src);
            EXPECT_EQ(lazy.ok, eager.ok) << row.name << ", piece " << piece << ": lazy " << describe(lazy) << ", eager "
                                         << describe(eager);
            EXPECT_EQ(lazy.error_class, eager.error_class)
                << row.name << ", piece " << piece << ": lazy " << describe(lazy) << ", eager " << describe(eager);
            EXPECT_EQ(lazy.item_list, eager.item_list) << row.name << ", piece " << piece;
        }
    }
}

TEST(one_answer, an_unclosed_root_fails_whatever_the_declared_encoding) {
    for (auto const& row : malformed_documents()) {
        if (row.name.find("unclosed") == std::string::npos && row.name.find("truncated") == std::string::npos) continue;
        auto const r = fp::parse_eager(row.body);
        EXPECT_FALSE(r.ok) << row.name << ": " << describe(r);
    }
}

TEST(one_answer, the_classes_of_the_table) {
    auto const class_of = [](std::string_view body) {
        return std::string(feedbench::core::to_string(fp::parse_eager(body).error_class));
    };
    EXPECT_EQ(class_of(""), "parse");
    EXPECT_EQ(class_of("this is not a feed at all"), "not-a-feed");
    EXPECT_EQ(class_of("<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>hi</body></html>"), "not-a-feed");
    EXPECT_EQ(class_of("<?xml version=\"1.0\"?><catalog><book/></catalog>"), "not-a-feed");
    EXPECT_EQ(class_of("<rss><channel><item></channel></rss>"), "parse");
    EXPECT_EQ(class_of(good_rss), "");
}

// An item title nested `depth` elements deep (the root is depth 1, the title 4).
std::string nested_document(std::size_t depth) {
    std::string doc = "<rss version=\"2.0\"><channel><item><title>";
    for (std::size_t i = 4; i < depth; ++i) doc += "<a>";
    doc += "deep";
    for (std::size_t i = 4; i < depth; ++i) doc += "</a>";
    return doc + "</title><link>http://x/1</link></item></channel></rss>";
}

// libxml2 2.9's push parser has no depth limit; the streaming parser keeps the tree walk's (fault=deep-xml).
TEST(one_answer, deep_nesting_gets_the_tree_walks_answer) {
    for (std::size_t depth : {std::size_t{200}, std::size_t{257}, std::size_t{258}, std::size_t{100'000}}) {
        auto const body = nested_document(depth);
        auto const tree = fp::detail::parse_xml_tree(body, false);
        auto const eager = fp::parse_eager(body);
        EXPECT_EQ(eager.error_class, tree.error_class)
            << depth << ": eager " << describe(eager) << ", tree " << describe(tree);
        EXPECT_EQ(eager.item_list, tree.item_list) << depth;
        fp::memory_source src(body, 4096);
        EXPECT_EQ(fp::parse_lazy(src).error_class, eager.error_class) << depth;
        EXPECT_EQ(eager.ok, depth <= 257) << depth << ": " << describe(eager);
    }
}
