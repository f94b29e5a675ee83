// feedpublish's library: a blocking rabbitmq-c connection (a CLI and test helper, not the worker's path),
// persistent publishes with publisher confirms, purge and depth, and the manifest's feed ids.
#include "repro/feedpublish/publisher.hpp"

#include "data/corpus.hpp"

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace feedbench::publish {

namespace {

constexpr amqp_channel_t channel = 1;

std::string bytes_to_string(amqp_bytes_t b) {
    return b.len == 0 ? std::string{} : std::string(static_cast<const char*>(b.bytes), b.len);
}

void check(const amqp_rpc_reply_t& r, std::string_view what) {
    switch (r.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return;
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw std::runtime_error(fmt::format("{}: {}", what, amqp_error_string2(r.library_error)));
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
                auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
                throw std::runtime_error(fmt::format("{}: server closed the connection: {} {}", what, m->reply_code,
                                                     bytes_to_string(m->reply_text)));
            }
            if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
                auto* m = static_cast<amqp_channel_close_t*>(r.reply.decoded);
                throw std::runtime_error(fmt::format("{}: server closed the channel: {} {}", what, m->reply_code,
                                                     bytes_to_string(m->reply_text)));
            }
            throw std::runtime_error(fmt::format("{}: server error", what));
        default:
            throw std::runtime_error(fmt::format("{}: no reply", what));
    }
}

// One blocking connection with channel 1 open; closed when destroyed.
class blocking_connection {
public:
    explicit blocking_connection(const intake::amqp_options& target) : target_(target) {
        conn_ = amqp_new_connection();
        amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
        if (!socket) fail_and_throw("cannot create an AMQP socket");
        timeval timeout{5, 0};
        int rc = amqp_socket_open_noblock(socket, target.host.c_str(), target.port, &timeout);
        if (rc != AMQP_STATUS_OK) {
            std::string why = rc == AMQP_STATUS_SOCKET_ERROR ? "connection refused" : amqp_error_string2(rc);
            fail_and_throw(fmt::format("cannot reach AMQP broker at {}:{}: {}", target.host, target.port, why));
        }
        amqp_set_rpc_timeout(conn_, &timeout);
        try {
            check(amqp_login(conn_, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
            amqp_channel_open(conn_, channel);
            check(amqp_get_rpc_reply(conn_), "channel.open");
        } catch (...) {
            amqp_destroy_connection(conn_);
            throw;
        }
    }
    ~blocking_connection() {
        amqp_channel_close(conn_, channel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
        amqp_destroy_connection(conn_);
    }
    blocking_connection(const blocking_connection&) = delete;
    blocking_connection& operator=(const blocking_connection&) = delete;

    amqp_connection_state_t get() const { return conn_; }

    // Declares the durable queue (same arguments as the worker's source); returns its ready message count.
    std::size_t declare_queue() {
        auto* ok =
            amqp_queue_declare(conn_, channel, amqp_cstring_bytes(target_.queue.c_str()), 0, 1, 0, 0, amqp_empty_table);
        check(amqp_get_rpc_reply(conn_), "queue.declare " + target_.queue);
        return ok ? ok->message_count : 0;
    }

private:
    [[noreturn]] void fail_and_throw(const std::string& what) {
        amqp_destroy_connection(conn_);
        throw std::runtime_error(what);
    }

    intake::amqp_options target_;
    amqp_connection_state_t conn_ = nullptr;
};

// Settles publisher confirms: basic.ack / basic.nack, single or multiple, in any order.
class confirm_tracker {
public:
    void published() { settled_.push_back(false); }
    std::size_t outstanding() const { return settled_.size() - (confirmed_ + nacked_); }
    std::size_t confirmed() const { return confirmed_; }
    std::size_t nacked() const { return nacked_; }

    void settle(std::uint64_t tag, bool multiple, bool ack) {
        if (tag == 0 || tag > settled_.size()) return;
        std::uint64_t from = multiple ? lowest_unsettled_ : tag;
        for (std::uint64_t t = from; t <= tag; ++t) {
            if (settled_[t - 1]) continue;
            settled_[t - 1] = true;
            ++(ack ? confirmed_ : nacked_);
        }
        while (lowest_unsettled_ <= settled_.size() && settled_[lowest_unsettled_ - 1]) ++lowest_unsettled_;
    }

private:
    std::vector<bool> settled_;  // index = delivery tag - 1
    std::uint64_t lowest_unsettled_ = 1;
    std::size_t confirmed_ = 0, nacked_ = 0;
};

// Waits (blocking, bounded) for the next confirm frame.
void read_confirm(amqp_connection_state_t conn, confirm_tracker& tracker) {
    for (;;) {
        amqp_frame_t frame;
        timeval timeout{30, 0};
        int rc = amqp_simple_wait_frame_noblock(conn, &frame, &timeout);
        if (rc == AMQP_STATUS_TIMEOUT) throw std::runtime_error("no publisher confirm within 30 s");
        if (rc != AMQP_STATUS_OK)
            throw std::runtime_error(fmt::format("waiting for confirms: {}", amqp_error_string2(rc)));
        if (frame.frame_type != AMQP_FRAME_METHOD) continue;
        switch (frame.payload.method.id) {
            case AMQP_BASIC_ACK_METHOD: {
                auto* m = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
                tracker.settle(m->delivery_tag, m->multiple != 0, true);
                amqp_maybe_release_buffers(conn);
                return;
            }
            case AMQP_BASIC_NACK_METHOD: {
                auto* m = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
                tracker.settle(m->delivery_tag, m->multiple != 0, false);
                amqp_maybe_release_buffers(conn);
                return;
            }
            case AMQP_CHANNEL_CLOSE_METHOD:
            case AMQP_CONNECTION_CLOSE_METHOD:
                throw std::runtime_error("the broker closed the channel while publishing");
            default:
                continue;
        }
    }
}

std::string default_prefix() {
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
    return fmt::format("p{}-{}-", ::getpid(), ms.count());
}

}  // namespace

publish_result publish_jobs(const publish_options& opt) {
    publish_result result;
    const std::size_t jobs = opt.jobs == 0 ? opt.ids.size() : opt.jobs;
    if (jobs > 0 && opt.ids.empty()) throw std::invalid_argument("no feed ids to publish");
    blocking_connection conn(opt.target);
    conn.declare_queue();
    if (opt.purge) {
        auto* ok = amqp_queue_purge(conn.get(), channel, amqp_cstring_bytes(opt.target.queue.c_str()));
        check(amqp_get_rpc_reply(conn.get()), "queue.purge");
        result.purged = ok ? ok->message_count : 0;
    }
    if (jobs == 0) return result;
    amqp_confirm_select(conn.get(), channel);
    check(amqp_get_rpc_reply(conn.get()), "confirm.select");

    const std::string prefix = opt.message_id_prefix.empty() ? default_prefix() : opt.message_id_prefix;
    const std::size_t window = std::max<std::size_t>(opt.confirm_window, 1);
    confirm_tracker tracker;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t n = 0; n < jobs; ++n) {
        if (opt.rate > 0)
            std::this_thread::sleep_until(start + std::chrono::duration<double>(static_cast<double>(n) / opt.rate));
        const std::string& id = opt.ids[n % opt.ids.size()];
        const std::string message_id = prefix + std::to_string(n);
        amqp_basic_properties_t props{};
        props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
        props.content_type = amqp_cstring_bytes("text/plain");
        props.delivery_mode = 2;  // persistent
        props.message_id = amqp_cstring_bytes(message_id.c_str());
        int rc = amqp_basic_publish(conn.get(), channel, amqp_empty_bytes, amqp_cstring_bytes(opt.target.queue.c_str()),
                                    0, 0, &props, amqp_cstring_bytes(id.c_str()));
        if (rc != AMQP_STATUS_OK) throw std::runtime_error(fmt::format("basic.publish: {}", amqp_error_string2(rc)));
        tracker.published();
        ++result.published;
        while (tracker.outstanding() >= window) read_confirm(conn.get(), tracker);
    }
    while (tracker.outstanding() > 0) read_confirm(conn.get(), tracker);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.confirmed = tracker.confirmed();
    result.nacked = tracker.nacked();
    return result;
}

std::size_t purge_queue(const intake::amqp_options& target) {
    publish_options opt;
    opt.target = target;
    opt.purge = true;
    return publish_jobs(opt).purged;
}

std::size_t queue_depth(const intake::amqp_options& target) {
    blocking_connection conn(target);
    return conn.declare_queue();
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto item = text.substr(0, comma);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

std::vector<std::string> manifest_ids(std::string_view manifest_tsv, std::string_view formats) {
    const auto wanted = data::format_set::parse(formats);
    std::vector<std::string> ids;
    for (const auto& e : data::parse_manifest(manifest_tsv))
        if (wanted.contains(e.format)) ids.push_back(e.id);
    return ids;
}

}  // namespace feedbench::publish
