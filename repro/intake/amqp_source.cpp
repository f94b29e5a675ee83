// AMQP intake with rabbitmq-c on the worker's io_context: one coroutine at a time drives the shared
// connection (wait readable on the loop, then read frames with a zero timeout); the others wait for deliveries.
#include "repro/intake/amqp_source.hpp"

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <deque>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace feedbench::intake {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using steady = std::chrono::steady_clock;

amqp_options amqp_options::parse_url(std::string_view url) {
    constexpr std::string_view scheme = "amqp://";
    if (!url.starts_with(scheme))
        throw std::invalid_argument(fmt::format("AMQP URL must look like amqp://HOST:PORT/QUEUE, got '{}'", url));
    std::string_view rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view queue = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (authority.find('@') != std::string_view::npos)
        throw std::invalid_argument(
            fmt::format("AMQP URL '{}': credentials are not supported (guest on loopback)", url));
    amqp_options opt;
    const auto colon = authority.rfind(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
        std::string_view port_text = authority.substr(colon + 1);
        unsigned port = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
            throw std::invalid_argument(fmt::format("AMQP URL '{}': bad port '{}'", url, port_text));
        opt.port = static_cast<unsigned short>(port);
    }
    if (host.empty()) throw std::invalid_argument(fmt::format("AMQP URL '{}': no host", url));
    if (queue.find('/') != std::string_view::npos || queue.find('?') != std::string_view::npos)
        throw std::invalid_argument(fmt::format("AMQP URL '{}': the path is one queue name", url));
    opt.host = std::string(host);
    if (!queue.empty()) opt.queue = std::string(queue);
    return opt;
}

namespace {

constexpr amqp_channel_t channel = 1;
constexpr int tag_bits = 40;  // job.delivery_tag = generation << 40 | broker tag
constexpr std::uint64_t tag_mask = (std::uint64_t{1} << tag_bits) - 1;
constexpr auto connect_timeout = std::chrono::seconds(5);
constexpr auto liveness_timeout = std::chrono::seconds(30);  // get mode: no answer to basic.get this long = dead
constexpr auto reconnect_budget =
    std::chrono::seconds(120);  // a broker restart on a loaded 2-core box can take a minute
constexpr auto backoff_first = std::chrono::milliseconds(100);
constexpr auto backoff_max = std::chrono::milliseconds(2000);

std::string lower_first(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

std::string bytes_to_string(amqp_bytes_t b) {
    return b.len == 0 ? std::string{} : std::string(static_cast<const char*>(b.bytes), b.len);
}

std::string describe(const amqp_rpc_reply_t& r, std::string_view what) {
    switch (r.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return {};
        case AMQP_RESPONSE_NONE:
            return fmt::format("{}: missing RPC reply", what);
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return fmt::format("{}: {}", what, amqp_error_string2(r.library_error));
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
                auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
                return fmt::format("{}: server closed the connection: {} {}", what, m->reply_code,
                                   bytes_to_string(m->reply_text));
            }
            if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
                auto* m = static_cast<amqp_channel_close_t*>(r.reply.decoded);
                return fmt::format("{}: server closed the channel: {} {}", what, m->reply_code,
                                   bytes_to_string(m->reply_text));
            }
            return fmt::format("{}: server error (method 0x{:08x})", what, r.reply.id);
    }
    return fmt::format("{}: unknown reply", what);
}

struct delivery {
    std::uint64_t generation = 0;
    std::uint64_t tag = 0;
    bool redelivered = false;
    std::string body;        // the feed id
    std::string message_id;  // set by feedpublish; lets a redelivered copy of a recorded job be recognised
};

enum class wait_result { readable, timed_out, aborted };

}  // namespace

struct amqp_source_impl {
    net::io_context& io_;
    amqp_options opt_;
    tcp::endpoint endpoint_;
    amqp_connection_state_t conn_ = nullptr;
    net::posix::stream_descriptor socket_wait_;  // the connection's fd, only to wait for readability
    std::deque<net::steady_timer*> waiters_;  // coroutines waiting for a delivery, each on its own never-expiring timer
    net::steady_timer deadline_;
    net::steady_timer pause_;

    std::uint64_t generation_ = 1;  // bumped each time the connection is lost
    bool driving_ = false;          // one coroutine drives the socket at a time
    bool finished_ = false;
    bool get_outstanding_ = false;
    bool pause_after_empty_ = false;
    bool probe_outstanding_ = false;  // consume mode: a passive queue.declare asks whether the queue is empty
    steady::time_point probe_sent_{};
    std::uint64_t probe_deliveries_ = 0;  // counters_.deliveries when the probe went out
    unsigned empty_answers_ = 0;          // consecutive "0 ready" answers with no delivery in between
    std::uint64_t wait_seq_ = 0;
    bool timed_out_ = false;
    std::string last_error_;

    std::deque<delivery> ready_;  // received, not yet handed out
    delivery partial_;            // content frames being assembled
    bool partial_active_ = false, partial_header_ = false;
    std::uint64_t partial_size_ = 0;

    std::uint64_t handed_out_ = 0;  // distinct jobs handed out by next()
    std::uint64_t in_flight_ = 0;   // current-connection deliveries not yet acked
    steady::time_point last_activity_ = steady::now();

    std::unordered_map<std::uint64_t, std::string> tag_ids_;  // job.delivery_tag -> message id (handed out)
    std::unordered_set<std::string> in_progress_;             // message ids handed out, not yet acked
    std::unordered_set<std::string> done_ids_;                // message ids whose record is written
    std::unordered_multimap<std::string, delivery> parked_;   // further copies of jobs still in progress

    intake_counters counters_;
    amqp_extra_counters extra_;

    amqp_source_impl(net::io_context& io, const amqp_options& opt)
        : io_(io), opt_(opt), socket_wait_(io), deadline_(io), pause_(io) {
        if (opt_.mode == core::amqp_mode::consume && (opt_.prefetch == 0 || opt_.prefetch > 65535))
            throw std::invalid_argument(fmt::format("prefetch must be 1..65535, got {}", opt_.prefetch));
        endpoint_ = resolve();
        connect_at_start();
    }

    ~amqp_source_impl() { close(); }

    bool get_mode() const { return opt_.mode == core::amqp_mode::get; }
    std::string where() const { return fmt::format("{}:{}", opt_.host, opt_.port); }

    tcp::endpoint resolve() {
        error_code ec;
        auto addr = net::ip::make_address(opt_.host, ec);
        if (!ec) return {addr, opt_.port};
        tcp::resolver resolver(io_);
        auto results = resolver.resolve(opt_.host, std::to_string(opt_.port), ec);
        if (ec || results.empty())
            throw std::runtime_error(
                fmt::format("cannot reach AMQP broker at {}: {}", where(), lower_first(ec.message())));
        return results.begin()->endpoint();
    }

    // Before any job runs: a bounded connect on a private io_context, so no coroutine is needed.
    void connect_at_start() {
        net::io_context private_io;
        tcp::socket sock(private_io);
        net::steady_timer timer(private_io, connect_timeout);
        error_code result = net::error::would_block;
        sock.async_connect(endpoint_, [&](error_code ec) {
            result = ec;
            timer.cancel();
        });
        timer.async_wait([&](error_code ec) {
            if (!ec) sock.cancel();
        });
        private_io.run();
        if (result == net::error::operation_aborted) result = net::error::timed_out;
        if (result)
            throw std::runtime_error(
                fmt::format("cannot reach AMQP broker at {}: {}", where(), lower_first(result.message())));
        std::string err = open_session(sock.release());
        if (!err.empty()) throw std::runtime_error(fmt::format("AMQP broker at {}: {}", where(), err));
    }

    // Hands a connected fd to rabbitmq-c, logs in, declares the queue, starts consuming (consume mode).
    // Blocking for a few round trips (at start and after a reconnect only). Returns "" or the error.
    std::string open_session(int fd) {
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        conn_ = amqp_new_connection();
        amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
        if (!socket) {
            ::close(fd);
            amqp_destroy_connection(conn_);
            conn_ = nullptr;
            return "cannot create an AMQP socket";
        }
        amqp_tcp_socket_set_sockfd(socket, fd);  // rabbitmq-c owns and closes the fd from here
        timeval rpc_timeout{5, 0};
        amqp_set_handshake_timeout(conn_, &rpc_timeout);
        amqp_set_rpc_timeout(conn_, &rpc_timeout);

        std::string err =
            describe(amqp_login(conn_, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
        if (err.empty()) {
            amqp_channel_open(conn_, channel);
            err = describe(amqp_get_rpc_reply(conn_), "channel.open");
        }
        if (err.empty()) {
            amqp_queue_declare(conn_, channel, amqp_cstring_bytes(opt_.queue.c_str()), 0, 1, 0, 0, amqp_empty_table);
            err = describe(amqp_get_rpc_reply(conn_), "queue.declare " + opt_.queue);
        }
        if (err.empty() && !get_mode()) {
            amqp_basic_qos(conn_, channel, 0, static_cast<std::uint16_t>(opt_.prefetch), 0);
            err = describe(amqp_get_rpc_reply(conn_), "basic.qos");
        }
        if (err.empty() && !get_mode()) {
            amqp_basic_consume(conn_, channel, amqp_cstring_bytes(opt_.queue.c_str()), amqp_empty_bytes, 0, 0, 0,
                               amqp_empty_table);
            err = describe(amqp_get_rpc_reply(conn_), "basic.consume");
        }
        if (!err.empty()) {
            amqp_destroy_connection(conn_);
            conn_ = nullptr;
            return err;
        }
        error_code ec;
        socket_wait_.assign(amqp_get_sockfd(conn_), ec);
        if (ec) {
            amqp_destroy_connection(conn_);
            conn_ = nullptr;
            return "cannot watch the AMQP socket: " + ec.message();
        }
        last_activity_ = steady::now();
        return {};
    }

    // The connection is gone: forget what it delivered but did not hand out; the broker requeues it.
    void teardown(std::string reason) {
        last_error_ = std::move(reason);
        if (socket_wait_.is_open()) {
            error_code ec;
            socket_wait_.cancel(ec);
            socket_wait_.release();
        }
        if (conn_) amqp_destroy_connection(conn_);
        conn_ = nullptr;
        ++generation_;
        extra_.dropped_on_reconnect += ready_.size();
        ready_.clear();
        parked_.clear();
        partial_active_ = false;
        get_outstanding_ = false;
        probe_outstanding_ = false;
        empty_answers_ = 0;
        in_flight_ = 0;
    }

    void close() {
        if (!conn_) return;
        if (socket_wait_.is_open()) {
            error_code ec;
            socket_wait_.cancel(ec);
            socket_wait_.release();
        }
        amqp_channel_close(conn_, channel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
        amqp_destroy_connection(conn_);
        conn_ = nullptr;
    }

    void reconnect(net::yield_context yield) {
        const auto start = steady::now();
        auto backoff = std::chrono::milliseconds(backoff_first);
        for (;;) {
            error_code ec;
            tcp::socket sock(io_);
            sock.async_connect(endpoint_, yield[ec]);
            if (!ec) {
                std::string err = open_session(sock.release());
                if (err.empty()) {
                    ++extra_.reconnects;
                    return;
                }
                last_error_ = err;
            } else {
                last_error_ = lower_first(ec.message());
            }
            if (steady::now() - start > reconnect_budget)
                throw std::runtime_error(
                    fmt::format("lost the AMQP broker at {} and could not reconnect within {} s: {}", where(),
                                reconnect_budget.count(), last_error_));
            pause_.expires_after(backoff);
            pause_.async_wait(yield[ec]);
            backoff = std::min(backoff * 2, std::chrono::milliseconds(backoff_max));
        }
    }

    void send_get() {
        amqp_basic_get_t get{};
        get.queue = amqp_cstring_bytes(opt_.queue.c_str());
        get.no_ack = 0;
        int rc = amqp_send_method(conn_, channel, AMQP_BASIC_GET_METHOD, &get);
        if (rc != AMQP_STATUS_OK) return teardown(fmt::format("basic.get: {}", amqp_error_string2(rc)));
        ++counters_.gets;
        get_outstanding_ = true;
    }

    // Consume mode, no delivery for idle_timeout_ms: asks the broker how many jobs are ready (passive
    // queue.declare, sent without waiting: its answer is read by pump() in order with the deliveries).
    void send_probe() {
        amqp_queue_declare_t declare{};
        declare.queue = amqp_cstring_bytes(opt_.queue.c_str());
        declare.passive = 1;
        int rc = amqp_send_method(conn_, channel, AMQP_QUEUE_DECLARE_METHOD, &declare);
        if (rc != AMQP_STATUS_OK) return teardown(fmt::format("queue.declare (passive): {}", amqp_error_string2(rc)));
        probe_outstanding_ = true;
        probe_sent_ = steady::now();
        probe_deliveries_ = counters_.deliveries;
    }

    // The queue is empty when the broker says so twice in a row with no delivery in between: a delivery the
    // broker dispatched before it counted the first time arrives before its second answer.
    void on_probe_answer(std::uint32_t ready) {
        probe_outstanding_ = false;
        if (ready > 0 || counters_.deliveries != probe_deliveries_) {
            empty_answers_ = 0;
            last_activity_ = steady::now();  // jobs are there or on their way: wait another idle_timeout_ms
            return;
        }
        if (++empty_answers_ >= 2) {
            finished_ = true;
            return;
        }
        send_probe();
    }

    void send_ack(std::uint64_t tag) {
        int rc = amqp_basic_ack(conn_, channel, tag, 0);
        if (rc != AMQP_STATUS_OK) return teardown(fmt::format("basic.ack: {}", amqp_error_string2(rc)));
        ++counters_.acks;
        if (in_flight_ > 0) --in_flight_;
    }

    void start_content(std::uint64_t tag, bool redelivered) {
        partial_ = delivery{generation_, tag, redelivered, {}, {}};
        partial_active_ = true;
        partial_header_ = false;
        partial_size_ = 0;
    }

    void complete_content() {
        partial_active_ = false;
        ++counters_.deliveries;
        if (partial_.redelivered) ++counters_.redeliveries;
        ++in_flight_;
        last_activity_ = steady::now();
        ready_.push_back(std::move(partial_));
    }

    // Each message id is handed out once per run. The broker delivers a message again when it was unacked
    // on a lost connection or when a restarted broker lost its ack, with or without the redelivered flag
    // (a broker recovered from disk does not always know it delivered it). A copy of a job already recorded
    // is acked and dropped; a copy of a job still running is held and acked with it. Checked when handed
    // out, not when received: two copies may wait in ready_ at once.
    bool first_copy(delivery& d) {
        if (d.message_id.empty()) return true;
        if (done_ids_.contains(d.message_id)) {
            ++extra_.duplicates;
            send_ack(d.tag);
            return false;
        }
        if (in_progress_.contains(d.message_id)) {
            parked_.emplace(d.message_id, std::move(d));
            return false;
        }
        return true;
    }

    void on_frame(const amqp_frame_t& frame) {
        switch (frame.frame_type) {
            case AMQP_FRAME_METHOD:
                return on_method(frame.channel, frame.payload.method);
            case AMQP_FRAME_HEADER: {
                if (!partial_active_ || partial_header_) return;
                partial_header_ = true;
                partial_size_ = frame.payload.properties.body_size;
                auto* props = static_cast<const amqp_basic_properties_t*>(frame.payload.properties.decoded);
                if (props && (props->_flags & AMQP_BASIC_MESSAGE_ID_FLAG))
                    partial_.message_id = bytes_to_string(props->message_id);
                if (partial_size_ == 0) complete_content();
                return;
            }
            case AMQP_FRAME_BODY: {
                if (!partial_active_ || !partial_header_) return;
                partial_.body += bytes_to_string(frame.payload.body_fragment);
                if (partial_.body.size() >= partial_size_) complete_content();
                return;
            }
            default:
                return;  // heartbeats (disabled) and anything else
        }
    }

    void on_method(amqp_channel_t ch, const amqp_method_t& method) {
        switch (method.id) {
            case AMQP_BASIC_DELIVER_METHOD: {
                auto* m = static_cast<const amqp_basic_deliver_t*>(method.decoded);
                return start_content(m->delivery_tag, m->redelivered != 0);
            }
            case AMQP_BASIC_GET_OK_METHOD: {
                auto* m = static_cast<const amqp_basic_get_ok_t*>(method.decoded);
                get_outstanding_ = false;
                return start_content(m->delivery_tag, m->redelivered != 0);
            }
            case AMQP_BASIC_GET_EMPTY_METHOD:
                get_outstanding_ = false;
                ++counters_.empty_gets;
                if (steady::now() - last_activity_ >= std::chrono::milliseconds(opt_.idle_timeout_ms)) finished_ = true;
                pause_after_empty_ = opt_.get_poll_interval_ms > 0;
                return;
            case AMQP_CONNECTION_CLOSE_METHOD: {
                auto* m = static_cast<const amqp_connection_close_t*>(method.decoded);
                std::string why =
                    fmt::format("server closed the connection: {} {}", m->reply_code, bytes_to_string(m->reply_text));
                amqp_connection_close_ok_t ok{};
                amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
                return teardown(why);
            }
            case AMQP_CHANNEL_CLOSE_METHOD: {
                auto* m = static_cast<const amqp_channel_close_t*>(method.decoded);
                std::string why =
                    fmt::format("server closed the channel: {} {}", m->reply_code, bytes_to_string(m->reply_text));
                amqp_channel_close_ok_t ok{};
                amqp_send_method(conn_, ch, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
                return teardown(why);
            }
            case AMQP_QUEUE_DECLARE_OK_METHOD:
                if (!probe_outstanding_) return;
                return on_probe_answer(static_cast<const amqp_queue_declare_ok_t*>(method.decoded)->message_count);
            case AMQP_BASIC_CANCEL_METHOD:
                return teardown("server cancelled the consumer (queue deleted?)");
            default:
                return;
        }
    }

    // Suspends this coroutine until the socket is readable, the deadline passes, or the connection is torn down.
    wait_result wait_readable(steady::time_point deadline, net::yield_context yield) {
        if (deadline <= steady::now()) return wait_result::timed_out;
        const std::uint64_t seq = ++wait_seq_;
        timed_out_ = false;
        deadline_.expires_at(deadline);
        deadline_.async_wait([this, seq](error_code ec) {
            if (!ec && seq == wait_seq_) {
                timed_out_ = true;
                error_code ignored;
                socket_wait_.cancel(ignored);
            }
        });
        error_code ec;
        socket_wait_.async_wait(net::posix::stream_descriptor::wait_read, yield[ec]);
        ++wait_seq_;
        deadline_.cancel();
        if (!ec) return wait_result::readable;
        return timed_out_ ? wait_result::timed_out : wait_result::aborted;
    }

    // Reads frames until a delivery is ready or intake is finished. Only the driving coroutine calls it.
    void pump(net::yield_context yield) {
        for (;;) {
            if (finished_) return;
            if (!conn_) {
                reconnect(yield);
                continue;
            }
            if (pause_after_empty_) {
                pause_after_empty_ = false;
                error_code ec;
                pause_.expires_after(std::chrono::milliseconds(opt_.get_poll_interval_ms));
                pause_.async_wait(yield[ec]);
                continue;
            }
            if (get_mode() && ready_.empty() && !get_outstanding_ && !partial_active_) {
                send_get();
                continue;
            }
            amqp_frame_t frame;
            timeval zero{0, 0};
            int rc = amqp_simple_wait_frame_noblock(conn_, &frame, &zero);
            if (rc == AMQP_STATUS_OK) {
                on_frame(frame);
                if (conn_) amqp_maybe_release_buffers(conn_);
                continue;
            }
            if (rc != AMQP_STATUS_TIMEOUT) {
                teardown(fmt::format("reading from the broker: {}", amqp_error_string2(rc)));
                continue;
            }
            if (!ready_.empty()) return;
            const auto deadline = get_mode() ? steady::now() + liveness_timeout
                                  : probe_outstanding_
                                      ? probe_sent_ + liveness_timeout
                                      : last_activity_ + std::chrono::milliseconds(opt_.idle_timeout_ms);
            const auto waited = wait_readable(deadline, yield);
            // While it waited, a job's failed ack may have torn the connection down (its timer may have fired
            // as well): nothing to send on; the loop reconnects.
            if (!conn_) continue;
            switch (waited) {
                case wait_result::readable:
                case wait_result::aborted:
                    break;  // aborted: torn down by a failed ack; the loop reconnects
                case wait_result::timed_out:
                    if (get_mode()) {
                        teardown("no answer to basic.get");
                    } else if (probe_outstanding_) {
                        teardown("no answer to queue.declare");
                    } else if (in_flight_ >= opt_.prefetch) {
                        last_activity_ = steady::now();  // the window is full of running jobs: not idle
                    } else {
                        send_probe();  // no delivery for idle_timeout_ms: the broker says whether the queue is empty
                    }
                    break;
            }
        }
    }

    bool quota_reached() const { return opt_.max_jobs != 0 && handed_out_ >= opt_.max_jobs; }

    job hand_out(delivery d) {
        job j;
        j.seq = handed_out_++;
        j.feed_id = std::move(d.body);
        j.redelivered = d.redelivered;
        j.delivery_tag = (d.generation << tag_bits) | (d.tag & tag_mask);
        if (!d.message_id.empty()) {
            in_progress_.insert(d.message_id);
            tag_ids_[j.delivery_tag] = std::move(d.message_id);
        }
        return j;
    }

    std::optional<job> next(net::yield_context yield) {
        for (;;) {
            if (quota_reached() || (finished_ && ready_.empty())) {
                wake(waiters_.size());  // no more jobs for anyone
                return std::nullopt;
            }
            if (!ready_.empty()) {
                delivery d = std::move(ready_.front());
                ready_.pop_front();
                if (!first_copy(d)) continue;
                job j = hand_out(std::move(d));
                if (quota_reached()) wake(waiters_.size());
                return j;
            }
            if (driving_) {
                wait_for_delivery(yield);
                continue;
            }
            driving_ = true;
            try {
                pump(yield);
            } catch (...) {
                driving_ = false;
                wake(waiters_.size());
                throw;
            }
            driving_ = false;
            // One waiter per delivery beyond the driver's own, plus one to drive next; everyone when finished.
            wake(finished_ || quota_reached() ? waiters_.size() : ready_.size());
        }
    }

    void wait_for_delivery(net::yield_context yield) {
        net::steady_timer me(io_, steady::time_point::max());
        waiters_.push_back(&me);
        error_code ec;
        me.async_wait(yield[ec]);  // completes only through wake()
    }

    void wake(std::size_t n) {
        while (n-- > 0 && !waiters_.empty()) {
            waiters_.front()->cancel();
            waiters_.pop_front();
        }
    }

    void ack(const job& j) {
        const std::uint64_t generation = j.delivery_tag >> tag_bits;
        const std::uint64_t tag = j.delivery_tag & tag_mask;
        std::string id;
        if (auto it = tag_ids_.find(j.delivery_tag); it != tag_ids_.end()) {
            id = std::move(it->second);
            tag_ids_.erase(it);
            in_progress_.erase(id);
            done_ids_.insert(id);
        }
        last_activity_ = steady::now();
        if (generation == generation_ && conn_) {
            send_ack(tag);
        } else {
            ++extra_
                  .stale_acks;  // a lost connection's delivery: the broker requeued it; its copy is dropped when it comes
        }
        if (id.empty()) return;
        // Copies held while this job ran: acked now (parked_ only holds the current connection's deliveries).
        std::vector<std::uint64_t> copies;
        auto [first, last] = parked_.equal_range(id);
        for (auto it = first; it != last; ++it) copies.push_back(it->second.tag);
        parked_.erase(first, last);
        const std::uint64_t held_in = generation_;
        for (std::uint64_t copy : copies) {
            ++extra_.duplicates;
            if (conn_ && generation_ == held_in) send_ack(copy);
        }
    }
};

amqp_source::amqp_source(net::io_context& io, const amqp_options& opt)
    : impl_(std::make_unique<amqp_source_impl>(io, opt)) {}

amqp_source::~amqp_source() = default;

std::optional<job> amqp_source::next(net::yield_context yield) { return impl_->next(yield); }

void amqp_source::ack(const job& j, net::yield_context) { impl_->ack(j); }

intake_counters amqp_source::counters() const { return impl_->counters_; }

amqp_extra_counters amqp_source::extra_counters() const { return impl_->extra_; }

const amqp_options& amqp_source::options() const { return impl_->opt_; }

std::unique_ptr<job_source> make_amqp_source(net::io_context& io, const amqp_options& opt) {
    return std::make_unique<amqp_source>(io, opt);
}

}  // namespace feedbench::intake
