// simdjson side of the feed parser: JSON Feed items, or document stats for any other JSON.
#pragma once

#include "repro/parse/feed_parser.hpp"

#include <string_view>

namespace feedbench::parse::detail {

// JSON Feed ("version" starts with https://jsonfeed.org/version/): items[].title/url/date_published,
// format "jsonfeed". Any other JSON: format "json", items = number of values in the document.
parse_result parse_json_memory(std::string_view body);

}  // namespace feedbench::parse::detail
