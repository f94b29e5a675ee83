// Puts jobs on an AMQP queue for the workers: one persistent message per job (body = feed id, a unique
// message id), publisher confirms; plus the queue chores tests and scenarios need (purge, depth).
#pragma once

#include "repro/intake/amqp_source.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::publish {

struct publish_options {
    intake::amqp_options target;        // host, port, queue (the queue is declared durable)
    std::vector<std::string> ids;       // feed ids, cycled
    std::size_t jobs = 0;               // 0 = one job per id
    bool purge = false;                 // empty the queue first
    std::size_t confirm_window = 1000;  // most unconfirmed messages in flight
    std::string message_id_prefix;      // "" = "p<pid>-<unix ms>-": message ids are <prefix><n>
    double rate = 0;  // jobs/s: publish at this pace (a job producer trickling work); 0 = as fast as confirms allow
};

struct publish_result {
    std::size_t purged = 0;  // messages removed by --purge
    std::size_t published = 0;
    std::size_t confirmed = 0;  // basic.ack from the broker (publisher confirms)
    std::size_t nacked = 0;
    double seconds = 0;  // first publish to last confirm
    double jobs_per_s() const { return seconds > 0 ? static_cast<double>(confirmed) / seconds : 0.0; }
};

// Throws std::runtime_error("cannot reach AMQP broker at HOST:PORT: ...") and for protocol errors.
publish_result publish_jobs(const publish_options& opt);

std::size_t purge_queue(const intake::amqp_options& target);  // returns the number of messages removed
std::size_t queue_depth(const intake::amqp_options& target);  // messages ready in the (durable) queue

// Feed ids from the feed server's manifest, keeping the rows whose format is in formats (data::format_set:
// "rss+atom+jsonfeed" or "all"). Throws std::runtime_error on a bad manifest, std::invalid_argument on a bad format.
std::vector<std::string> manifest_ids(std::string_view manifest_tsv, std::string_view formats);

std::vector<std::string> split_list(std::string_view comma_separated);

}  // namespace feedbench::publish
