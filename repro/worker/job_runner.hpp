// One job through the stages connect -> request -> headers -> body -> decode -> parse on one client:
// the single code path every configuration takes. Eager and lazy differ only in where the body is read.
#pragma once

#include "repro/net/http_client.hpp"
#include "repro/parse/feed_parser.hpp"
#include "repro/sched/job_meter.hpp"
#include "repro/worker/config.hpp"
#include "repro/worker/record.hpp"

#include <boost/asio/spawn.hpp>

#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::worker {

// A test seam: called right after each stage is entered (run_job: connect .. parse; run(): intake, once
// the job is taken, and ack). Whatever it throws takes the path any exception of that stage takes.
using stage_hook = std::function<void(core::stage)>;

// Runs the fetch and parse of `target` into rec (ok, error, message, bytes, items, charset), entering
// each stage on meter. Never throws (except the coroutine's own forced unwind): every failure ends as
// its error class, and an exception thrown by any stage (std::bad_alloc included) ends the job with class
// "exception" and the connection closed.
// charset text: the decode stage transcodes (decode::to_utf8), then the parse stage parses UTF-8.
// With consume lazy + charset text the decode stage pulls the body, as requests' .text pulled .content.
void run_job(const worker_config& cfg, client::http_client& http, std::string_view target, sched::job_meter& meter,
             boost::asio::yield_context yield, core::job_record& rec, const stage_hook& hook = {});

// jobs.csv's items_digest: FNV-1a over the items' title, link and date, each ended by a NUL (equal digests
// mean identical item lists).
std::uint64_t items_digest(const std::vector<parse::feed_item>& items);

// The job failed because `e` was thrown: class "exception", the exception's text as the message.
void fail_with(core::job_record& rec, const std::exception_ptr& e);

// Rethrows the exception in flight when it is the coroutine's forced unwind (Boost.Coroutine destroying a
// suspended coroutine): that one must never be swallowed. Call first thing in a catch (...) block.
void rethrow_if_unwinding();

}  // namespace feedbench::worker
