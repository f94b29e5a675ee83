// Makes the job source a run asks for: embedded (in-process queue) or AMQP (amqp_source).
#pragma once

#include "data/corpus.hpp"
#include "repro/core/settings.hpp"
#include "repro/intake/job_source.hpp"

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace feedbench::intake {

namespace net = boost::asio;

// What the factory needs of a run's configuration (the worker fills it from its own).
struct intake_options {
    std::string intake = "embedded";  // "embedded" or "amqp://HOST:PORT/QUEUE"
    core::amqp_mode amqp_mode = core::amqp_mode::consume;
    std::size_t prefetch = 10;                  // AMQP consume: prefetch window
    std::string formats = "rss+atom+jsonfeed";  // embedded: which manifest formats become jobs ("all" = every entry)
    std::size_t jobs = 0;                       // embedded: 0 = one job per manifest entry, else ids repeated up to N;
        // AMQP: stop after this many deliveries (0 = until the queue stays empty)
};

// True for intake "embedded" (or ""): one source serves every thread of the run. Throws
// std::invalid_argument("--intake: ...") for a word that is no intake.
bool is_embedded(const intake_options& opt);

// embedded: the planned jobs (plan_jobs with opt.formats and opt.jobs). AMQP: amqp_source on io with
// mode opt.amqp_mode, prefetch opt.prefetch, max_jobs max_jobs (0 = opt.jobs).
std::unique_ptr<job_source> make_job_source(const intake_options& opt, const std::vector<data::manifest_entry>& entries,
                                            net::io_context& io, std::size_t max_jobs = 0);

}  // namespace feedbench::intake
