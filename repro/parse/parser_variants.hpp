// Item counting with each libxml2 API and with simdjson, for the parse benchmarks and their
// agreement checks: every variant must return the same count for the same well-formed feed.
#pragma once

#include "repro/parse/feed_parser.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace feedbench::parse::variants {

// Each returns the number of elements named item or entry (any namespace), or nullopt when the
// document is not well-formed. None extracts fields: this is the parser's own cost.
std::optional<std::size_t> count_items_dom(std::string_view xml);                      // xmlCtxtReadMemory + tree walk
std::optional<std::size_t> count_items_reader(std::string_view xml);                   // xmlReaderForMemory pull loop
std::optional<std::size_t> count_items_push(std::string_view xml, std::size_t chunk);  // push parser (DOM) + walk
std::optional<std::size_t> count_items_sax(std::string_view xml);  // SAX2 startElementNs counter, no tree

// The feed parser as it was before the streaming one: parse_eager's sniffing, then for XML the tree walk
// over xmlCtxtReadMemory's document. The reference parse_eager's items and classes are tested against,
// and the DOM comparison of the parse benchmarks.
parse_result parse_eager_tree(std::string_view body, std::string_view content_type = {}, bool force_utf8 = false);

// JSON Feed items (size of "items"), or for other JSON the number of values; nullopt on a parse error.
std::optional<std::size_t> count_json_dom(std::string_view json);           // simdjson DOM
std::optional<std::size_t> count_jsonfeed_ondemand(std::string_view json);  // simdjson On-Demand, JSON Feed only

}  // namespace feedbench::parse::variants
