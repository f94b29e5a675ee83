// Where jobs come from: the embedded in-process queue (default) or an AMQP broker (get / consume).
// Called from a job's coroutine: next() and ack() may suspend it, never block the thread.
#pragma once

#include "repro/core/settings.hpp"

#include <boost/asio/spawn.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace feedbench::intake {

struct job {
    std::uint64_t seq = 0;             // 0-based submission order within this worker
    std::string feed_id;               // manifest id
    std::string path;                  // URL path on the feed server
    bool redelivered = false;
    std::uint64_t delivery_tag = 0;    // broker's tag (0 for embedded)
};

struct intake_counters {
    std::uint64_t gets = 0, empty_gets = 0, deliveries = 0, acks = 0, redeliveries = 0;
};

class job_source {
public:
    virtual ~job_source() = default;
    // The next job, or nullopt when no more jobs will come (embedded: queue drained;
    // AMQP: the configured job count reached or the queue stayed empty past its idle timeout).
    virtual std::optional<job> next(boost::asio::yield_context yield) = 0;
    // After the job's record is written (at-least-once). Failed jobs are acked too.
    virtual void ack(const job& j, boost::asio::yield_context yield) = 0;
    virtual intake_counters counters() const = 0;
};

}  // namespace feedbench::intake

// AMQP intake (repro/intake/amqp_source.{hpp,cpp}, rabbitmq-c): declared here so the worker's
// source factory and the AMQP implementation agree. Message body = the feed id (manifest id).
namespace boost::asio { class io_context; }
namespace feedbench::intake {

struct amqp_options {
    std::string host = "127.0.0.1";
    unsigned short port = 5672;
    std::string queue = "feedbench.jobs";
    core::amqp_mode mode = core::amqp_mode::consume;  // get (basic.get polling) | consume (basic.qos prefetch + basic.consume)
    std::size_t prefetch = 10;
    std::size_t max_jobs = 0;            // stop after this many deliveries (0 = until the queue stays empty for idle_timeout_ms)
    unsigned idle_timeout_ms = 2000;
    unsigned get_poll_interval_ms = 0;   // pause between empty basic.get answers (0 = poll again at once, as the 2012 client did)
    static amqp_options parse_url(std::string_view url);  // "amqp://HOST:PORT/QUEUE"; throws std::invalid_argument
};

}  // namespace feedbench::intake
