// Body sniffing: XML vs JSON vs neither, from the first bytes and the Content-Type.
#include "repro/parse/sniff.hpp"

#include <algorithm>
#include <cctype>

namespace feedbench::parse {

namespace {
bool contains_ci(std::string_view hay, std::string_view needle) {
    auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                          [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    return it != hay.end();
}
}  // namespace

std::optional<body_kind> sniff_body(std::string_view prefix, std::string_view content_type, bool at_end) {
    if (contains_ci(content_type, "json")) return body_kind::json;
    auto const byte = [&](std::size_t i) { return static_cast<unsigned char>(prefix[i]); };
    std::size_t i = 0;
    if (!prefix.empty() && byte(0) == 0xEF) {
        if (prefix.size() < 3) return at_end ? std::optional{body_kind::unknown} : std::nullopt;
        if (byte(1) == 0xBB && byte(2) == 0xBF) i = 3;
    }
    if (i == 0 && !prefix.empty() && (byte(0) == 0x00 || byte(0) == 0xFE || byte(0) == 0xFF))
        return body_kind::xml;  // UTF-16/32 (BOM or not): libxml2 detects the encoding
    for (; i < prefix.size(); ++i) {
        char const c = prefix[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (c == '{' || c == '[') return body_kind::json;
        if (c == '<') return body_kind::xml;
        return body_kind::unknown;
    }
    return at_end ? std::optional{body_kind::empty} : std::nullopt;
}

}  // namespace feedbench::parse
