// chunked_limit: --max-body for a chunked response read by Beast's parser, counted once per chunk.
//
// Beast 1.74's parser takes a chunk's declared size off its body limit before it parses the chunk's
// extensions, and again each time an unfinished extension makes it wait for more bytes. A malformed
// extension read one byte at a time thus exhausts the limit ("too-large") where the same bytes read at
// once end as a broken chunk ("truncated"). For a chunked body the parser's own limit is lifted once the
// head is parsed, and this callback counts the sizes of the chunk headers the parser accepts instead.
// A body_limit error from the parser that this count did not raise is a broken chunk, not a large body.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include <cstdint>
#include <limits>

namespace feedbench::client {

class chunked_limit {
public:
    explicit chunked_limit(std::uint64_t max_body) : max_body_(max_body) {}

    // Before the parser sees any byte: it keeps a reference to this object.
    template <class Parser>
    void attach(Parser& p) {
        declared_ = 0;
        exceeded_ = false;
        p.on_chunk_header(*this);
    }

    // Once the head is parsed: a chunked body is bounded here, not by the parser's own count.
    template <class Parser>
    static void lift_parser_limit_if_chunked(Parser& p) {
        if (p.chunked()) p.body_limit(std::numeric_limits<std::uint64_t>::max());
    }

    // The parser's on_chunk_header callback: once per accepted chunk header (size 0 for the last).
    void operator()(std::uint64_t size, boost::beast::string_view, boost::beast::error_code& ec) {
        if (size > max_body_ - declared_) {
            exceeded_ = true;
            ec = boost::beast::http::error::body_limit;
            return;
        }
        declared_ += size;
    }

    // After the parser said body_limit: the declared sizes went past --max-body (else a broken chunk).
    bool exceeded() const { return exceeded_; }

private:
    std::uint64_t max_body_;
    std::uint64_t declared_ = 0;
    bool exceeded_ = false;
};

}  // namespace feedbench::client
