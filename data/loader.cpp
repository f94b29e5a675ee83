// Directory loader and sniffers: serve every file of a folder as-is, sniff format and declared charset,
// count items with libxml2, honour a leading "Header: Content-type: ..." comment.
#include "data/corpus.hpp"
#include "repro/core/strings.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace feedbench::data {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (lower(s[i]) != lower(prefix[i])) return false;
    return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The first bytes as ASCII: drops a BOM and, for UTF-16/32 text, the zero bytes, so the
// sniffers can read markup whatever the encoding.
std::string ascii_head(std::string_view body, std::size_t limit = 4096) {
    auto head = body.substr(0, limit);
    auto b = [&](std::size_t i) { return i < head.size() ? static_cast<unsigned char>(head[i]) : 0x100u; };
    if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) head.remove_prefix(3);
    bool wide = (b(0) == 0xFF && b(1) == 0xFE) || (b(0) == 0xFE && b(1) == 0xFF) || (b(0) == 0 && b(1) == 0) ||
                (b(0) == 0 && b(1) == '<') || (b(0) == '<' && b(1) == 0);
    std::string out;
    out.reserve(head.size());
    for (std::size_t i = 0; i < head.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(head[i]);
        if (wide && (c == 0 || c == 0xFF || c == 0xFE) && i < 4) continue;
        if (wide && c == 0) continue;
        out += static_cast<char>(c);
    }
    return out;
}

std::string_view skip_space(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    return s;
}

// Skips the XML declaration, processing instructions, comments and a DOCTYPE; returns the rest.
std::string_view skip_prolog(std::string_view s, bool& doctype_html) {
    for (;;) {
        s = skip_space(s);
        if (s.starts_with("<?")) {
            auto end = s.find("?>");
            if (end == std::string_view::npos) return {};
            s.remove_prefix(end + 2);
        } else if (s.starts_with("<!--")) {
            auto end = s.find("-->");
            if (end == std::string_view::npos) return {};
            s.remove_prefix(end + 3);
        } else if (istarts_with(s, "<!DOCTYPE")) {
            auto rest = skip_space(s.substr(9));
            if (istarts_with(rest, "html")) doctype_html = true;
            auto end = s.find('>');
            if (end == std::string_view::npos) return {};
            s.remove_prefix(end + 1);
        } else {
            return s;
        }
    }
}

// "text/xml; charset='us-ascii'" -> "us-ascii" (lenient about spaces and quotes).
std::string charset_param(std::string_view content_type) {
    auto lc = lowercase(content_type);
    auto pos = lc.find("charset");
    if (pos == std::string::npos) return {};
    std::string_view rest = std::string_view(lc).substr(pos + 7);
    rest = skip_space(rest);
    if (rest.empty() || rest.front() != '=') return {};
    rest = skip_space(rest.substr(1));
    if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) rest.remove_prefix(1);
    std::size_t n = 0;
    while (n < rest.size() && rest[n] != '"' && rest[n] != '\'' && rest[n] != ';' && !is_space(rest[n])) ++n;
    return std::string(rest.substr(0, n));
}

// "Header:      Content-type: application/atom+xml;charset='us-ascii'" in the leading comment.
std::string header_content_type(std::string_view body) {
    auto head = ascii_head(body, 2048);
    auto comment = head.find("<!--");
    if (comment == std::string::npos) return {};
    auto comment_end = head.find("-->", comment);
    auto pos = head.find("Header:", comment);
    if (pos == std::string::npos || (comment_end != std::string::npos && pos > comment_end)) return {};
    std::string_view line = std::string_view(head).substr(pos + 7);
    line = line.substr(0, line.find('\n'));
    line = skip_space(line);
    if (!istarts_with(line, "Content-type:")) return {};
    line = skip_space(line.substr(13));
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    return std::string(line);
}

std::string default_content_type(feed_format f, std::string_view body) {
    switch (f) {
        case feed_format::rss:
            return "application/rss+xml";
        case feed_format::atom:
            return "application/atom+xml";
        case feed_format::rdf:
            return "application/rdf+xml";
        case feed_format::jsonfeed:
            return "application/feed+json";
        case feed_format::json:
            return "application/json";
        case feed_format::html:
            return "text/html";
        case feed_format::unknown:
            break;
    }
    auto head = ascii_head(body, 64);
    return skip_space(head).starts_with("<") ? "application/xml" : "application/octet-stream";
}

void count_elements(xmlNode* node, std::size_t& n) {
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE) continue;
        auto name = reinterpret_cast<const char*>(node->name);
        if (std::string_view(name) == "item" || std::string_view(name) == "entry") ++n;
        count_elements(node->children, n);
    }
}

bool skipped_file_name(const std::string& name) {
    return name.empty() || name.front() == '.' || istarts_with(name, "LICENSE") || istarts_with(name, "LICENCE") ||
           istarts_with(name, "README") || istarts_with(name, "COPYING");
}

std::string url_path_for(const std::string& name) {
    std::string out = "/feeds/";
    for (unsigned char c : name) {
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '_' || c == '.' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += core::hex_digit(c >> 4);
            out += core::hex_digit(c & 15);
        }
    }
    return out;
}

}  // namespace

feed_format sniff_format(std::string_view body) {
    auto head = ascii_head(body);
    std::string_view s = skip_space(head);
    if (s.starts_with("{")) {
        return body.find("jsonfeed.org/version") != std::string_view::npos ? feed_format::jsonfeed : feed_format::json;
    }
    if (s.starts_with("[")) return feed_format::json;
    bool doctype_html = false;
    s = skip_prolog(s, doctype_html);
    if (!s.starts_with("<")) return doctype_html ? feed_format::html : feed_format::unknown;
    s.remove_prefix(1);
    std::size_t n = 0;
    while (n < s.size() && !is_space(s[n]) && s[n] != '>' && s[n] != '/') ++n;
    auto name = s.substr(0, n);
    if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
    if (name == "rss") return feed_format::rss;
    if (name == "feed") return feed_format::atom;
    if (name == "RDF") return feed_format::rdf;
    if (lowercase(name) == "html" || doctype_html) return feed_format::html;
    return feed_format::unknown;
}

std::string sniff_declared_charset(std::string_view body) {
    auto b = [&](std::size_t i) { return i < body.size() ? static_cast<unsigned char>(body[i]) : 0x100u; };
    if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return "utf-8";
    if (b(0) == 0xFF && b(1) == 0xFE && b(2) == 0 && b(3) == 0) return "utf-32le";
    if (b(0) == 0 && b(1) == 0 && b(2) == 0xFE && b(3) == 0xFF) return "utf-32be";
    if (b(0) == 0xFF && b(1) == 0xFE) return "utf-16le";
    if (b(0) == 0xFE && b(1) == 0xFF) return "utf-16be";
    auto head = ascii_head(body, 1024);
    std::string_view s = skip_space(head);
    if (!s.starts_with("<?xml")) return {};
    auto decl = s.substr(0, s.find("?>"));
    auto pos = decl.find("encoding");
    if (pos == std::string_view::npos) return {};
    auto rest = skip_space(decl.substr(pos + 8));
    if (rest.empty() || rest.front() != '=') return {};
    rest = skip_space(rest.substr(1));
    if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) return {};
    char quote = rest.front();
    rest.remove_prefix(1);
    auto end = rest.find(quote);
    if (end == std::string_view::npos) return {};
    return lowercase(rest.substr(0, end));
}

std::size_t count_xml_items(std::string_view body) {
    static std::once_flag init;
    std::call_once(init, [] { xmlInitParser(); });
    xmlDocPtr doc = xmlReadMemory(body.data(), static_cast<int>(body.size()), "feed.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    if (!doc) return 0;
    std::size_t n = 0;
    count_elements(xmlDocGetRootElement(doc), n);
    xmlFreeDoc(doc);
    return n;
}

feed describe_file(std::string id, std::string path, std::string body) {
    feed f;
    f.id = std::move(id);
    f.path = std::move(path);
    f.body = std::move(body);
    f.format = sniff_format(f.body);
    auto header = header_content_type(f.body);
    f.content_type = header.empty() ? default_content_type(f.format, f.body) : header;
    f.charset = charset_param(header);
    if (f.charset.empty()) f.charset = sniff_declared_charset(f.body);
    bool xml = f.format == feed_format::rss || f.format == feed_format::atom || f.format == feed_format::rdf ||
               f.format == feed_format::unknown;
    f.items = xml ? count_xml_items(f.body) : 0;
    return f;
}

corpus load_directory(const std::filesystem::path& dir) {
    if (!std::filesystem::is_directory(dir)) throw std::runtime_error("corpus folder not found: " + dir.string());
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        if (skipped_file_name(entry.path().filename().string())) continue;
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    corpus c;
    c.name = dir.string();
    c.feeds.reserve(files.size());
    for (const auto& file : files) {
        auto body = core::read_file(file);
        if (!body) throw std::runtime_error("cannot read " + file.string());
        auto name = file.filename().string();
        c.feeds.push_back(describe_file(name, url_path_for(name), std::move(*body)));
    }
    return c;
}

}  // namespace feedbench::data
