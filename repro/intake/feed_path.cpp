#include "repro/intake/feed_path.hpp"

#include "repro/core/strings.hpp"

namespace feedbench::intake {

namespace {

bool is_pchar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("-._~!$&'()*+,;=:@").find(char(c)) != std::string_view::npos;
}

}  // namespace

std::string feed_path(std::string_view feed_id) {
    std::string out = "/feeds/";
    out.reserve(out.size() + feed_id.size());
    for (const char ch : feed_id) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_pchar(c)) {
            out += ch;
            continue;
        }
        out += '%';
        out += core::hex_digit(c >> 4);
        out += core::hex_digit(c & 0xf);
    }
    return out;
}

}  // namespace feedbench::intake
