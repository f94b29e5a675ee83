// Parsing the real corpus: every feeds-2012 file parses eager == lazy (pieces 1, 7, 4096), item
// counts equal libxml2's XPath count, the 22 bad files fail with parse or not-a-feed; JSON documents;
// and the synthetic corpus's rss/atom/jsonfeed twins give identical item lists.
#include "repro/core/strings.hpp"
#include "repro/parse/feed_parser.hpp"
#include "repro/parse/parser_variants.hpp"
#include "data/corpus.hpp"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fp = feedbench::parse;
namespace core = feedbench::core;
namespace fs = std::filesystem;

namespace {

std::optional<fs::path> shared_corpus() {
    const char* env = std::getenv("FEEDBENCH_SHARED_CORPUS");
    if (env == nullptr || !fs::is_directory(env)) return std::nullopt;
    return fs::path(env);
}

std::vector<fs::path> files_in(const fs::path& dir, std::string_view ext) {
    std::vector<fs::path> out;
    for (auto const& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// The reference: what `xmllint --xpath 'count(//*[local-name()="item" or local-name()="entry"])'`
// reports, computed here with libxml2's own XPath; nullopt when the file is not well-formed.
std::optional<std::size_t> xpath_item_count(std::string_view body) {
    xmlDocPtr doc = xmlReadMemory(body.data(), static_cast<int>(body.size()), nullptr, nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == nullptr) return std::nullopt;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(
        reinterpret_cast<const xmlChar*>("count(//*[local-name()=\"item\" or local-name()=\"entry\"])"), ctx);
    std::optional<std::size_t> count;
    if (obj != nullptr && obj->type == XPATH_NUMBER) count = static_cast<std::size_t>(obj->floatval);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return count;
}

void expect_same(const fp::parse_result& lazy, const fp::parse_result& eager, const std::string& what) {
    EXPECT_EQ(lazy.ok, eager.ok) << what << ": " << lazy.message;
    EXPECT_EQ(lazy.error_class, eager.error_class) << what;
    EXPECT_EQ(lazy.format, eager.format) << what;
    EXPECT_EQ(lazy.items, eager.items) << what;
    EXPECT_TRUE(lazy.item_list == eager.item_list) << what << ": item lists differ";
}

}  // namespace

TEST(feeds_2012, eager_counts_match_xpath_and_bad_files_fail_cleanly) {
    auto root = shared_corpus();
    if (!root) GTEST_SKIP() << "FEEDBENCH_SHARED_CORPUS not set or missing";
    auto const files = files_in(*root / "feeds-2012", ".dat");
    ASSERT_EQ(files.size(), 388u);
    std::size_t ok = 0, malformed = 0, well_formed_non_feeds = 0, total_items = 0;
    std::map<std::string, std::size_t> by_format;
    for (auto const& f : files) {
        std::string const body = feedbench::core::read_file(f).value_or("");
        auto const reference = xpath_item_count(body);
        auto const r = fp::parse_eager(body);
        if (!reference) {
            ++malformed;
            EXPECT_FALSE(r.ok) << f.filename();
            EXPECT_TRUE(r.error_class == core::error_class::parse || r.error_class == core::error_class::not_a_feed)
                << f.filename() << ": " << r.error_class;
            continue;
        }
        if (!r.ok) {
            ++well_formed_non_feeds;
            EXPECT_EQ(r.error_class, core::error_class::not_a_feed) << f.filename() << ": " << r.message;
            continue;
        }
        ++ok;
        ++by_format[r.format];
        total_items += r.items;
        EXPECT_EQ(r.items, *reference) << f.filename();
        EXPECT_EQ(fp::variants::count_items_reader(body), *reference) << f.filename();
        EXPECT_EQ(fp::variants::count_items_sax(body), *reference) << f.filename();
    }
    EXPECT_EQ(ok, 366u);
    EXPECT_EQ(malformed, 18u);
    EXPECT_EQ(well_formed_non_feeds, 4u);
    std::cout << "feeds-2012: " << ok << " feeds (";
    for (auto const& [fmt, n] : by_format) std::cout << fmt << " " << n << " ";
    std::cout << "), " << total_items << " items; " << malformed << " not well-formed, " << well_formed_non_feeds
              << " well-formed non-feeds\n";
}

TEST(feeds_2012, lazy_equals_eager_for_piece_sizes_1_7_4096) {
    auto root = shared_corpus();
    if (!root) GTEST_SKIP() << "FEEDBENCH_SHARED_CORPUS not set or missing";
    for (auto const& f : files_in(*root / "feeds-2012", ".dat")) {
        std::string const body = feedbench::core::read_file(f).value_or("");
        auto const eager = fp::parse_eager(body);
        for (std::size_t piece : {1u, 7u, 4096u}) {
            fp::memory_source src(body, piece);
            expect_same(fp::parse_lazy(src), eager, f.filename().string() + " piece " + std::to_string(piece));
        }
    }
}

// The streaming parser (eager and lazy) against the tree walk it replaced: the same class for every file,
// and for every feed the same items, titles, links and dates.
TEST(feeds_2012, streaming_parser_equals_the_tree_walk) {
    auto root = shared_corpus();
    if (!root) GTEST_SKIP() << "FEEDBENCH_SHARED_CORPUS not set or missing";
    std::size_t feeds = 0, items = 0;
    for (auto const& f : files_in(*root / "feeds-2012", ".dat")) {
        std::string const body = feedbench::core::read_file(f).value_or("");
        auto const tree = fp::variants::parse_eager_tree(body);
        expect_same(fp::parse_eager(body), tree, f.filename().string() + " eager");
        fp::memory_source src(body, 10240);
        expect_same(fp::parse_lazy(src), tree, f.filename().string() + " lazy 10k");
        if (tree.ok) {
            ++feeds;
            items += tree.items;
        }
    }
    EXPECT_EQ(feeds, 366u);
    EXPECT_GT(items, 0u);
}

TEST(json_corpus, twitter_and_citm_parse_as_json_with_values) {
    auto root = shared_corpus();
    if (!root) GTEST_SKIP() << "FEEDBENCH_SHARED_CORPUS not set or missing";
    for (std::string name : {"twitter.json", "citm_catalog.json"}) {
        std::string const body = feedbench::core::read_file(*root / "json" / name).value_or("");
        auto const r = fp::parse_eager(body, "application/json");
        ASSERT_TRUE(r.ok) << name << ": " << r.message;
        EXPECT_EQ(r.format, "json");
        EXPECT_GT(r.items, 1000u) << name;
        fp::memory_source src(body, 4096);
        expect_same(fp::parse_lazy(src), r, name);
        std::cout << name << ": " << r.items << " values\n";
    }
}

TEST(synthetic_corpus, rss_atom_jsonfeed_twins_have_identical_items) {
    feedbench::data::synthetic_options opt;
    opt.feeds = 12;
    auto const corpus = feedbench::data::generate_synthetic(opt);
    // Group twins by id without the format suffix ("feed-007-rss" -> "feed-007").
    std::map<std::string, std::map<std::string, fp::parse_result>> twins;
    std::size_t parsed = 0;
    for (auto const& feed : corpus.feeds) {
        auto const r = fp::parse_eager(feed.body, feed.content_type);
        auto const fmt = std::string(feedbench::data::to_string(feed.format));
        if (fmt != "rss" && fmt != "atom" && fmt != "jsonfeed") continue;
        ASSERT_TRUE(r.ok) << feed.id << ": " << r.message;
        EXPECT_EQ(r.items, feed.items) << feed.id;
        expect_same(r, fp::variants::parse_eager_tree(feed.body, feed.content_type), feed.id + " tree walk");
        fp::memory_source src(feed.body, 1);
        expect_same(fp::parse_lazy(src, feed.content_type), r, feed.id);
        auto const dash = feed.id.rfind('-');
        twins[feed.id.substr(0, dash)][fmt] = r;
        ++parsed;
    }
    EXPECT_GT(parsed, 0u);
    std::size_t groups = 0;
    for (auto const& [id, by_format] : twins) {
        if (by_format.size() < 2) continue;
        ++groups;
        auto const& first = by_format.begin()->second;
        for (auto const& [fmt, r] : by_format)
            EXPECT_TRUE(r.item_list == first.item_list)
                << id << ": " << fmt << " differs from " << by_format.begin()->first;
    }
    EXPECT_GT(groups, 0u);
}

// Every document of the default synthetic corpus (all twins and the legacy-charset variants): the
// streaming parser, eager and lazy, gives the tree walk's answer and items.
TEST(synthetic_corpus, streaming_parser_equals_the_tree_walk) {
    auto const corpus = feedbench::data::generate_synthetic();
    std::size_t xml = 0;
    for (auto const& feed : corpus.feeds) {
        auto const tree = fp::variants::parse_eager_tree(feed.body, feed.content_type);
        expect_same(fp::parse_eager(feed.body, feed.content_type), tree, feed.id + " eager");
        fp::memory_source src(feed.body, 4096);
        expect_same(fp::parse_lazy(src, feed.content_type), tree, feed.id + " lazy 4096");
        xml += tree.format != "jsonfeed" && tree.format != "json";
    }
    EXPECT_GT(xml, 100u);
}
