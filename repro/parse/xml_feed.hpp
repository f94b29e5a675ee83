// libxml2 side of the feed parser: one parser-context setup and one tree walk, shared by the
// eager path (xmlCtxtReadMemory) and the lazy path (push parser fed from a body_source).
#pragma once

#include "repro/parse/body_source.hpp"
#include "repro/parse/feed_parser.hpp"

#include <string_view>

namespace feedbench::parse::detail {

// Once per process (idempotent, thread-safe): xmlInitParser.
void init_libxml2();

parse_result parse_xml_memory(std::string_view body, bool force_utf8);

// `prefix` holds bytes already taken from src (the sniffed start of the body); they are parsed first.
// Reads at most `cap` bytes per src.read call into buf (prefix may point into buf). On a parse error the rest of the body is still
// read (drained) so the connection stays usable and the read count matches the eager path.
parse_result parse_xml_pull(body_source& src, std::string_view prefix, bool force_utf8, char* buf, std::size_t cap);

}  // namespace feedbench::parse::detail
