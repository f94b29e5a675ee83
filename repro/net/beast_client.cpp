// The Beast client: one kept-alive connection, a wire buffer allocated up front (grown to the
// largest response once), and a response_parser fed by hand so the read size stays exact. Limits:
// the parser's body limit is --max-body (declared, chunked and read-until-close bodies alike), and no
// buffer is sized from a header: a Content-Length body is read in place in the wire buffer (whose pages
// are written only by recv), any other body grows by doubling with what arrives.
#include "repro/net/beast_client.hpp"

#include "repro/net/chunked_limit.hpp"

#include "repro/net/read_limited_stream.hpp"

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstring>
#include <memory>

namespace feedbench::client {

namespace beast = boost::beast;
namespace http = beast::http;

std::string append_query(std::string_view path, std::string_view query) {
    std::string out(path);
    if (query.empty()) return out;
    out += path.find('?') == std::string_view::npos ? '?' : '&';
    out += query;
    return out;
}

namespace {

constexpr std::size_t initial_wire_bytes = 64 * 1024;
constexpr std::size_t initial_body_bytes = 64 * 1024;
constexpr std::size_t kept_wire_bytes = 4 * 1024 * 1024;

bool is_timeout(const error_code& ec) { return ec == sched::timed_out_error(); }
bool is_deadline(const error_code& ec) { return ec == sched::deadline_error(); }

bool is_peer_gone(const error_code& ec) {
    return ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

fetch_status io_failure(const error_code& ec, core::error_class cls, std::string_view during) {
    if (is_timeout(ec))
        return fetch_status::failure(core::error_class::timeout,
                                     std::string(during) + ": no byte for the read timeout");
    if (is_deadline(ec))
        return fetch_status::failure(core::error_class::deadline, std::string(during) + ": past the job deadline");
    return fetch_status::failure(cls, std::string(during) + ": " + ec.message());
}

fetch_status too_large(std::uint64_t max_body) {
    return fetch_status::failure(core::error_class::too_large,
                                 "body longer than --max-body " + std::to_string(max_body));
}

class beast_client final : public http_client, private parse::body_source {
public:
    beast_client(net::io_context& io, const client_options& opt, sched::job_meter& meter)
        : opt_(opt),
          chunk_limit_(opt.max_body),
          stream_(io, opt.reads, opt.yield, meter, opt.read_timeout),
          wire_(new char[initial_wire_bytes]),
          wire_size_(initial_wire_bytes) {}

    std::string_view name() const override { return "beast"; }

    fetch_status connect(net::yield_context yield) override {
        parser_.reset();
        body_in_place_ = false;
        begin_ = end_ = 0;
        stream_.deadline(opt_.job_deadline.count() > 0 ? sched::watchdog::clock::now() + opt_.job_deadline
                                                       : sched::watchdog::clock::time_point::max());
        if (stream_.is_open() && stream_.idle_connection_usable()) {
            reused_ = true;
            return {};
        }
        reused_ = false;
        return open(yield);
    }

    fetch_status send_request(std::string_view target, net::yield_context yield) override {
        request_.clear();
        request_.append("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(opt_.host);
        request_.append("\r\nUser-Agent: feedbench-worker\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n");
        error_code ec;
        stream_.write_all(request_, yield, ec);
        if (ec && reused_ && is_peer_gone(ec)) return reopen_and_resend(yield);
        if (ec) return io_failure(ec, core::error_class::read, "sending the request");
        return {};
    }

    fetch_status read_head(net::yield_context yield, response_head& head) override {
        new_parser(max_header_bytes);
        response_bytes_ = 0;
        std::uint64_t head_bytes = 0;  // header bytes parsed, interim 1xx responses included
        bool retried = false;
        for (;;) {
            if (end_ > begin_) {
                error_code ec;
                const std::size_t used = parser_->put(net::buffer(wire_.get() + begin_, end_ - begin_), ec);
                begin_ += used;
                head_bytes += used;
                if (ec == http::error::body_limit) return too_large(opt_.max_body);  // the declared length
                if (ec && ec != http::error::need_more)
                    return fetch_status::failure(core::error_class::read, "bad response header: " + ec.message());
                if (parser_->is_header_done()) {
                    const unsigned status = parser_->get().result_int();
                    if (status >= 200 || status < 100) {
                        chunked_limit::lift_parser_limit_if_chunked(*parser_);
                        break;
                    }
                    // An interim response (RFC 9110 §15.2): the final one follows, within what is left of the
                    // header limit, so that endless 1xx responses end like endless header lines.
                    if (head_bytes >= max_header_bytes)
                        return fetch_status::failure(core::error_class::read,
                                                     "bad response header: interim 1xx responses past " +
                                                         std::to_string(max_header_bytes) + " bytes");
                    new_parser(std::uint32_t(max_header_bytes - head_bytes));
                    continue;
                }
            }
            error_code ec;
            const std::size_t n = read_more(whole_header_ask, yield, ec);
            if (ec) {
                // Closed before the first response byte: the server had closed the kept-alive connection, or
                // its idle timer fired on a new one before the request arrived (a starved pool: the other jobs
                // hog the thread between connect and request). A GET is idempotent (RFC 9110 §9.2.2): once
                // more on a new connection.
                if (!retried && response_bytes_ == 0 && is_peer_gone(ec)) {
                    retried = true;
                    if (auto st = reopen_and_resend(yield); !st.ok()) return st;
                    continue;
                }
                if (ec == net::error::eof)
                    return fetch_status::failure(core::error_class::read,
                                                 "connection closed before the end of the response headers (" +
                                                     std::to_string(response_bytes_) + " bytes in, " +
                                                     (retried   ? "retried on a new connection"
                                                      : reused_ ? "kept-alive connection"
                                                                : "new connection") +
                                                     ")");
                return io_failure(ec, core::error_class::read, "reading the response headers");
            }
            (void)n;
        }
        const auto& res = parser_->get();
        head.status = res.result_int();
        head.content_type = std::string(res[http::field::content_type]);
        head.content_length.reset();
        if (auto cl = parser_->content_length()) head.content_length = *cl;
        head.chunked = parser_->chunked();
        head.header_bytes = response_bytes_ - (end_ - begin_);
        return {};
    }

    fetch_status read_body(std::string_view& body, net::yield_context yield) override {
        yield_.emplace(yield);
        if (auto cl = parser_->content_length(); cl && !parser_->is_done()) return read_body_in_place(*cl, body);
        return read_body_decoded(body);
    }

    parse::body_source& body_source(net::yield_context yield) override {
        yield_.emplace(yield);
        source_error_ = core::error_class::none;
        return *this;
    }

    fetch_status drain(net::yield_context yield) override {
        yield_.emplace(yield);
        char scratch[16 * 1024];
        for (;;) {
            fetch_status st;
            if (body_some(scratch, sizeof scratch, st) == 0) return st;
        }
    }

    void finish(bool reuse) override {
        const bool complete =
            parser_ && (parser_->is_done() || body_in_place_) && parser_->keep_alive() && begin_ == end_;
        if (!(reuse && complete)) stream_.close();
        body_in_place_ = false;
        stream_.deadline(sched::watchdog::clock::time_point::max());
        parser_.reset();
        yield_.reset();
        begin_ = end_ = 0;
        if (wire_size_ > kept_wire_bytes) {  // a large response's buffer goes back; typical ones keep theirs
            wire_.reset(new char[initial_wire_bytes]);
            wire_size_ = initial_wire_bytes;
        }
        if (body_.capacity() > kept_wire_bytes) std::string().swap(body_);
    }

    std::uint64_t max_read_request() const override { return stream_.stream_totals().max_request; }
    std::uint64_t connections() const override { return stream_.stream_totals().connects; }

    // parse::body_source: one recv per call at most (plus the EAGAIN waits before it).
    std::ptrdiff_t read(char* dst, std::size_t n) override {
        fetch_status st;
        const std::size_t got = body_some(dst, n, st);
        if (!st.ok()) {
            source_error_ = st.error_class;
            return -1;
        }
        return std::ptrdiff_t(got);
    }
    core::error_class error_class() const override { return source_error_; }

private:
    // A response parser for the next head, with at most `header_limit` header bytes.
    void new_parser(std::uint32_t header_limit) {
        parser_.emplace();
        parser_->header_limit(header_limit);
        parser_->body_limit(
            opt_.max_body);             // declared and received bytes alike (never boost::none: Beast 1.74 misreads it)
        chunk_limit_.attach(*parser_);  // a chunked body's limit (see chunked_limit.hpp)
    }

    fetch_status open(net::yield_context yield) {
        error_code ec;
        stream_.connect(opt_.endpoint, yield, ec);
        if (ec) return io_failure(ec, core::error_class::connect, "connecting");
        return {};
    }

    fetch_status reopen_and_resend(net::yield_context yield) {
        reused_ = false;
        begin_ = end_ = 0;
        if (auto st = open(yield); !st.ok()) return st;
        error_code ec;
        stream_.write_all(request_, yield, ec);
        if (ec) return io_failure(ec, core::error_class::read, "sending the request");
        return {};
    }

    // One recv into the wire buffer of at most `want` bytes (the stream caps it at the read size). At
    // `whole` want is the rest of the Content-Length, which --max-body bounds; the buffer is not
    // initialised, so its pages cost memory only once recv writes bytes into them.
    std::size_t read_more(std::size_t want, net::yield_context& yield, error_code& ec) {
        if (begin_ == end_) begin_ = end_ = 0;
        const std::size_t ask = stream_.limit(want);
        if (wire_size_ - end_ < ask) {
            std::memmove(wire_.get(), wire_.get() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
            if (wire_size_ - end_ < ask) {
                std::unique_ptr<char[]> bigger(new char[end_ + ask]);
                std::memcpy(bigger.get(), wire_.get(), end_);
                wire_ = std::move(bigger);
                wire_size_ = end_ + ask;
            }
        }
        const std::size_t n = stream_.read_some(wire_.get() + end_, ask, yield, ec);
        end_ += n;
        response_bytes_ += n;
        return n;
    }

    // A Content-Length body is read in place: the rest of it is received right behind the bytes that came
    // with the head, in the one wire buffer, and handed out from there (no copy into another buffer, no
    // zero-fill). The length is the framing, so the parser is not fed the body; finish() knows it is done.
    // Each recv asks for what is missing of the length (the stream caps it at the read size), as before.
    fetch_status read_body_in_place(std::uint64_t length, std::string_view& body) {
        for (;;) {
            const std::size_t have = end_ - begin_;
            if (have >= length) break;
            error_code ec;
            read_more(std::size_t(length - have), *yield_, ec);
            if (ec == net::error::eof) {
                body = std::string_view(wire_.get() + begin_, end_ - begin_);
                return fetch_status::failure(core::error_class::truncated,
                                             "connection closed before the end of the body");
            }
            if (ec) {
                body = std::string_view(wire_.get() + begin_, end_ - begin_);
                return io_failure(ec, core::error_class::read, "reading the body");
            }
        }
        body = std::string_view(wire_.get() + begin_, std::size_t(length));
        begin_ += std::size_t(length);
        body_in_place_ = true;
        return {};
    }

    // Any other framing (chunked, until close): decoded by the parser into body_, which grows by doubling
    // with what arrives (up to --max-body; one byte more lets the parser say the body went past it).
    fetch_status read_body_decoded(std::string_view& body) {
        body_.clear();
        std::size_t filled = 0;
        const std::uint64_t most = parser_->content_length() ? *parser_->content_length() : opt_.max_body;
        body_.resize(std::size_t(std::min<std::uint64_t>(most, initial_body_bytes)));
        for (;;) {
            if (filled == body_.size()) {
                if (parser_->is_done()) break;
                const std::uint64_t next =
                    std::min<std::uint64_t>(std::max<std::size_t>(body_.size() * 2, initial_body_bytes),
                                            std::max<std::uint64_t>(most, filled + 1));
                body_.resize(std::size_t(next));
            }
            fetch_status st;
            const std::size_t n = body_some(body_.data() + filled, body_.size() - filled, st);
            if (!st.ok()) {
                body_.resize(filled);
                body = body_;
                return st;
            }
            if (n == 0) break;
            filled += n;
        }
        body_.resize(filled);
        body = body_;
        return {};
    }

    // What one body recv wants: the rest of the Content-Length; without one, 1 MiB at `whole`.
    std::size_t body_want() const {
        if (auto rest = parser_->content_length_remaining()) return std::size_t(std::max<std::uint64_t>(*rest, 1));
        return whole_unframed_ask;
    }

    // Up to n decoded body bytes into dst: from the wire buffer if it holds any, else one recv.
    // Returns 0 at the end of the body (no recv is made once the parser is done).
    std::size_t body_some(char* dst, std::size_t n, fetch_status& st) {
        if (!parser_ || !parser_->is_header_done()) {
            st = fetch_status::failure(core::error_class::read, "body requested before the response headers");
            return 0;
        }
        for (;;) {
            if (parser_->is_done()) return 0;
            if (end_ > begin_) {
                auto& b = parser_->get().body();
                b.data = dst;
                b.size = n;
                b.more = true;
                error_code ec;
                const std::size_t used = parser_->put(net::buffer(wire_.get() + begin_, end_ - begin_), ec);
                begin_ += used;
                const std::size_t got = n - b.size;
                b.data = nullptr;
                if (ec == http::error::need_buffer || ec == http::error::need_more) ec = {};
                if (ec == http::error::body_limit && (!parser_->chunked() || chunk_limit_.exceeded())) {
                    st = too_large(opt_.max_body);
                    return 0;
                }
                if (ec) {  // a body_limit the chunk count did not raise is a broken chunk header too
                    st = fetch_status::failure(core::error_class::truncated, "broken body framing: " + ec.message());
                    return 0;
                }
                if (got > 0) return got;
                if (parser_->is_done()) return 0;
                if (used > 0) continue;
            }
            error_code ec;
            read_more(body_want(), *yield_, ec);
            if (ec == net::error::eof) {
                if (!parser_->content_length() && !parser_->chunked()) {
                    error_code eof_ec;
                    parser_->put_eof(eof_ec);
                    if (!eof_ec) return 0;
                    if (eof_ec == http::error::body_limit) {
                        st = too_large(opt_.max_body);
                        return 0;
                    }
                }
                st =
                    fetch_status::failure(core::error_class::truncated, "connection closed before the end of the body");
                return 0;
            }
            if (ec) {
                st = io_failure(ec, core::error_class::read, "reading the body");
                return 0;
            }
        }
    }

    client_options opt_;
    chunked_limit chunk_limit_;  // declared before parser_, which holds a reference to it
    read_limited_stream stream_;
    std::unique_ptr<char[]> wire_;
    std::size_t wire_size_ = 0;
    std::size_t begin_ = 0, end_ = 0;  // unconsumed bytes of the wire buffer
    std::optional<http::response_parser<http::buffer_body>> parser_;
    std::optional<net::yield_context> yield_;
    std::string request_;
    std::string body_;            // a body that is not read in place (chunked, until close)
    bool body_in_place_ = false;  // this job's Content-Length body was read in place (the parser never saw it)
    core::error_class source_error_ = core::error_class::none;
    std::uint64_t response_bytes_ = 0;
    bool reused_ = false;
};

}  // namespace

std::unique_ptr<http_client> make_beast_client(net::io_context& io, const client_options& opt,
                                               sched::job_meter& meter) {
    return std::make_unique<beast_client>(io, opt, meter);
}

}  // namespace feedbench::client
