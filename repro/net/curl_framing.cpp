#include "repro/net/curl_framing.hpp"

#include <charconv>

namespace feedbench::client {

bool merge_content_length(std::string_view value, std::optional<std::uint64_t>& length) {
    bool any = false;
    while (!value.empty()) {
        const auto comma = value.find(',');
        const std::string_view token = core::trim(value.substr(0, comma));
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        std::uint64_t v = 0;
        const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
        if (token.empty() || ec != std::errc{} || end != token.data() + token.size()) return false;
        if (length && *length != v) return false;
        length = v;
        any = true;
    }
    return any;
}

bool header_value(std::string_view line, std::string_view name, std::string_view& value) {
    if (line.size() <= name.size() || line[name.size()] != ':' || !core::iequals(line.substr(0, name.size()), name))
        return false;
    value = core::trim(line.substr(name.size() + 1));
    return true;
}

}  // namespace feedbench::client
