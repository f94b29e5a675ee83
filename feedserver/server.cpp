// The feed server: prebuilt responses, a listener and keep-alive sessions on Boost.Beast, and the
// server_thread wrapper that runs it on its own thread(s).
#include "feedserver/server.hpp"
#include "feedserver/handler_memory.hpp"
#include "feedserver/request.hpp"
#include "feedserver/response_mode.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>
#include <pthread.h>
#include <csignal>
#include <sched.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <limits>
#include <thread>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace feedbench::feedserver {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using beast::error_code;

namespace {

void fail(error_code ec, const char* what) {
    std::fprintf(stderr, "feedserver: %s: %s\n", what, ec.message().c_str());
}

// One servable thing (a feed, the manifest, /healthz): head and body built once at start.
struct resource {
    std::string content_type;
    std::string_view body;        // into the corpus or the server's own storage (never copied)
    std::string head_keep_alive;  // status line + headers, Content-Length, keep-alive
    std::string head_close;       // same with "Connection: close"
    std::int64_t file_offset = -1;  // where the body sits in the server's body file (-1: not there)
};

std::string make_head(int status, std::string_view reason, std::string_view content_type, std::size_t length,
                      bool close, std::string_view extra = {}) {
    return fmt::format("HTTP/1.1 {} {}\r\nServer: feedserver\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}{}\r\n",
                       status, reason, content_type, length, extra, close ? "Connection: close\r\n" : "");
}

resource make_resource(std::string content_type, std::string_view body) {
    resource r;
    r.content_type = std::move(content_type);
    r.body = body;
    r.head_keep_alive = make_head(200, "OK", r.content_type, r.body.size(), false);
    r.head_close = make_head(200, "OK", r.content_type, r.body.size(), true);
    return r;
}

// A prebuilt error response: whole wire bytes.
struct canned {
    std::string keep_alive, close;
};
canned make_canned(int status, std::string_view reason, std::string_view extra = {}) {
    std::string body = fmt::format("{} {}\n", status, reason);
    return {make_head(status, reason, "text/plain; charset=utf-8", body.size(), false, extra) + body,
            make_head(status, reason, "text/plain; charset=utf-8", body.size(), true, extra) + body};
}

constexpr std::string_view html_page =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not a feed</title></head>\n"
    "<body><h1>Welcome</h1><p>This page is HTML, not a feed.</p></body></html>\n";



struct atomic_stats {
    std::atomic<std::uint64_t> connections{0}, requests{0}, bytes{0}, bad_request{0}, header_too_large{0},
        method_not_allowed{0}, not_found{0}, bad_query{0}, timeouts{0}, rejected_connections{0}, faults{0},
        open_connections{0};
};

void bump(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }

}  // namespace

// ---------------------------------------------------------------------------------------------------------
class feed_server : public std::enable_shared_from_this<feed_server> {
public:
    feed_server(net::io_context& ioc, data::corpus corpus, server_options opt);
    ~feed_server() {
        if (body_file_ >= 0) ::close(body_file_);
    }
    void run();
    void stop();
    unsigned short port() const { return port_; }
    server_stats stats() const;
    const data::corpus& corpus() const { return corpus_; }

    // Shared by sessions.
    const server_options& options() const { return opt_; }
    atomic_stats& counters() { return stats_; }
    const resource* find(std::string_view path) const {
        auto it = routes_.find(path);
        return it == routes_.end() ? nullptr : &resources_[it->second];
    }
    int body_file() const { return body_file_; }
    const canned& bad_request() const { return bad_request_; }
    const canned& header_too_large() const { return header_too_large_; }
    const canned& method_not_allowed() const { return method_not_allowed_; }
    const canned& not_found() const { return not_found_; }
    const canned& service_unavailable() const { return service_unavailable_; }
    const canned& internal_error() const { return internal_error_; }
    std::string stats_json() const;

    void register_session(std::uint64_t id, std::weak_ptr<class session> s);
    void unregister_session(std::uint64_t id);  // the session's last act: wakes wait_for()
    bool wait_for(const std::function<bool(const server_stats&)>& pred, std::chrono::milliseconds timeout) const;
    bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

private:
    void do_accept();
    void on_accept(error_code ec, tcp::socket socket);
    void build_body_file();

    net::io_context& ioc_;
    data::corpus corpus_;
    server_options opt_;
    std::string manifest_;
    std::vector<resource> resources_;
    std::unordered_map<std::string_view, std::size_t> routes_;
    canned bad_request_, header_too_large_, method_not_allowed_, not_found_, service_unavailable_, internal_error_;
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    atomic_stats stats_;
    int body_file_ = -1;  // memfd holding every body, for sendfile(2); -1 when off or unavailable
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> next_session_id_{0};
    std::mutex sessions_mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<class session>> sessions_;
    mutable std::mutex closed_mutex_;
    mutable std::condition_variable closed_cv_;  // notified whenever a session ends
};

// ---------------------------------------------------------------------------------------------------------
// One connection: read a request head, write its prebuilt response, repeat while keep-alive.
class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket&& socket, std::shared_ptr<feed_server> server, std::uint64_t id)
        : stream_(std::move(socket)), server_(std::move(server)), id_(id),
          timer_(stream_.get_executor()), rng_state_(0x2012 + id * 0x9E3779B97F4A7C15ull) {}

    ~session() {
        server_->counters().open_connections.fetch_sub(1, std::memory_order_relaxed);
        server_->unregister_session(id_);
    }

    void run() {
        server_->register_session(id_, weak_from_this());
        error_code ec;
        nodelay_ = server_->options().nodelay;
        stream_.socket().set_option(tcp::no_delay(nodelay_), ec);
        stream_.socket().native_non_blocking(true, ec);
        net::dispatch(stream_.get_executor(), beast::bind_front_handler(&session::do_read, shared_from_this()));
    }

    // Graceful stop: an idle connection closes now, a response in flight finishes first.
    void stop() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            self->stopping_ = true;
            if (self->state_ == state::reading || self->state_ == state::stalled) self->stream_.cancel();
        });
    }

private:
    enum class state { reading, responding, stalled, closing };
    enum class after_write { keep_alive, close, stall, endless };

    using ms = std::chrono::milliseconds;

    // A member function as a completion handler that keeps the session alive and allocates from memory_.
    template <class F>
    auto bind(F f) {
        return with_memory(memory_, beast::bind_front_handler(f, shared_from_this()));
    }

    ms idle_timeout() const { return ms(server_->options().idle_timeout_ms); }

    void do_read() {
        if (stopping_ || server_->stopping()) return do_close();
        state_ = state::reading;
        head_only_ = false;
        parser_.emplace();
        stream_.expires_after(idle_timeout());
        http::async_read_header(stream_, buffer_, *parser_, bind(&session::on_read));
    }

    void on_read(error_code ec, std::size_t) {
        auto& c = server_->counters();
        if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
            ec == net::error::operation_aborted)
            return do_close();
        if (ec == beast::error::timeout) {
            bump(c.timeouts);
            return do_close();
        }
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            bump(c.header_too_large);
            return write_canned(server_->header_too_large().close, after_write::close);
        }
        if (ec == http::error::partial_message && buffer_.size() == 0) return do_close();
        if (ec) {
            bump(c.bad_request);
            return write_canned(server_->bad_request().close, after_write::close);
        }
        handle_request();
    }

    void handle_request() {
        auto& c = server_->counters();
        auto& p = *parser_;
        bump(c.requests);
        state_ = state::responding;
        if (p.method() != http::verb::get && p.method() != http::verb::head) {
            bump(c.method_not_allowed);
            return write_canned(server_->method_not_allowed().close, after_write::close);
        }
        if (!p.is_done()) {  // a body follows the header: not served, and it would desync keep-alive
            bump(c.bad_request);
            return write_canned(server_->bad_request().close, after_write::close);
        }
        head_only_ = p.method() == http::verb::head;
        bool keep_alive = p.keep_alive() && p.version() >= 11 && !stopping_ && !server_->stopping();

        auto target = p.target();
        auto qmark = target.find('?');
        std::string_view path = target.substr(0, qmark);
        std::string_view query = qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);
        if (path.find('%') != std::string_view::npos) {
            std::size_t n = 0;
            if (!percent_decode(path, decoded_, n)) {
                bump(c.not_found);
                return write_canned(keep_alive ? server_->not_found().keep_alive : server_->not_found().close,
                                    keep_alive ? after_write::keep_alive : after_write::close);
            }
            path = std::string_view(decoded_.data(), n);
        }
        const resource* res = nullptr;
        bool stats_route = false;
        if (!path.starts_with("/") || is_traversal(path)) {
            res = nullptr;
        } else if (path == "/stats") {
            stats_route = true;
        } else {
            res = server_->find(path);
        }
        if (!res && !stats_route) {
            bump(c.not_found);
            return write_canned(keep_alive ? server_->not_found().keep_alive : server_->not_found().close,
                                keep_alive ? after_write::keep_alive : after_write::close);
        }

        mode_ = default_mode();
        if (!query.empty()) {
            if (auto err = apply_query(query, mode_)) {
                bump(c.bad_query);
                return write_canned(keep_alive ? server_->bad_request().keep_alive : server_->bad_request().close,
                                    keep_alive ? after_write::keep_alive : after_write::close);
            }
        }
        if (mode_.nodelay != nodelay_) {
            error_code ignored;
            stream_.socket().set_option(tcp::no_delay(mode_.nodelay), ignored);
            nodelay_ = mode_.nodelay;
        }
        if (stats_route) {
            dynamic_body_ = server_->stats_json();
            dynamic_ = make_resource("application/json", dynamic_body_);
            res = &dynamic_;
        }
        then_ = keep_alive ? after_write::keep_alive : after_write::close;

        // The hot path: prebuilt head, then the body by sendfile(2) from the in-memory body file
        // (as nginx serves files), or head + body in one gather write.
        if (mode_.is_plain()) {
            pieces_[0] = keep_alive ? res->head_keep_alive : res->head_close;
            pieces_[1] = head_only_ ? std::string_view{} : std::string_view(res->body);
            piece_count_ = 2;
            if (server_->body_file() >= 0 && res->file_offset >= 0 && !pieces_[1].empty()) {
                head_left_ = pieces_[0];
                file_offset_ = res->file_offset;
                file_left_ = res->body.size();
                sent_ = 0;
                return do_sendfile();
            }
            return write_plain();
        }
        prepare_modal(*res, keep_alive);
        if (mode_.delay_max_ms > 0) {
            auto span = mode_.delay_max_ms - mode_.delay_min_ms;
            auto delay = mode_.delay_min_ms + (span ? static_cast<unsigned>(next_random() % (span + 1)) : 0u);
            timer_.expires_after(ms(delay));
            return timer_.async_wait(bind(&session::on_delay));
        }
        start_modal_write();
    }

    response_mode default_mode() const {
        const auto& o = server_->options();
        response_mode m;
        m.chunk = o.chunk;
        m.segment = o.segment;
        m.rate = o.rate;
        m.delay_min_ms = o.delay_min_ms;
        m.delay_max_ms = o.delay_max_ms;
        m.nodelay = o.nodelay;
        m.split = o.split;
        return m;
    }

    std::uint64_t next_random() {
        std::uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    void write_canned(std::string_view wire, after_write then) {
        state_ = state::responding;
        if (head_only_) wire = wire.substr(0, wire.find("\r\n\r\n") + 4);
        then_ = then;
        pieces_[0] = wire;
        pieces_[1] = {};
        piece_count_ = 1;
        write_plain();
    }

    void write_plain() {
        stream_.expires_after(idle_timeout());
        std::array<net::const_buffer, 2> bufs{net::buffer(pieces_[0].data(), pieces_[0].size()),
                                              net::buffer(pieces_[1].data(), pieces_[1].size())};
        net::async_write(stream_, bufs, bind(&session::on_write_done));
    }

    // Head by send(MSG_MORE), body by sendfile(2); on EAGAIN wait for writability under the idle timeout.
    void do_sendfile() {
        int fd = stream_.socket().native_handle();
        for (;;) {
            ssize_t n;
            if (!head_left_.empty()) {
                n = ::send(fd, head_left_.data(), head_left_.size(), MSG_NOSIGNAL | MSG_DONTWAIT | MSG_MORE);
            } else if (file_left_ > 0) {
                off_t offset = static_cast<off_t>(file_offset_);
                n = ::sendfile(fd, server_->body_file(), &offset, file_left_);
            } else {
                return on_write_done({}, sent_);
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return wait_writable();
            if (n <= 0) return on_write_error(error_code(n < 0 ? errno : EPIPE, boost::system::system_category()));
            auto written = static_cast<std::size_t>(n);
            sent_ += written;
            if (!head_left_.empty()) {
                head_left_.remove_prefix(written);
            } else {
                file_offset_ += static_cast<std::int64_t>(written);
                file_left_ -= written;
            }
        }
    }

    void wait_writable() {
        timer_.expires_after(idle_timeout());
        // Not from memory_: this handler does not keep the session alive, so it may outlive it.
        timer_.async_wait([weak = weak_from_this()](error_code ec) {
            if (ec) return;
            if (auto self = weak.lock()) {
                self->write_timed_out_ = true;
                error_code ignored;
                self->stream_.socket().cancel(ignored);
            }
        });
        auto on_writable = [self = shared_from_this()](error_code ec) {
            self->timer_.cancel();
            if (self->write_timed_out_) {
                self->write_timed_out_ = false;
                return self->on_write_error(beast::error::timeout);
            }
            if (ec) return self->on_write_error(ec);
            self->do_sendfile();
        };
        stream_.socket().async_wait(tcp::socket::wait_write, with_memory(memory_, std::move(on_writable)));
    }

    // Non-default modes: wire bytes assembled into the session's scratch (capacity reused).
    void prepare_modal(const resource& res, bool keep_alive) {
        auto& c = server_->counters();
        const auto& head = keep_alive ? res.head_keep_alive : res.head_close;
        std::string_view body = head_only_ ? std::string_view{} : std::string_view(res.body);
        scratch_head_.clear();
        scratch_body_.clear();
        auto close_after = [&] { then_ = after_write::close; };
        if (mode_.fault != fault_mode::none) bump(c.faults);
        switch (mode_.fault) {
        case fault_mode::none:
            if (mode_.chunk > 0) {
                scratch_head_ = fmt::format("HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\n"
                                            "Transfer-Encoding: chunked\r\n{}\r\n",
                                            res.content_type, keep_alive ? "" : "Connection: close\r\n");
                if (!head_only_) append_chunked(body, mode_.chunk);
                return set_pieces(scratch_head_, scratch_body_);
            }
            return set_pieces(head, body);
        case fault_mode::close_mid_body:
            close_after();
            return set_pieces(res.head_close, body.substr(0, body.size() / 2));
        case fault_mode::length_long:
            close_after();
            scratch_head_ = make_head(200, "OK", res.content_type, res.body.size() + 100, true);
            return set_pieces(scratch_head_, body);
        case fault_mode::length_short:
            close_after();
            scratch_head_ = make_head(200, "OK", res.content_type, res.body.size() / 2, true);
            return set_pieces(scratch_head_, body);
        case fault_mode::bad_chunk:
            close_after();
            scratch_head_ = fmt::format("HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\n"
                                        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                                        res.content_type);
            if (!head_only_) {
                auto first = body.substr(0, std::min<std::size_t>(body.size(), 64));
                scratch_body_ = fmt::format("{:x}\r\n", first.size());
                scratch_body_.append(first);
                scratch_body_ += "\r\nzz-not-hex\r\n";
                scratch_body_.append(body.substr(first.size(), 64));
            }
            return set_pieces(scratch_head_, scratch_body_);
        case fault_mode::stall:
            then_ = after_write::stall;
            return set_pieces(res.head_close, {});
        case fault_mode::html:
            scratch_head_ = make_head(200, "OK", "text/html; charset=utf-8", html_page.size(), !keep_alive);
            return set_pieces(scratch_head_, head_only_ ? std::string_view{} : html_page);
        case fault_mode::bogus_charset:
            scratch_head_ = make_head(200, "OK", "application/xml; charset=x-bogus-42", res.body.size(), !keep_alive);
            return set_pieces(scratch_head_, body);
        case fault_mode::status_500: {
            const auto& wire = keep_alive ? server_->internal_error().keep_alive : server_->internal_error().close;
            return set_pieces(wire, {});
        }
        case fault_mode::length_tib:
            close_after();
            scratch_head_ = make_head(200, "OK", res.content_type, std::size_t{1099511627775ull}, true);
            return set_pieces(scratch_head_, body);
        case fault_mode::length_2g:
            close_after();
            scratch_head_ = make_head(200, "OK", res.content_type, std::size_t{2147483648ull}, true);
            return set_pieces(scratch_head_, body.substr(0, 100));
        case fault_mode::endless:
            endless_body_ = head_only_ ? std::string_view{} : std::string_view(res.body);
            endless_sent_ = body.size();
            then_ = endless_body_.empty() ? after_write::close : after_write::endless;
            scratch_head_ = fmt::format("HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\nConnection: close\r\n\r\n",
                                        res.content_type);
            return set_pieces(scratch_head_, body);
        case fault_mode::entities: {
            const auto doc = entity_amplification_document();
            scratch_head_ = make_head(200, "OK", "application/rss+xml; charset=utf-8", doc.size(), !keep_alive);
            return set_pieces(scratch_head_, head_only_ ? std::string_view{} : doc);
        }
        case fault_mode::length_conflict:
            close_after();
            scratch_head_ = fmt::format("HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
                                        "Content-Length: {}\r\nConnection: close\r\n\r\n",
                                        res.content_type, res.body.size(), res.body.size() + 100);
            return set_pieces(scratch_head_, body);
        case fault_mode::length_overflow:
            close_after();
            scratch_head_ = fmt::format("HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\n"
                                        "Content-Length: 99999999999999999999999\r\nConnection: close\r\n\r\n",
                                        res.content_type);
            return set_pieces(scratch_head_, body);
        }
    }

    void append_chunked(std::string_view body, std::size_t chunk) {
        for (std::size_t pos = 0; pos < body.size(); pos += chunk) {
            auto part = body.substr(pos, chunk);
            fmt::format_to(std::back_inserter(scratch_body_), "{:x}\r\n", part.size());
            scratch_body_.append(part);
            scratch_body_ += "\r\n";
        }
        scratch_body_ += "0\r\n\r\n";
    }

    void set_pieces(std::string_view head, std::string_view body) {
        if (mode_.split || body.empty()) {
            pieces_[0] = head;
            pieces_[1] = body;
            piece_count_ = body.empty() ? 1 : 2;
            return;
        }
        // One piece so that segments span the head/body boundary as a single byte stream would.
        if (head.data() != scratch_head_.data()) scratch_head_.assign(head);
        scratch_head_.append(body);
        pieces_[0] = scratch_head_;
        pieces_[1] = {};
        piece_count_ = 1;
    }

    void on_delay(error_code ec) {
        if (ec) return do_close();
        start_modal_write();
    }

    void start_modal_write() {
        piece_index_ = 0;
        piece_offset_ = 0;
        sent_ = 0;
        pace_start_ = std::chrono::steady_clock::now();
        do_modal_write();
    }

    std::size_t write_size() const {
        if (mode_.segment > 0) return mode_.segment;
        if (mode_.rate > 0) return std::clamp<std::size_t>(mode_.rate / 50, 1, 64 * 1024);  // ~20 ms steps
        return std::numeric_limits<std::size_t>::max();
    }

    void do_modal_write() {
        while (piece_index_ < piece_count_ && piece_offset_ >= pieces_[piece_index_].size()) {
            ++piece_index_;
            piece_offset_ = 0;
        }
        if (piece_index_ >= piece_count_) return on_write_done({}, 0);
        auto piece = pieces_[piece_index_].substr(piece_offset_);
        auto n = std::min(piece.size(), write_size());
        if (mode_.rate == 0) return write_segment(piece.substr(0, n));
        // Pacing: a segment leaves only once its last byte is due, so N bytes take at least N/rate.
        auto due = pace_start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                     static_cast<double>(sent_ + n) * 1e9 / static_cast<double>(mode_.rate)));
        if (due <= std::chrono::steady_clock::now()) return write_segment(piece.substr(0, n));
        timer_.expires_at(due);
        timer_.async_wait([self = shared_from_this(), segment = piece.substr(0, n)](error_code ec) {
            if (ec) return self->do_close();
            self->write_segment(segment);
        });
    }

    void write_segment(std::string_view segment) {
        stream_.expires_after(idle_timeout());
        net::async_write(stream_, net::buffer(segment.data(), segment.size()),
                         bind(&session::on_modal_write));
    }

    void on_modal_write(error_code ec, std::size_t n) {
        bump(server_->counters().bytes, n);
        if (ec) return on_write_error(ec);
        piece_offset_ += n;
        sent_ += n;
        do_modal_write();
    }

    void on_write_error(error_code ec) {
        if (ec == beast::error::timeout) bump(server_->counters().timeouts);
        do_close();
    }

    void on_write_done(error_code ec, std::size_t n) {
        bump(server_->counters().bytes, n);  // modal writes counted theirs already and pass 0
        if (ec) return on_write_error(ec);
        switch (then_) {
        case after_write::keep_alive: return do_read();
        case after_write::close: return do_linger();
        case after_write::stall: return do_stall();
        case after_write::endless: return do_endless();
        }
    }

    // fault=endless: the body once more, until the client closes (a write error) or the bound is reached.
    void do_endless() {
        if (stopping_ || endless_sent_ >= endless_fault_bytes || endless_body_.empty()) return do_linger();
        endless_sent_ += endless_body_.size();
        then_ = after_write::endless;
        pieces_[0] = endless_body_;
        pieces_[1] = {};
        piece_count_ = 1;
        start_modal_write();
    }

    // Headers sent, nothing more: wait for the client to give up (or the idle timeout).
    void do_stall() {
        state_ = state::stalled;
        if (stopping_) return do_close();
        stream_.expires_after(idle_timeout());
        buffer_.consume(buffer_.size());
        stream_.async_read_some(buffer_.prepare(buffer_.max_size()),
                                [self = shared_from_this()](error_code, std::size_t) { self->do_close(); });
    }

    // Close after a response that said so: half-close, drain briefly so the client reads the response.
    void do_linger() {
        state_ = state::closing;
        error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(ms(1000));
        buffer_.consume(buffer_.size());
        stream_.async_read_some(buffer_.prepare(buffer_.max_size()),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec) return self->do_close();
                                    self->do_linger();
                                });
    }

    void do_close() {
        state_ = state::closing;
        error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    handler_memory memory_;  // first member: outlives every operation that allocated from it
    beast::tcp_stream stream_;
    std::shared_ptr<feed_server> server_;
    std::uint64_t id_;
    net::steady_timer timer_;
    beast::flat_static_buffer<16 * 1024> buffer_;
    std::optional<request_head_parser> parser_;
    std::array<char, 8 * 1024> decoded_{};
    response_mode mode_;
    std::array<std::string_view, 2> pieces_{};
    std::size_t piece_count_ = 0, piece_index_ = 0, piece_offset_ = 0, sent_ = 0;
    std::chrono::steady_clock::time_point pace_start_{};
    std::string scratch_head_, scratch_body_;
    std::string_view endless_body_;
    std::size_t endless_sent_ = 0;
    std::string_view head_left_;
    std::int64_t file_offset_ = 0;
    std::size_t file_left_ = 0;
    bool write_timed_out_ = false;
    std::string dynamic_body_;
    resource dynamic_;
    after_write then_ = after_write::keep_alive;
    state state_ = state::reading;
    bool head_only_ = false;
    bool nodelay_ = true;
    bool stopping_ = false;
    std::uint64_t rng_state_;
};

// ---------------------------------------------------------------------------------------------------------
feed_server::feed_server(net::io_context& ioc, data::corpus corpus, server_options opt)
    : ioc_(ioc), corpus_(std::move(corpus)), opt_(std::move(opt)), acceptor_(net::make_strand(ioc)) {
    resources_.reserve(corpus_.feeds.size() + 2);
    for (const auto& f : corpus_.feeds) resources_.push_back(make_resource(f.content_type, f.body));
    manifest_ = data::manifest_tsv(corpus_);
    resources_.push_back(make_resource("text/tab-separated-values; charset=utf-8", manifest_));
    resources_.push_back(make_resource("text/plain; charset=utf-8", "ok\n"));
    for (std::size_t i = 0; i < corpus_.feeds.size(); ++i) routes_.emplace(corpus_.feeds[i].path, i);
    routes_.emplace("/manifest", corpus_.feeds.size());
    routes_.emplace("/healthz", corpus_.feeds.size() + 1);
    if (opt_.sendfile) build_body_file();
    bad_request_ = make_canned(400, "Bad Request");
    header_too_large_ = make_canned(431, "Request Header Fields Too Large");
    method_not_allowed_ = make_canned(405, "Method Not Allowed", "Allow: GET, HEAD\r\n");
    not_found_ = make_canned(404, "Not Found");
    service_unavailable_ = make_canned(503, "Service Unavailable");
    internal_error_ = make_canned(500, "Internal Server Error");

    auto address = net::ip::make_address(opt_.host);
    tcp::endpoint endpoint(address, opt_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
}

// Every body once more in an anonymous in-memory file, so the hot path can sendfile(2) it (no copy
// through user space, as nginx does from the page cache). Each body starts on a page boundary: bodies
// sharing a page cost ~50% more server CPU per request on a round-robin load (measured: 16 vs 11 us).
// Falls back to gather writes on any error.
void feed_server::build_body_file() {
    int fd = ::memfd_create("feedserver-bodies", MFD_CLOEXEC);
    if (fd < 0) return;
    const std::int64_t page = std::max<long>(4096, ::sysconf(_SC_PAGESIZE));
    std::int64_t offset = 0;
    for (auto& r : resources_) {
        r.file_offset = offset;
        std::string_view rest = r.body;
        std::int64_t at = offset;
        while (!rest.empty()) {
            auto n = ::pwrite(fd, rest.data(), rest.size(), static_cast<off_t>(at));
            if (n <= 0) {
                ::close(fd);
                for (auto& undo : resources_) undo.file_offset = -1;
                return;
            }
            rest.remove_prefix(static_cast<std::size_t>(n));
            at += n;
        }
        offset = (at + page - 1) / page * page;
    }
    body_file_ = fd;
}

void feed_server::run() {
    net::dispatch(acceptor_.get_executor(), beast::bind_front_handler(&feed_server::do_accept, shared_from_this()));
}

void feed_server::do_accept() {
    if (opt_.threads > 1)
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&feed_server::on_accept, shared_from_this()));
    else
        acceptor_.async_accept(ioc_.get_executor(),
                               beast::bind_front_handler(&feed_server::on_accept, shared_from_this()));
}

void feed_server::on_accept(error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
        fail(ec, "accept");
        return do_accept();
    }
    if (stats_.open_connections.load(std::memory_order_relaxed) >= opt_.max_connections) {
        bump(stats_.rejected_connections);
        error_code ignored;
        net::write(socket, net::buffer(service_unavailable_.close), ignored);
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        return do_accept();
    }
    bump(stats_.connections);
    bump(stats_.open_connections);
    auto id = next_session_id_.fetch_add(1, std::memory_order_relaxed);
    std::make_shared<session>(std::move(socket), shared_from_this(), id)->run();
    do_accept();
}

void feed_server::stop() {
    stopping_ = true;
    net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
        error_code ignored;
        self->acceptor_.close(ignored);
    });
    std::vector<std::shared_ptr<session>> live;
    {
        std::lock_guard lock(sessions_mutex_);
        for (auto& [id, weak] : sessions_)
            if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->stop();
}

void feed_server::register_session(std::uint64_t id, std::weak_ptr<session> s) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.emplace(id, std::move(s));
}

void feed_server::unregister_session(std::uint64_t id) {
    {
        std::lock_guard lock(sessions_mutex_);
        sessions_.erase(id);
    }
    // Taking the lock orders this close after any waiter's check of the predicate: no lost wake-up.
    { std::lock_guard lock(closed_mutex_); }
    closed_cv_.notify_all();
}

bool feed_server::wait_for(const std::function<bool(const server_stats&)>& pred, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(closed_mutex_);
    return closed_cv_.wait_for(lock, timeout, [&] { return pred(stats()); });
}

server_stats feed_server::stats() const {
    auto get = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    server_stats s;
    s.connections = get(stats_.connections);
    s.requests = get(stats_.requests);
    s.bytes = get(stats_.bytes);
    s.bad_request = get(stats_.bad_request);
    s.header_too_large = get(stats_.header_too_large);
    s.method_not_allowed = get(stats_.method_not_allowed);
    s.not_found = get(stats_.not_found);
    s.bad_query = get(stats_.bad_query);
    s.timeouts = get(stats_.timeouts);
    s.rejected_connections = get(stats_.rejected_connections);
    s.faults = get(stats_.faults);
    s.open_connections = get(stats_.open_connections);
    return s;
}

std::string feed_server::stats_json() const {
    auto s = stats();
    return fmt::format(
        "{{\"connections\": {}, \"open_connections\": {}, \"requests\": {}, \"bytes\": {}, \"bad_request\": {}, "
        "\"header_too_large\": {}, \"method_not_allowed\": {}, \"not_found\": {}, \"bad_query\": {}, "
        "\"timeouts\": {}, \"rejected_connections\": {}, \"faults\": {}}}\n",
        s.connections, s.open_connections, s.requests, s.bytes, s.bad_request, s.header_too_large,
        s.method_not_allowed, s.not_found, s.bad_query, s.timeouts, s.rejected_connections, s.faults);
}

// ---------------------------------------------------------------------------------------------------------
struct server_thread_impl {
    net::io_context ioc;
    std::shared_ptr<feed_server> server;
    std::vector<std::thread> threads;
};

server_thread::server_thread(data::corpus corpus, server_options opt) : impl_(std::make_unique<server_thread_impl>()) {
    unsigned n = std::max(1u, opt.threads);
    int cpu = opt.cpu;
    impl_->server = std::make_shared<feed_server>(impl_->ioc, std::move(corpus), std::move(opt));
    impl_->server->run();
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) {
        impl_->threads.emplace_back([this, i, cpu, cores] {
            // sendfile(2) has no MSG_NOSIGNAL: a peer that resets mid-body must not kill the process.
            sigset_t pipe;
            sigemptyset(&pipe);
            sigaddset(&pipe, SIGPIPE);
            pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
            if (cpu >= 0) {
                cpu_set_t set;
                CPU_ZERO(&set);
                CPU_SET((static_cast<unsigned>(cpu) + i) % cores, &set);
                pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
            }
            impl_->ioc.run();
        });
    }
}

server_thread::~server_thread() {
    impl_->server->stop();
    // Give responses in flight (paced or delayed ones can be long) a bounded grace period.
    wait_idle(std::chrono::milliseconds(impl_->server->options().stop_grace_ms));
    impl_->ioc.stop();
    for (auto& t : impl_->threads) t.join();
}

unsigned short server_thread::port() const { return impl_->server->port(); }
std::string server_thread::base_url() const {
    return fmt::format("http://{}:{}", impl_->server->options().host, port());
}
server_stats server_thread::stats() const { return impl_->server->stats(); }
bool server_thread::wait_for(const std::function<bool(const server_stats&)>& pred, std::chrono::milliseconds timeout) const {
    return impl_->server->wait_for(pred, timeout);
}
bool server_thread::wait_idle(std::chrono::milliseconds timeout) const {
    return wait_for([](const server_stats& s) { return s.open_connections == 0; }, timeout);
}
const data::corpus& server_thread::corpus() const { return impl_->server->corpus(); }

}  // namespace feedbench::feedserver
