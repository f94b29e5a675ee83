// Where jobs come from: the embedded in-process queue (default) or an AMQP broker (get / consume).
// Called from a job's coroutine: next() and ack() may suspend it, never block the thread.
#pragma once

#include <boost/asio/spawn.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace feedbench::intake {

struct job {
    std::uint64_t seq = 0;  // 0-based submission order within this worker
    std::string feed_id;    // manifest id
    std::string path;       // URL path on the feed server
    bool redelivered = false;
    std::uint64_t delivery_tag = 0;  // broker's tag (0 for embedded)
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
