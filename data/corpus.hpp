// The corpus model: a feed is one document the feed server holds in memory and the worker fetches.
// Synthetic generator (the embedded default), directory loader, manifest TSV. Owned by data/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::data {

enum class feed_format { rss, atom, rdf, jsonfeed, json, html, unknown };

std::string_view to_string(feed_format f);
std::optional<feed_format> parse_feed_format(std::string_view s);

// The formats a run takes, spelled alike by the flags, the scenario files and feedpublish: format words joined
// with '+' ("rss+atom+jsonfeed"), or "all".
struct format_set {
    static constexpr std::string_view usage =
        "formats joined with '+', each of rss atom rdf jsonfeed json html unknown, or all";
    bool all = false;
    std::vector<feed_format> formats;  // as given (when not all)
    bool contains(feed_format f) const;
    static format_set parse(std::string_view s);  // throws std::invalid_argument naming the bad word
};

struct feed {
    std::string id;    // synthetic: "feed-007-rss"; directory corpus: the file name
    std::string path;  // URL path that serves it, e.g. "/feeds/feed-007-rss.xml"
    feed_format format = feed_format::unknown;
    std::string body;          // exact bytes served
    std::string charset;       // declared charset (XML declaration, BOM or header); "" when none
    std::string content_type;  // Content-Type sent with it (may carry no charset on purpose)
    std::size_t items = 0;     // item/entry count (0 for non-feeds)
    std::size_t bytes() const { return body.size(); }
};

struct corpus {
    std::string name;  // "synthetic(seed=2012,feeds=50)" or the folder path
    std::vector<feed> feeds;
    const feed* find_by_path(std::string_view path) const;
    const feed* find_by_id(std::string_view id) const;
};

struct synthetic_options {
    std::size_t feeds = 50;             // distinct feeds; each has rss, atom and jsonfeed twins
    std::size_t median_bytes = 50'000;  // sizes drawn around this, bounded below
    std::size_t min_bytes = 2'000;
    std::size_t max_bytes = 1'000'000;
    std::uint64_t seed = 2012;
    std::size_t legacy_charset_every =
        8;  // every Nth feed also gets an ISO-8859-1 / windows-1252 variant served without charset
    bool charset_in_content_type = true;  // UTF-8 twins: "; charset=utf-8" in Content-Type (legacy variants never)
};

// Deterministic: the same options give byte-identical output.
corpus generate_synthetic(const synthetic_options& opt = {});

// Every regular file of a folder, served as-is; format and declared charset sniffed.
// A leading "Header: Content-type: ..." comment (shared/corpus/encodings) becomes the Content-Type.
corpus load_directory(const std::filesystem::path& dir);

// "synthetic" or a directory path.
corpus load_corpus(std::string_view spec, const synthetic_options& opt = {});

feed_format sniff_format(std::string_view body);
std::string sniff_declared_charset(std::string_view body);  // BOM or XML declaration, lowercase; "" if none

// Elements named item or entry (any namespace) in a well-formed XML document; 0 when not well-formed.
std::size_t count_xml_items(std::string_view body);

// A feed from raw bytes: format, charset (Content-Type header comment first, then BOM or XML declaration),
// content type and item count sniffed as load_directory does.
feed describe_file(std::string id, std::string path, std::string body);

// Manifest TSV: header row "id\tpath\tformat\tbytes\tcharset\tcontent_type\titems".
struct manifest_entry {
    std::string id, path;
    feed_format format = feed_format::unknown;
    std::size_t bytes = 0;
    std::string charset, content_type;
    std::size_t items = 0;
};
std::string manifest_tsv(const corpus& c);
std::vector<manifest_entry> parse_manifest(std::string_view tsv);  // throws std::runtime_error naming the bad line

// Writes each feed at ROOT/<path> and the manifest at ROOT/manifest (for nginx and other static servers).
void write_directory(const corpus& c, const std::filesystem::path& root);

}  // namespace feedbench::data
