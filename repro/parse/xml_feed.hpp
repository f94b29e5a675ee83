// libxml2 side of the feed parser. The eager and the lazy path share one streaming parser
// (xml_stream.cpp): a push parser with SAX callbacks that extract the items without building a tree,
// fed the body in fixed pieces whatever the read size, so both paths give one answer for one input.
// The tree-walk parser (xml_feed.cpp) is the reference it is tested against and the benchmarks' DOM variant.
#pragma once

#include "repro/parse/body_source.hpp"
#include "repro/parse/feed_parser.hpp"

#include <cstddef>
#include <string_view>

namespace feedbench::parse::detail {

// Once per process (idempotent, thread-safe): xmlInitParser.
void init_libxml2();

// libxml2 sees every body in pieces of this many bytes (the last one shorter, with the end-of-document
// flag), however the bytes arrived: the eager path cuts the body it holds, the lazy path stages what its
// reads return. libxml2's push parser does not always give the same answer for differently cut input
// (a DOCTYPE or a declared encoding near a cut), so the cuts are fixed by the body, not by the reads.
inline constexpr std::size_t xml_piece_bytes = std::size_t{64} << 10;

// The eager path: the whole body in memory, through the streaming parser.
parse_result parse_xml_memory(std::string_view body, bool force_utf8);

// The lazy path. `prefix` holds bytes already taken from src (the sniffed start of the body); they are
// parsed first. Reads at most `cap` bytes per src.read call into buf (prefix may point into buf). On a
// parse error the rest of the body is still read (drained) so the connection stays usable and the read
// count matches the eager path.
parse_result parse_xml_pull(body_source& src, std::string_view prefix, bool force_utf8, char* buf, std::size_t cap);

// The tree walk over xmlCtxtReadMemory's document (the parser before the streaming one): the reference
// for the item lists and the DOM variant of the benchmarks.
parse_result parse_xml_tree(std::string_view body, bool force_utf8);

}  // namespace feedbench::parse::detail
