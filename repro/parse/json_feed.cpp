// JSON parsing with simdjson's DOM API: JSON Feed extraction or a value count for other JSON.
#include "repro/parse/json_feed.hpp"

#include <simdjson.h>

#include <vector>

namespace feedbench::parse::detail {

namespace {

std::string string_field(simdjson::dom::object obj, std::string_view key) {
    std::string_view v;
    if (obj[key].get_string().get(v) != simdjson::SUCCESS) return {};
    return std::string(v);
}

std::size_t count_values(simdjson::dom::element root) {
    std::size_t count = 0;
    std::vector<simdjson::dom::element> stack{root};
    while (!stack.empty()) {
        simdjson::dom::element e = stack.back();
        stack.pop_back();
        ++count;
        simdjson::dom::array arr;
        simdjson::dom::object obj;
        if (e.get_array().get(arr) == simdjson::SUCCESS) {
            for (simdjson::dom::element child : arr) stack.push_back(child);
        } else if (e.get_object().get(obj) == simdjson::SUCCESS) {
            for (simdjson::dom::key_value_pair kv : obj) stack.push_back(kv.value);
        }
    }
    return count;
}

}  // namespace

parse_result parse_json_memory(std::string_view body) {
    parse_result r;
    // One parser per thread, reused across documents; a parse never suspends, and every value is
    // copied out before returning, so coroutines sharing the thread cannot interleave on it.
    thread_local simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    simdjson::dom::element doc;
    if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
        r.error_class = core::error_class::parse;
        r.message = std::string("simdjson: ") + simdjson::error_message(err);
        return r;
    }
    simdjson::dom::object obj;
    std::string_view version;
    if (doc.get_object().get(obj) == simdjson::SUCCESS &&
        obj["version"].get_string().get(version) == simdjson::SUCCESS &&
        version.starts_with("https://jsonfeed.org/version/")) {
        r.format = "jsonfeed";
        simdjson::dom::array items;
        if (obj["items"].get_array().get(items) == simdjson::SUCCESS) {
            for (simdjson::dom::element item : items) {
                simdjson::dom::object io;
                if (item.get_object().get(io) != simdjson::SUCCESS) {
                    r.item_list.push_back({});
                    continue;
                }
                r.item_list.push_back(
                    {string_field(io, "title"), string_field(io, "url"), string_field(io, "date_published")});
            }
        }
        r.items = r.item_list.size();
        r.ok = true;
        return r;
    }
    r.format = "json";
    r.items = count_values(doc);
    r.ok = true;
    return r;
}

}  // namespace feedbench::parse::detail
