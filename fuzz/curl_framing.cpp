// The libcurl client's own framing code (repro/net/curl_framing.hpp): libcurl parses the status line and
// splits the head into lines itself (its parser is libcurl's, not fuzzed here); the client merges
// Content-Length fields, looks header fields up and decodes the chunked coding itself. Input: head lines,
// a blank line, then a chunked body. Properties: no crash; the chunk decoder gives the same verdict,
// decoded bytes and body at read sizes 1, 7, 4096 and whole; a merged Content-Length is one of the values.
#include "fuzz/fuzz_check.hpp"
#include "repro/net/curl_framing.hpp"

#include <charconv>
#include <cstdint>
#include <string>

namespace {

namespace fz = feedbench::fuzz;
using feedbench::client::chunk_decoder;

struct decoded {
    bool ok = true, done = false;
    std::uint64_t count = 0;
    std::string body;
    bool operator==(const decoded&) const = default;
};

decoded dechunk(std::string_view in, std::size_t read_size) {
    chunk_decoder d;
    decoded out;
    const std::size_t piece = fz::piece_of(read_size, in.size());
    for (std::size_t at = 0; at < in.size() && out.ok; at += piece) {
        const std::string_view part = in.substr(at, piece);
        out.ok = d.feed(part.data(), part.size(), &out.body);
    }
    out.done = d.done();
    out.count = d.decoded();
    fz::require(!out.ok || out.count == out.body.size(), "decoded() differs from the bytes appended");
    return out;
}

void check_head(std::string_view head) {
    std::optional<std::uint64_t> length;
    bool bad = false;
    while (!head.empty()) {
        const auto nl = head.find('\n');
        const std::string_view line = feedbench::core::trim(head.substr(0, nl));
        head = nl == std::string_view::npos ? std::string_view{} : head.substr(nl + 1);
        std::string_view value;
        if (!bad && feedbench::client::header_value(line, "Content-Length", value)) {
            const auto before = length;
            if (!feedbench::client::merge_content_length(value, length)) {
                bad = true;
                continue;
            }
            fz::require(length.has_value() && (!before || *before == *length),
                        "a merged Content-Length changed its value");
            std::uint64_t first = 0;
            const std::string_view token = feedbench::core::trim(value.substr(0, value.find(',')));
            std::from_chars(token.data(), token.data() + token.size(), first);
            fz::require(first == *length, "a merged Content-Length is not the value given");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto blank = in.find("\r\n\r\n");
    const std::string_view head = blank == std::string_view::npos ? std::string_view{} : in.substr(0, blank);
    const std::string_view body = blank == std::string_view::npos ? in : in.substr(blank + 4);
    check_head(head);
    const decoded whole = dechunk(body, 0);
    for (const std::size_t rs : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
        const decoded d = dechunk(body, rs);
        fz::require(d == whole, "chunked body decodes differently at read size " + std::to_string(rs));
    }
    return 0;
}
