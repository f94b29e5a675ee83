// Request side of the feed server: a request-head parser that keeps only what the server needs (no
// allocation), percent-decoding of URL paths and the traversal check.
#pragma once

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace feedbench::feedserver {

namespace beast = boost::beast;
namespace http = beast::http;

// Request-line and header parse without per-request allocation: only what the server needs is kept.
//
// Beast 1.74 parses complete header lines as they arrive and re-bases its header limit at each call, so a
// head that arrives in pieces may pass max_head_bytes by a few lines where the same head read at once is
// refused. Whoever feeds the parser compares the bytes it consumed for the head with max_head_bytes.
class request_head_parser : public http::basic_parser<true> {
public:
    static constexpr std::size_t max_head_bytes = 8 * 1024;  // request line, fields and the empty line
    // The check on the bytes the parser consumed for a whole head, however they arrived.
    static bool head_too_large(std::size_t head_bytes) { return head_bytes > max_head_bytes; }

    request_head_parser() {
        header_limit(std::uint32_t(max_head_bytes));
        body_limit(1024 * 1024);
    }
    http::verb method() const { return method_; }
    std::string_view target() const { return {target_.data(), target_size_}; }
    int version() const { return version_; }

private:
    void on_request_impl(http::verb method, beast::string_view, beast::string_view target, int version,
                         beast::error_code& ec) override {
        method_ = method;
        version_ = version;
        if (target.size() > target_.size()) {
            ec = http::error::header_limit;
            return;
        }
        std::copy(target.begin(), target.end(), target_.begin());
        target_size_ = target.size();
    }
    void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
    // RFC 9112 §6.3: a transfer coding other than one "chunked" (unknown, or stacked: "chunked, gzip",
    // "xchunked", a second Transfer-Encoding field) leaves the body length unknown: 400 and close.
    void on_field_impl(http::field f, beast::string_view, beast::string_view value, beast::error_code& ec) override {
        if (f != http::field::transfer_encoding) return;
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        if (transfer_encoding_seen_ || !beast::iequals(value, "chunked")) ec = http::error::bad_transfer_encoding;
        transfer_encoding_seen_ = true;
    }
    void on_header_impl(beast::error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>&, beast::error_code&) override {}
    std::size_t on_body_impl(beast::string_view body, beast::error_code&) override { return body.size(); }
    void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
        return body.size();
    }
    void on_finish_impl(beast::error_code&) override {}

    http::verb method_ = http::verb::unknown;
    int version_ = 11;
    std::array<char, 8 * 1024> target_;  // not zeroed: the parser is made anew per request (8 kB memset each)
    std::size_t target_size_ = 0;
    bool transfer_encoding_seen_ = false;
};

// Percent-decodes a URL path into `out`; false on a malformed escape or an encoded NUL.
bool percent_decode(std::string_view in, std::array<char, 8 * 1024>& out, std::size_t& size);

// "/.." or "/./" segments, backslashes: a traversal attempt, never served.
bool is_traversal(std::string_view path);

}  // namespace feedbench::feedserver
