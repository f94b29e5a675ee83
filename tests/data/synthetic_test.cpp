// Synthetic corpus: deterministic, bounded sizes, twins with identical items, legacy-charset variants.
#include "data/corpus.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <simdjson.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

using namespace feedbench::data;

namespace {

using item_key = std::tuple<std::string, std::string, std::string>;  // title, link, date

std::string text_of(xmlNode* n) {
    xmlChar* s = xmlNodeGetContent(n);
    std::string out = s ? reinterpret_cast<const char*>(s) : "";
    xmlFree(s);
    return out;
}

void collect_xml(xmlNode* node, std::vector<item_key>& out) {
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE) continue;
        std::string_view name = reinterpret_cast<const char*>(node->name);
        if (name == "item" || name == "entry") {
            item_key k;
            for (xmlNode* c = node->children; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE) continue;
                std::string_view cn = reinterpret_cast<const char*>(c->name);
                if (cn == "title") std::get<0>(k) = text_of(c);
                if (cn == "link" && name == "item") std::get<1>(k) = text_of(c);
                if (cn == "link" && name == "entry") {
                    xmlChar* href = xmlGetProp(c, BAD_CAST "href");
                    std::get<1>(k) = reinterpret_cast<const char*>(href);
                    xmlFree(href);
                }
                if (cn == "pubDate" || cn == "updated") std::get<2>(k) = text_of(c);
            }
            out.push_back(k);
            continue;
        }
        collect_xml(node->children, out);
    }
}

std::vector<item_key> xml_items(const std::string& body, const char* encoding = nullptr) {
    xmlDocPtr doc = xmlReadMemory(body.data(), static_cast<int>(body.size()), "t.xml", encoding,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    EXPECT_NE(doc, nullptr);
    std::vector<item_key> out;
    if (!doc) return out;
    collect_xml(xmlDocGetRootElement(doc), out);
    xmlFreeDoc(doc);
    return out;
}

std::vector<item_key> json_items(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    std::vector<item_key> out;
    for (auto it : parser.parse(padded)["items"].get_array()) {
        out.emplace_back(std::string(it["title"].get_string().value()), std::string(it["url"].get_string().value()),
                         std::string(it["date_published"].get_string().value()));
    }
    return out;
}

}  // namespace

TEST(Synthetic, SameSeedIsByteIdentical) {
    auto a = generate_synthetic({.feeds = 12});
    auto b = generate_synthetic({.feeds = 12});
    ASSERT_EQ(a.feeds.size(), b.feeds.size());
    for (std::size_t i = 0; i < a.feeds.size(); ++i) {
        EXPECT_EQ(a.feeds[i].id, b.feeds[i].id);
        EXPECT_EQ(a.feeds[i].body, b.feeds[i].body) << a.feeds[i].id;
    }
    EXPECT_EQ(manifest_tsv(a), manifest_tsv(b));
}

TEST(Synthetic, OtherSeedDiffers) {
    auto a = generate_synthetic({.feeds = 3, .seed = 1});
    auto b = generate_synthetic({.feeds = 3, .seed = 2});
    EXPECT_NE(a.feeds[0].body, b.feeds[0].body);
}

TEST(Synthetic, DefaultCorpusShape) {
    auto c = generate_synthetic();
    // 50 feeds x 3 twins + every 8th feed one legacy variant (feeds 7, 15, 23, 31, 39, 47).
    EXPECT_EQ(c.feeds.size(), 50u * 3 + 6);
    EXPECT_EQ(c.name, "synthetic(seed=2012,feeds=50)");
    ASSERT_NE(c.find_by_id("feed-007-rss"), nullptr);
    EXPECT_EQ(c.find_by_id("feed-007-rss")->path, "/feeds/feed-007-rss.xml");
    ASSERT_NE(c.find_by_path("/feeds/feed-007.json"), nullptr);
    EXPECT_EQ(c.find_by_path("/feeds/feed-007.json")->format, feed_format::jsonfeed);
    std::vector<std::size_t> sizes;
    for (const auto& f : c.feeds) {
        EXPECT_GE(f.bytes(), 2'000u) << f.id;
        EXPECT_LE(f.bytes(), 1'000'000u) << f.id;
        EXPECT_GT(f.items, 0u) << f.id;
        EXPECT_EQ(sniff_format(f.body), f.format) << f.id;
        sizes.push_back(f.bytes());
    }
    std::sort(sizes.begin(), sizes.end());
    auto median = sizes[sizes.size() / 2];
    EXPECT_GT(median, 25'000u);
    EXPECT_LT(median, 100'000u);
}

TEST(Synthetic, SizeBoundsHold) {
    auto c = generate_synthetic({.feeds = 20, .median_bytes = 400'000, .min_bytes = 2'000, .max_bytes = 300'000});
    for (const auto& f : c.feeds) EXPECT_LE(f.bytes(), 300'000u) << f.id;
    auto small = generate_synthetic({.feeds = 10, .median_bytes = 1'000, .min_bytes = 2'000});
    for (const auto& f : small.feeds) EXPECT_GE(f.bytes(), 2'000u) << f.id;
}

TEST(Synthetic, TwinsCarryTheSameItems) {
    auto c = generate_synthetic({.feeds = 16});
    for (std::size_t i = 0; i < 16; ++i) {
        const auto stem = fmt::format("feed-{:03}", i);
        const auto* rss = c.find_by_id(std::string(stem) + "-rss");
        const auto* atom = c.find_by_id(std::string(stem) + "-atom");
        const auto* json = c.find_by_id(std::string(stem) + "-jsonfeed");
        ASSERT_TRUE(rss && atom && json) << stem;
        auto r = xml_items(rss->body), a = xml_items(atom->body), j = json_items(json->body);
        EXPECT_EQ(r.size(), rss->items);
        EXPECT_EQ(r, a) << stem;
        EXPECT_EQ(r, j) << stem;
        EXPECT_EQ(count_xml_items(rss->body), rss->items);
        EXPECT_EQ(count_xml_items(atom->body), atom->items);
    }
}

TEST(Synthetic, TextIsMixedAsciiAndNonAscii) {
    auto c = generate_synthetic({.feeds = 4});
    const auto& body = c.feeds[0].body;
    auto non_ascii =
        std::count_if(body.begin(), body.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
    EXPECT_GT(non_ascii, 100);
    EXPECT_LT(non_ascii, static_cast<long>(body.size() / 4));
}

TEST(Synthetic, LegacyVariantsHaveNoCharsetInContentTypeAndDecodeToTheSameItems) {
    auto c = generate_synthetic();
    int declared = 0, undeclared = 0;
    for (const auto& f : c.feeds) {
        bool latin1 = f.id.ends_with("-iso-8859-1"), cp1252 = f.id.ends_with("-windows-1252");
        if (!latin1 && !cp1252) {
            EXPECT_NE(f.content_type.find("charset=utf-8"), std::string::npos) << f.id;
            continue;
        }
        EXPECT_EQ(f.content_type, "application/rss+xml") << f.id;
        EXPECT_EQ(f.format, feed_format::rss);
        auto has_decl = f.body.starts_with("<?xml");
        (has_decl ? declared : undeclared)++;
        EXPECT_EQ(f.charset, has_decl ? (latin1 ? "iso-8859-1" : "windows-1252") : "") << f.id;
        EXPECT_EQ(sniff_declared_charset(f.body), f.charset);
        const auto* twin = c.find_by_id(f.id.substr(0, f.id.find("-rss") + 4));
        ASSERT_NE(twin, nullptr);
        EXPECT_EQ(xml_items(f.body, latin1 ? "ISO-8859-1" : "windows-1252"), xml_items(twin->body)) << f.id;
        // Not valid UTF-8: some byte >= 0x80 stands alone.
        EXPECT_NE(f.body, twin->body);
    }
    EXPECT_EQ(declared, 3);
    EXPECT_EQ(undeclared, 3);
}
