// parse_eager / parse_lazy: sniff the body (XML, JSON, neither), then hand it to libxml2 or simdjson.
#include "repro/parse/feed_parser.hpp"

#include "repro/parse/json_feed.hpp"
#include "repro/parse/sniff.hpp"
#include "repro/parse/xml_feed.hpp"

#include <memory>
#include <optional>
#include <string>

namespace feedbench::parse {

namespace {

parse_result failure(core::error_class error_class, std::string message) {
    parse_result r;
    r.error_class = error_class;
    r.message = std::move(message);
    return r;
}

parse_result not_a_feed_or_empty(body_kind kind) {
    if (kind == body_kind::empty) return failure(core::error_class::parse, "empty body");
    return failure(core::error_class::not_a_feed, "body is neither XML nor JSON");
}

}  // namespace

parse_result parse_eager(std::string_view body, std::string_view content_type, bool force_utf8) {
    body_kind const kind = sniff_body(body, content_type, true).value_or(body_kind::unknown);
    switch (kind) {
        case body_kind::xml:
            return detail::parse_xml_memory(body, force_utf8);
        case body_kind::json:
            return detail::parse_json_memory(body);
        default:
            return not_a_feed_or_empty(kind);
    }
}

parse_result parse_lazy(body_source& src, std::string_view content_type, bool force_utf8, std::size_t request_bytes) {
    std::size_t const cap = request_bytes == 0 ? lazy_request_bytes : request_bytes;
    std::unique_ptr<char[]> buf(new char[cap]);
    auto const read_failed = [&] {
        core::error_class const cls = src.error_class();
        return failure(cls == core::error_class::none ? core::error_class::read : cls,
                       "body read failed during the parse");
    };
    // Peek: read until the first bytes decide the kind; keep them and replay them to the parser.
    // Usually the first read decides, and its bytes are replayed straight from the buffer.
    std::string held;
    std::string_view prefix;
    std::optional<body_kind> kind;
    bool at_end = false;
    while (!(kind = sniff_body(prefix, content_type, at_end))) {
        if (!prefix.empty() && prefix.data() == buf.get()) {
            held.assign(prefix);  // undecided: keep these bytes before the buffer is reused
            prefix = held;
        }
        std::ptrdiff_t const n = src.read(buf.get(), cap);
        if (n < 0) return read_failed();
        if (n == 0) at_end = true;
        if (held.empty()) {
            prefix = std::string_view(buf.get(), static_cast<std::size_t>(n));
        } else {
            held.append(buf.get(), static_cast<std::size_t>(n));
            prefix = held;
        }
    }
    if (*kind == body_kind::xml) return detail::parse_xml_pull(src, prefix, force_utf8, buf.get(), cap);

    // JSON (and bodies we will reject): read everything first, so the reads stay in the parse stage.
    std::string body(prefix);
    if (!at_end && !read_to_end(src, body, buf.get(), cap)) return read_failed();
    if (*kind == body_kind::json) return detail::parse_json_memory(body);
    return not_a_feed_or_empty(*kind);
}

}  // namespace feedbench::parse
