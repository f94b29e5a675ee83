// The Beast client's response side, as far as it is reachable without a socket: the same
// http::response_parser<buffer_body> with the client's limits (64 KiB of head, --max-body), fed the way
// beast_client.cpp feeds it (the unconsumed rest of the wire buffer kept, the body drained through a
// caller's buffer, end of input = the peer closed). The socket, the watchdog and the retry on a closed
// kept-alive connection are not reached. Properties: no crash; the outcome (ok / read / truncated /
// too-large), the status and the decoded body are the same at read sizes 1, 7, 4096 and whole.
#include "fuzz/fuzz_check.hpp"
#include "repro/net/chunked_limit.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace {

namespace http = boost::beast::http;
namespace fz = feedbench::fuzz;
using error_code = boost::beast::error_code;

constexpr std::uint32_t header_limit_bytes = 64 * 1024;  // as beast_client.cpp
constexpr std::uint64_t max_body = 256 * 1024;           // --max-body, small so the limit is reached

struct outcome {
    std::string error_class;  // "" ok, "read", "truncated", "too-large"
    unsigned status = 0;
    std::string body;
    bool operator==(const outcome&) const = default;
};

class wire {
public:
    wire(std::string_view in, std::size_t piece) : in_(in), piece_(piece) {}
    // One recv: up to `piece` more bytes become readable; false at the end of the input (eof).
    bool read_more() {
        if (end_ == in_.size()) return false;
        end_ = std::min(in_.size(), end_ + piece_);
        return true;
    }
    boost::asio::const_buffer pending() const { return {in_.data() + begin_, end_ - begin_}; }
    bool empty() const { return begin_ == end_; }
    void consume(std::size_t n) { begin_ += n; }

private:
    std::string_view in_;
    std::size_t piece_, begin_ = 0, end_ = 0;
};

outcome fetch(std::string_view in, std::size_t read_size) {
    outcome o;
    wire w(in, fz::piece_of(read_size, in.size()));
    http::response_parser<http::buffer_body> p;
    p.header_limit(header_limit_bytes);
    p.body_limit(max_body);
    feedbench::client::chunked_limit chunk_limit(max_body);
    chunk_limit.attach(p);
    for (;;) {  // read_head
        if (!w.empty()) {
            error_code ec;
            w.consume(p.put(w.pending(), ec));
            if (ec == http::error::body_limit) return o.error_class = "too-large", o;
            if (ec && ec != http::error::need_more) return o.error_class = "read", o;
            if (p.is_header_done()) {
                feedbench::client::chunked_limit::lift_parser_limit_if_chunked(p);
                break;
            }
        }
        if (!w.read_more()) return o.error_class = "read", o;
    }
    o.status = p.get().result_int();
    char dst[1024];
    for (;;) {  // body_some until 0
        if (p.is_done()) return o;
        if (!w.empty()) {
            auto& b = p.get().body();
            b.data = dst;
            b.size = sizeof dst;
            b.more = true;
            error_code ec;
            const std::size_t used = p.put(w.pending(), ec);
            w.consume(used);
            const std::size_t got = sizeof dst - b.size;
            b.data = nullptr;
            if (ec == http::error::need_buffer || ec == http::error::need_more) ec = {};
            if (ec == http::error::body_limit && (!p.chunked() || chunk_limit.exceeded()))
                return o.error_class = "too-large", o;
            if (ec) return o.error_class = "truncated", o;
            o.body.append(dst, got);
            if (got > 0 || used > 0) continue;
        }
        if (!w.read_more()) {
            if (!p.content_length() && !p.chunked()) {
                error_code ec;
                p.put_eof(ec);
                if (!ec) return o;
                if (ec == http::error::body_limit) return o.error_class = "too-large", o;
            }
            return o.error_class = "truncated", o;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const outcome whole = fetch(in, 0);
    fz::require(whole.body.size() <= max_body, "a body past --max-body was accepted");
    for (const std::size_t rs : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
        const outcome o = fetch(in, rs);
        fz::require(o == whole, "response decodes differently at read size " + std::to_string(rs) + ": class '" +
                                    o.error_class + "' vs '" + whole.error_class + "', body " +
                                    std::to_string(o.body.size()) + " vs " + std::to_string(whole.body.size()) +
                                    " bytes");
    }
    return 0;
}
