// AMQP intake (rabbitmq-c): one connection and channel shared by every coroutine of a pool, driven from
// the worker's io_context: wait for the socket to be readable on the loop, then read frames without blocking.
#pragma once

#include "repro/core/settings.hpp"
#include "repro/intake/job_source.hpp"

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace feedbench::intake {

// Where and how to take jobs from a broker. Message body = the feed id (manifest id).
struct amqp_options {
    std::string host = "127.0.0.1";
    unsigned short port = 5672;
    std::string queue = "feedbench.jobs";
    core::amqp_mode mode =
        core::amqp_mode::consume;  // get (basic.get polling) | consume (basic.qos prefetch + basic.consume)
    std::size_t prefetch = 10;
    std::size_t max_jobs = 0;  // stop after this many deliveries (0 = until the queue stays empty for idle_timeout_ms)
    unsigned idle_timeout_ms = 2000;
    unsigned get_poll_interval_ms =
        0;  // pause between empty basic.get answers (0 = poll again at once, as the 2012 client did)
    static amqp_options parse_url(std::string_view url);  // "amqp://HOST:PORT/QUEUE"; throws std::invalid_argument
};

// Counters beyond intake_counters (which are the broker's view: gets, empty gets, deliveries, acks).
struct amqp_extra_counters {
    std::uint64_t reconnects = 0;  // connections re-opened after the broker went away
    std::uint64_t duplicates =
        0;  // further copies of jobs already handed out (redelivered or not): acked, not handed out again
    std::uint64_t stale_acks = 0;            // acks for deliveries of a lost connection (the broker requeued them)
    std::uint64_t dropped_on_reconnect = 0;  // received but not yet handed out when the connection was lost
};

class amqp_source : public job_source {
public:
    // Connects, logs in, declares the durable queue and (consume mode) starts consuming.
    // Throws std::runtime_error("cannot reach AMQP broker at HOST:PORT: <reason>") when the broker is
    // unreachable, std::invalid_argument for a bad mode.
    amqp_source(boost::asio::io_context& io, const amqp_options& opt);
    ~amqp_source() override;  // closes the channel and connection: unacked deliveries go back to the queue
    amqp_source(const amqp_source&) = delete;
    amqp_source& operator=(const amqp_source&) = delete;

    std::optional<job> next(boost::asio::yield_context yield) override;
    void ack(const job& j, boost::asio::yield_context yield) override;
    intake_counters counters() const override;
    amqp_extra_counters extra_counters() const;
    const amqp_options& options() const;

private:
    std::unique_ptr<struct amqp_source_impl> impl_;
};

// The factory the worker's source factory calls.
std::unique_ptr<job_source> make_amqp_source(boost::asio::io_context& io, const amqp_options& opt);

}  // namespace feedbench::intake
