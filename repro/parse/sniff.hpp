// Decides from the first bytes (and the Content-Type) whether a body is XML, JSON or neither.
// Shared by the eager and lazy paths so both classify a body the same way.
#pragma once

#include <optional>
#include <string_view>

namespace feedbench::parse {

enum class body_kind { xml, json, unknown, empty };

// nullopt: the prefix is too short to decide (read more); at_end: no more bytes will come.
// Rules: Content-Type containing "json" -> json; a UTF-16/32 BOM or a NUL byte -> xml;
// after an optional UTF-8 BOM and whitespace: '{' or '[' -> json, '<' -> xml, other -> unknown.
std::optional<body_kind> sniff_body(std::string_view prefix, std::string_view content_type, bool at_end);

}  // namespace feedbench::parse
