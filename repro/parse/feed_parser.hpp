// A feed parser's work: find the items/entries and extract each one's title, link and date.
// XML (RSS, Atom, RDF) with libxml2, JSON (JSON Feed or any JSON) with simdjson.
#pragma once

#include "repro/parse/body_source.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace feedbench::parse {

struct feed_item {
    std::string title, link, date;
    bool operator==(const feed_item&) const = default;
};

struct parse_result {
    bool ok = false;
    core::error_class error_class = core::error_class::
        none;  // none when ok; "parse", "not-a-feed", "amplification", or the source's class ("read", "truncated", ...)
    std::string message;               // human-readable detail
    std::string format;                // "rss", "atom", "rdf", "jsonfeed", "json"
    std::size_t items = 0;             // item/entry count (for plain JSON: element count of the document)
    std::vector<feed_item> item_list;  // filled when ok and the document is a feed
};

// content_type may be empty; the format is sniffed from the first bytes (Content-Type containing "json",
// or a first non-space byte '{' / '[' -> JSON; '<', a BOM or a NUL -> XML; anything else -> "not-a-feed").
// Error classes: well-formed XML whose root is not rss / feed / RDF -> "not-a-feed"; a document whose
// first element or DOCTYPE is html -> "not-a-feed" whether or not it is well-formed; any other XML that
// is not well-formed, invalid JSON, or an empty body -> "parse". Items: every element named item or
// entry (any namespace), in document order; title = first <title> child, link = first <link> child
// that is an RSS text link or an Atom href with rel absent / "alternate", date = pubDate, dc:date,
// updated, published (first present, in that order). Identical for parse_eager and parse_lazy.
// force_utf8: the body was already transcoded (charset text), so ignore any encoding it declares.
// Limit (README.md, Vocabulary): the item text the XML parse extracts (titles, links, dates, entity references
// expanded) may at no point exceed max_amplification x the document bytes parsed so far +
// amplification_slack_bytes; past it the parse stops and fails with "amplification". Without entities the
// item text is part of the document, so only entity expansion can reach it. (Expansion during the parse is
// libxml2's own limits' business.)
// XML, eager and lazy alike: one streaming parser (a libxml2 push parser whose SAX callbacks extract the
// items; no document tree), fed the body in fixed pieces whatever the read size (xml_feed.hpp), so the
// same bytes give the same answer on both paths and at every read size.
inline constexpr std::size_t max_amplification = 10;
inline constexpr std::size_t amplification_slack_bytes = std::size_t{1} << 20;
parse_result parse_eager(std::string_view body, std::string_view content_type = {}, bool force_utf8 = false);
// Pulls the body from src while parsing: the streaming parser fed from src.read (each read asks for
// up to request_bytes, default lazy_request_bytes; the source caps it at the read size), so every read
// and every suspension happens inside the parse. JSON reads the whole body, then parses. A source
// failure (-1) ends the parse with src.error_class(). On a parse error the body is still drained.
// Why a push parser rather than xmlReaderForIO: src.read is called from this library's own frame between
// xmlParseChunk calls, so a coroutine suspended (or unwound) there never has libxml2 C frames on its
// stack, and all parser state lives in the per-call context (errors go to a per-context handler).
inline constexpr std::size_t lazy_request_bytes = std::size_t{1} << 20;
parse_result parse_lazy(body_source& src, std::string_view content_type = {}, bool force_utf8 = false,
                        std::size_t request_bytes = 0);

}  // namespace feedbench::parse
