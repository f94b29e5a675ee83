// Percent-decoding of URL paths and the traversal check.
#include "feedserver/request.hpp"

#include "repro/core/strings.hpp"

namespace feedbench::feedserver {

bool percent_decode(std::string_view in, std::array<char, 8 * 1024>& out, std::size_t& size) {
    size = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int hi = core::hex_digit_value(in[i + 1]), lo = core::hex_digit_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = static_cast<char>(hi * 16 + lo);
            if (c == '\0') return false;
            i += 2;
        }
        out[size++] = c;
    }
    return true;
}

bool is_traversal(std::string_view path) {
    if (path.find('\\') != std::string_view::npos) return true;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        auto seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (seg == ".." || seg == ".") return true;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return false;
}

}  // namespace feedbench::feedserver
