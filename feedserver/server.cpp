// The feed server: a listener and keep-alive sessions on Boost.Beast over prebuilt responses
// (feedserver/response.hpp) and the body file (feedserver/body_file.hpp), and the server_thread
// wrapper that runs it on its own thread(s).
#include "feedserver/server.hpp"
#include "feedserver/body_file.hpp"
#include "feedserver/handler_memory.hpp"
#include "feedserver/request.hpp"
#include "feedserver/response.hpp"
#include "feedserver/response_mode.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>
#include <csignal>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace feedbench::feedserver {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using beast::error_code;

namespace {

void fail(error_code ec, const char* what) { fmt::print(stderr, "feedserver: {}: {}\n", what, ec.message()); }

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
    int body_file() const { return body_file_.fd(); }
    const canned_responses& canned() const { return canned_; }
    const std::string& origin() const { return origin_; }  // "http://host:port"

    void register_session(std::uint64_t id, std::weak_ptr<class session> s);
    void unregister_session(std::uint64_t id);  // the session's last act: wakes wait_for()
    bool wait_for(const std::function<bool(const server_stats&)>& pred, std::chrono::milliseconds timeout) const;
    bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

private:
    void do_accept();
    void on_accept(error_code ec, tcp::socket socket);

    net::io_context& ioc_;
    data::corpus corpus_;
    server_options opt_;
    std::string manifest_;
    std::string origin_;
    std::vector<resource> resources_;
    std::unordered_map<std::string_view, std::size_t> routes_;
    canned_responses canned_;
    feedserver::body_file body_file_;  // every body, for sendfile(2); not open when off or unavailable
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    atomic_stats stats_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> next_session_id_{0};
    std::mutex sessions_mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<class session>> sessions_;
    mutable std::mutex closed_mutex_;
    mutable std::condition_variable closed_cv_;  // notified whenever a session ends
};

// ---------------------------------------------------------------------------------------------------------
// One connection: read a request head, write its response, repeat while keep-alive.
class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket&& socket, std::shared_ptr<feed_server> server, std::uint64_t id)
        : stream_(std::move(socket)),
          server_(std::move(server)),
          id_(id),
          timer_(stream_.get_executor()),
          rng_state_(0x2012 + id * 0x9E3779B97F4A7C15ull) {}

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
        // Start on the session's executor (a strand when the server runs several threads).
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
    using ms = std::chrono::milliseconds;

    // What a request asks for, once routed: a canned error, /stats, or a resource in a response mode.
    struct route_result {
        enum kind { serve, stats, method_not_allowed, bad_request, not_found, bad_query } what = serve;
        const resource* res = nullptr;
        response_mode mode;
        bool keep_alive = false;
    };

    // A member function as a completion handler that keeps the session alive and allocates from memory_.
    template <class F>
    auto bind(F f) {
        return with_memory(memory_, beast::bind_front_handler(f, shared_from_this()));
    }

    ms idle_timeout() const { return ms(server_->options().idle_timeout_ms); }

    // ---- reading ----
    void do_read() {
        if (stopping_ || server_->stopping()) return do_close();
        state_ = state::reading;
        head_only_ = false;
        parser_.emplace();
        // The whole request head must arrive within the idle timeout.
        stream_.expires_after(idle_timeout());
        http::async_read_header(stream_, buffer_, *parser_, bind(&session::on_read));
    }

    void on_read(error_code ec, std::size_t head_bytes) {
        auto& c = server_->counters();
        // The head's bytes as the parser consumed them: the limit holds however the head arrived.
        if (!ec && request_head_parser::head_too_large(head_bytes)) ec = http::error::header_limit;
        if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
            ec == net::error::operation_aborted)
            return do_close();
        if (ec == beast::error::timeout) return fail(ec, "read");
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            bump(c.header_too_large);
            return write_canned(server_->canned().header_too_large, false);
        }
        if (ec == http::error::partial_message && buffer_.size() == 0) return do_close();
        if (ec) {
            bump(c.bad_request);
            return write_canned(server_->canned().bad_request, false);
        }
        handle_request();
    }

    // Route, then respond.
    void handle_request() {
        bump(server_->counters().requests);
        state_ = state::responding;
        respond(route());
    }

    route_result route() {
        auto& p = *parser_;
        route_result r;
        if (p.method() != http::verb::get && p.method() != http::verb::head) {
            r.what = route_result::method_not_allowed;
            return r;
        }
        if (!p.is_done()) {  // a body follows the header: not served, and it would desync keep-alive
            r.what = route_result::bad_request;
            return r;
        }
        head_only_ = p.method() == http::verb::head;
        r.keep_alive = p.keep_alive() && p.version() >= 11 && !stopping_ && !server_->stopping();

        auto target = p.target();
        auto qmark = target.find('?');
        std::string_view path = target.substr(0, qmark);
        std::string_view query = qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);
        if (path.find('%') != std::string_view::npos) {
            std::size_t n = 0;
            if (!percent_decode(path, decoded_, n)) {
                r.what = route_result::not_found;
                return r;
            }
            path = std::string_view(decoded_.data(), n);
        }
        if (!path.starts_with("/") || is_traversal(path)) {
            r.what = route_result::not_found;
            return r;
        }
        if (path == "/stats") {
            r.what = route_result::stats;
        } else if (!(r.res = server_->find(path))) {
            r.what = route_result::not_found;
            return r;
        }
        r.mode = default_mode();
        if (!query.empty() && apply_query(query, r.mode)) r.what = route_result::bad_query;
        return r;
    }

    void respond(const route_result& r) {
        auto& c = server_->counters();
        const auto& canned = server_->canned();
        switch (r.what) {
            case route_result::method_not_allowed:
                bump(c.method_not_allowed);
                return write_canned(canned.method_not_allowed, false);
            case route_result::bad_request:
                bump(c.bad_request);
                return write_canned(canned.bad_request, false);
            case route_result::not_found:
                bump(c.not_found);
                return write_canned(canned.not_found, r.keep_alive);
            case route_result::bad_query:
                bump(c.bad_query);
                return write_canned(canned.bad_request, r.keep_alive);
            case route_result::serve:
            case route_result::stats:
                break;
        }
        mode_ = r.mode;
        if (mode_.nodelay != nodelay_) {
            error_code ignored;
            stream_.socket().set_option(tcp::no_delay(mode_.nodelay), ignored);
            nodelay_ = mode_.nodelay;
        }
        const resource* res = r.res;
        if (r.what == route_result::stats) {
            stats_body_ = stats_json(server_->stats());
            stats_ = make_resource("application/json", stats_body_);
            res = &stats_;
        }
        then_ = r.keep_alive ? after_write::keep_alive : after_write::close;

        // The hot path: a keep-alive head and its body by one sendfile(2) from the body file, where they
        // sit back to back (nginx needs a writev for the head besides); a close head from memory, then
        // the body from the file; or head + body in one gather write.
        if (mode_.is_plain()) {
            pieces_ = {std::string_view(r.keep_alive ? res->head_keep_alive : res->head_close),
                       head_only_ ? std::string_view{} : res->body};
            if (server_->body_file() >= 0 && res->file_offset >= 0 && !pieces_[1].empty()) {
                if (r.keep_alive)
                    progress_ = {{}, res->head_file_offset, pieces_[0].size() + pieces_[1].size(), 0};
                else
                    progress_ = {pieces_[0], res->file_offset, pieces_[1].size(), 0};
                return do_sendfile();
            }
            return do_write();
        }
        auto a = assemble_response(*res, mode_, r.keep_alive, head_only_, server_->canned(), scratch_,
                                   {server_->origin(), parser_->target()});
        if (a.fault) bump(c.faults);
        pieces_ = a.pieces;
        piece_count_ = a.piece_count;
        then_ = a.then;
        endless_body_ = a.endless_body;
        endless_limit_ = a.endless_limit;
        endless_sent_ = a.endless_body.size();
        if (mode_.delay_max_ms > 0) return do_delay();
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

    // ---- writing: the default mode ----
    void write_canned(const canned& wire, bool keep_alive) {
        state_ = state::responding;
        std::string_view bytes = keep_alive ? wire.keep_alive : wire.close;
        if (head_only_) bytes = head_of(bytes);
        then_ = keep_alive ? after_write::keep_alive : after_write::close;
        pieces_ = {bytes, std::string_view{}};
        do_write();
    }

    // Head and body in one gather write.
    void do_write() {
        stream_.expires_after(idle_timeout());
        std::array<net::const_buffer, 2> bufs{net::buffer(pieces_[0].data(), pieces_[0].size()),
                                              net::buffer(pieces_[1].data(), pieces_[1].size())};
        net::async_write(stream_, bufs, bind(&session::on_write));
    }

    void on_write(error_code ec, std::size_t n) {
        bump(server_->counters().bytes, n);  // modal writes counted theirs already and pass 0
        if (ec) return fail(ec, "write");
        switch (then_) {
            case after_write::keep_alive:
                return do_read();
            case after_write::close:
                return do_linger();
            case after_write::stall:
                return do_stall();
            case after_write::endless:
                return do_endless();
            case after_write::reset:
                return do_reset();
        }
    }

    // Head by send(MSG_MORE), body by sendfile(2), as far as the socket takes them without blocking.
    void do_sendfile() {
        std::error_code error;
        switch (send_head_and_body(stream_.socket().native_handle(), server_->body_file(), progress_, error)) {
            case send_status::done:
                return on_write({}, progress_.sent);
            case send_status::would_block:
                return wait_writable();
            case send_status::failed:
                return fail(error_code(error.value(), boost::system::system_category()), "sendfile");
        }
    }

    // The socket's buffer is full: wait until it is writable again, under the idle timeout.
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
        stream_.socket().async_wait(tcp::socket::wait_write, bind(&session::on_writable));
    }

    void on_writable(error_code ec) {
        timer_.cancel();
        if (write_timed_out_) {
            write_timed_out_ = false;
            return fail(beast::error::timeout, "sendfile");
        }
        if (ec) return fail(ec, "sendfile");
        do_sendfile();
    }

    // ---- writing: other modes (delay, segments, pacing, faults) ----
    void do_delay() {
        auto span = mode_.delay_max_ms - mode_.delay_min_ms;
        auto delay = mode_.delay_min_ms + (span ? static_cast<unsigned>(next_random() % (span + 1)) : 0u);
        // First-byte delay: the response starts when the timer fires.
        timer_.expires_after(ms(delay));
        timer_.async_wait(bind(&session::on_delay));
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
        if (piece_index_ >= piece_count_) return on_write({}, 0);
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
        // Each segment must leave within the idle timeout.
        stream_.expires_after(idle_timeout());
        net::async_write(stream_, net::buffer(segment.data(), segment.size()), bind(&session::on_modal_write));
    }

    void on_modal_write(error_code ec, std::size_t n) {
        bump(server_->counters().bytes, n);
        if (ec) return fail(ec, "write");
        piece_offset_ += n;
        sent_ += n;
        do_modal_write();
    }

    // fault=endless (and the other endless streams): the block once more, until the client closes (a write
    // error) or the bound is reached.
    void do_endless() {
        if (stopping_ || endless_sent_ >= endless_limit_ || endless_body_.empty()) return do_linger();
        endless_sent_ += endless_body_.size();
        then_ = after_write::endless;
        pieces_ = {endless_body_, std::string_view{}};
        piece_count_ = 1;
        start_modal_write();
    }

    // ---- ending ----
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

    // fault=rst-mid-body: close with SO_LINGER 0, so the peer gets a reset instead of an end of stream.
    void do_reset() {
        state_ = state::closing;
        error_code ignored;
        stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
        stream_.close();
    }

    // Any error ends the session; a timeout is counted. Peers going away are routine, not reported.
    void fail(error_code ec, const char*) {
        if (ec == beast::error::timeout) bump(server_->counters().timeouts);
        do_close();
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
    net::steady_timer timer_;  // first-byte delay, pacing, writability timeout
    beast::flat_static_buffer<16 * 1024> buffer_;
    std::optional<request_head_parser> parser_;
    std::array<char, 8 * 1024> decoded_{};
    response_mode mode_;
    std::array<std::string_view, 2> pieces_{};
    std::size_t piece_count_ = 0, piece_index_ = 0, piece_offset_ = 0, sent_ = 0;
    std::chrono::steady_clock::time_point pace_start_{};
    response_scratch scratch_;
    sendfile_progress progress_;
    std::string_view endless_body_;
    std::size_t endless_sent_ = 0, endless_limit_ = 0;
    bool write_timed_out_ = false;
    std::string stats_body_;
    resource stats_;
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
    if (opt_.sendfile) {
        std::vector<body_file::entry> entries;
        for (const auto& r : resources_) entries.push_back({r.head_keep_alive, r.body});
        body_file_ = feedserver::body_file(entries);
        for (std::size_t i = 0; body_file_.fd() >= 0 && i < resources_.size(); ++i) {
            resources_[i].head_file_offset = body_file_.head_offsets()[i];
            resources_[i].file_offset = body_file_.body_offsets()[i];
        }
    }

    auto address = net::ip::make_address(opt_.host);
    tcp::endpoint endpoint(address, opt_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
    origin_ = fmt::format("http://{}:{}", opt_.host, port_);
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
        net::write(socket, net::buffer(canned_.service_unavailable.close), ignored);
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

bool feed_server::wait_for(const std::function<bool(const server_stats&)>& pred,
                           std::chrono::milliseconds timeout) const {
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
bool server_thread::wait_for(const std::function<bool(const server_stats&)>& pred,
                             std::chrono::milliseconds timeout) const {
    return impl_->server->wait_for(pred, timeout);
}
bool server_thread::wait_idle(std::chrono::milliseconds timeout) const {
    return wait_for([](const server_stats& s) { return s.open_connections == 0; }, timeout);
}
const data::corpus& server_thread::corpus() const { return impl_->server->corpus(); }

}  // namespace feedbench::feedserver
