// One job through the stages connect -> request -> headers -> body -> decode -> parse on one client:
// the single code path every configuration takes. Eager and lazy differ only in where the body is read.
#pragma once

#include "repro/net/http_client.hpp"
#include "repro/sched/job_meter.hpp"
#include "repro/worker/config.hpp"
#include "repro/worker/record.hpp"

#include <boost/asio/spawn.hpp>

#include <string>
#include <string_view>

namespace feedbench::worker {

// Runs the fetch and parse of `target` into rec (ok, error, message, bytes, items, charset), entering
// each stage on meter. Never throws for a bad response: every failure ends as its error class.
// charset text: the decode stage transcodes (decode::to_utf8), then the parse stage parses UTF-8.
// With consume lazy + charset text the decode stage pulls the body, as requests' .text pulled .content.
void run_job(const worker_config& cfg, client::http_client& http, std::string_view target, sched::job_meter& meter,
             boost::asio::yield_context yield, core::job_record& rec);

}  // namespace feedbench::worker
