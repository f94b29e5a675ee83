// Makes the job source a configuration asks for: embedded (in-process queue) or AMQP (helper E's
// amqp_source, when built with librabbitmq: FEEDBENCH_HAVE_AMQP).
#pragma once

#include "data/corpus.hpp"
#include "repro/intake/job_source.hpp"
#include "repro/worker/config.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <vector>

namespace feedbench::intake {

namespace net = boost::asio;

// True for cfg.intake == "embedded": one source serves every thread of the run.
bool is_embedded(const worker::worker_config& cfg);

// embedded: the planned jobs (plan_jobs with cfg.formats and cfg.jobs). AMQP: amqp_source on io with
// mode cfg.amqp_mode, prefetch cfg.prefetch, max_jobs max_jobs (0 = cfg.jobs). Throws
// std::runtime_error("... built without AMQP") when the AMQP source is not compiled in.
std::unique_ptr<job_source> make_job_source(const worker::worker_config& cfg, const std::vector<data::manifest_entry>& entries,
                                            net::io_context& io, std::size_t max_jobs = 0);

}  // namespace feedbench::intake
