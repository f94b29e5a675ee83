// Corpus model helpers: format names, lookups, load_corpus dispatch and the manifest TSV.
#include "data/corpus.hpp"

#include "repro/core/csv.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace feedbench::data {

std::string_view to_string(feed_format f) {
    switch (f) {
        case feed_format::rss:
            return "rss";
        case feed_format::atom:
            return "atom";
        case feed_format::rdf:
            return "rdf";
        case feed_format::jsonfeed:
            return "jsonfeed";
        case feed_format::json:
            return "json";
        case feed_format::html:
            return "html";
        case feed_format::unknown:
            break;
    }
    return "unknown";
}

std::optional<feed_format> parse_feed_format(std::string_view s) {
    for (auto f : {feed_format::rss, feed_format::atom, feed_format::rdf, feed_format::jsonfeed, feed_format::json,
                   feed_format::html, feed_format::unknown})
        if (to_string(f) == s) return f;
    return std::nullopt;
}

bool format_set::contains(feed_format f) const {
    return all || std::find(formats.begin(), formats.end(), f) != formats.end();
}

format_set format_set::parse(std::string_view s) {
    format_set set;
    if (s == "all") {
        set.all = true;
        return set;
    }
    for (;;) {
        const auto plus = s.find('+');
        const auto word = s.substr(0, plus);
        const auto f = parse_feed_format(word);
        if (!f)
            throw std::invalid_argument("'" + std::string(word) + "' is not a feed format (use " + std::string(usage) +
                                        ")");
        set.formats.push_back(*f);
        if (plus == std::string_view::npos) return set;
        s.remove_prefix(plus + 1);
    }
}

const feed* corpus::find_by_path(std::string_view path) const {
    for (const auto& f : feeds)
        if (f.path == path) return &f;
    return nullptr;
}

const feed* corpus::find_by_id(std::string_view id) const {
    for (const auto& f : feeds)
        if (f.id == id) return &f;
    return nullptr;
}

corpus load_corpus(std::string_view spec, const synthetic_options& opt) {
    if (spec.empty() || spec == "synthetic") return generate_synthetic(opt);
    return load_directory(std::filesystem::path(std::string(spec)));
}

namespace {

std::size_t parse_count(std::string_view s, std::size_t line_no, const char* what) {
    std::size_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        throw std::runtime_error("manifest line " + std::to_string(line_no) + ": bad " + what + " '" + std::string(s) +
                                 "'");
    return v;
}

}  // namespace

constexpr std::string_view manifest_header = "id\tpath\tformat\tbytes\tcharset\tcontent_type\titems";

std::string manifest_tsv(const corpus& c) {
    std::string out(manifest_header);
    out += '\n';
    for (const auto& f : c.feeds) {
        out += core::tsv_field(f.id);
        out += '\t';
        out += core::tsv_field(f.path);
        out += '\t';
        out += to_string(f.format);
        out += '\t';
        out += std::to_string(f.bytes());
        out += '\t';
        out += core::tsv_field(f.charset);
        out += '\t';
        out += core::tsv_field(f.content_type);
        out += '\t';
        out += std::to_string(f.items);
        out += '\n';
    }
    return out;
}

std::vector<manifest_entry> parse_manifest(std::string_view tsv) {
    std::vector<manifest_entry> out;
    std::size_t line_no = 0;
    bool header_seen = false;
    while (!tsv.empty()) {
        auto nl = tsv.find('\n');
        auto line = tsv.substr(0, nl);
        tsv = nl == std::string_view::npos ? std::string_view{} : tsv.substr(nl + 1);
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (!header_seen) {
            if (line != manifest_header)
                throw std::runtime_error("manifest line 1: expected header '" + std::string(manifest_header) + "'");
            header_seen = true;
            continue;
        }
        auto cols = core::split_tsv(line);
        if (cols.size() != 7)
            throw std::runtime_error("manifest line " + std::to_string(line_no) + ": expected 7 columns, got " +
                                     std::to_string(cols.size()));
        manifest_entry e;
        e.id = cols[0];
        e.path = cols[1];
        auto fmt = parse_feed_format(cols[2]);
        if (!fmt)
            throw std::runtime_error("manifest line " + std::to_string(line_no) + ": bad format '" +
                                     std::string(cols[2]) + "'");
        e.format = *fmt;
        e.bytes = parse_count(cols[3], line_no, "bytes");
        e.charset = cols[4];
        e.content_type = cols[5];
        e.items = parse_count(cols[6], line_no, "items");
        out.push_back(std::move(e));
    }
    if (!header_seen) throw std::runtime_error("manifest line 1: empty manifest, no header");
    return out;
}

}  // namespace feedbench::data
