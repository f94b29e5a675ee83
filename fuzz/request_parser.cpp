// feedserver's request side: request_head_parser (the head as the server reads it off the socket), then
// percent_decode and is_traversal on the target. Properties: no crash; a head that parses at one of the
// read sizes 1, 7, 4096 and whole parses at all of them, with the same method and target (an incomplete
// bad head may be refused early or wait for more bytes depending on how much arrived: Beast's rule, and
// either way nothing is served); a decoded path that passes the traversal check has no "/../" segment.
#include "feedserver/request.hpp"
#include "fuzz/fuzz_check.hpp"

#include <cstdint>
#include <string>

namespace {

using feedbench::feedserver::request_head_parser;
namespace fz = feedbench::fuzz;

struct outcome {
    bool header_done = false;
    std::string error;  // "" when the head parsed (or more bytes were wanted)
    int method = -1;
    std::string target;
    bool operator==(const outcome&) const = default;
};

// Feeds the bytes the way feedserver's session does: whatever arrived so far, the unconsumed rest kept.
outcome parse_head(std::string_view in, std::size_t read_size) {
    request_head_parser p;
    p.eager(false);
    outcome o;
    const std::size_t piece = fz::piece_of(read_size, in.size());
    std::size_t begin = 0, end = 0;
    while (true) {
        end = std::min(in.size(), end + piece);
        for (;;) {
            boost::beast::error_code ec;
            const std::size_t used = p.put(boost::asio::buffer(in.data() + begin, end - begin), ec);
            begin += used;
            if (ec == boost::beast::http::error::need_more) break;
            if (ec) {
                o.error = ec.message();
                return o;
            }
            if (p.is_header_done()) {
                if (request_head_parser::head_too_large(begin)) {  // as the server checks the consumed head
                    o.error = boost::beast::http::make_error_code(boost::beast::http::error::header_limit).message();
                    return o;
                }
                o.header_done = true;
                o.method = int(p.method());
                o.target = std::string(p.target());
                return o;
            }
            if (used == 0) break;
        }
        if (end == in.size()) return o;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const outcome whole = parse_head(in, 0);
    for (const std::size_t rs : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
        const outcome o = parse_head(in, rs);
        if (!o.header_done && !whole.header_done) continue;
        fz::require(o == whole, "request head parses differently at read size " + std::to_string(rs) + ": '" + o.error +
                                    "' vs '" + whole.error + "'");
    }
    if (!whole.header_done) return 0;
    std::array<char, 8 * 1024> decoded{};
    std::size_t n = 0;
    const std::string_view path = std::string_view(whole.target).substr(0, whole.target.find('?'));
    if (!feedbench::feedserver::percent_decode(path, decoded, n)) return 0;
    const std::string_view p(decoded.data(), n);
    if (!feedbench::feedserver::is_traversal(p)) {
        fz::require(
            p.find("/../") == std::string_view::npos && !p.ends_with("/..") && p.find('\\') == std::string_view::npos,
            "a traversal passed is_traversal: " + std::string(p));
    }
    return 0;
}
