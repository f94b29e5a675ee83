// The fetch fixture of the client tests, one for both clients: the worker's call order for one job on a
// client of the plan's kind, and fetches of a list of targets on ONE client (one coroutine, pool of 1).
#pragma once

#include "repro/core/job_record.hpp"
#include "repro/core/settings.hpp"
#include "repro/net/beast_client.hpp"
#include "repro/net/curl_client.hpp"
#include "repro/parse/body_source.hpp"
#include "repro/sched/pool.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace feedbench::test {

struct fetch_outcome {
    core::job_record rec;
    client::fetch_status status;
    client::response_head head;
    std::string body;
};

struct fetch_plan {
    core::client_kind client = core::client_kind::beast;
    core::read_size reads{};
    core::yield_policy yield = core::yield_policy::would_block;
    bool lazy = false;
    std::chrono::milliseconds timeout{10'000};
    std::size_t pull = 4000;  // lazy: bytes the "parser" asks for per read()
    std::uint64_t max_body = client::client_options{}.max_body;
};

// What the client saw over its life; the write-callback figures are the libcurl client's (0 for Beast).
struct client_totals {
    std::uint64_t connections = 0, max_read_request = 0;
    std::uint64_t chunks = 0, largest_chunk = 0, buffer_size = 0;
};

inline std::unique_ptr<client::http_client> make_client(const fetch_plan& plan, boost::asio::io_context& io,
                                                        client::client_options opt, sched::job_meter& meter) {
    opt.reads = plan.reads;
    opt.yield = plan.yield;
    opt.read_timeout = plan.timeout;
    opt.max_body = plan.max_body;
    if (plan.client == core::client_kind::curl) return client::make_curl_client(io, opt, meter);
    return client::make_beast_client(io, opt, meter);
}

// The worker's call order for one job; a status >= 400 becomes error class status as the worker does.
inline fetch_outcome run_job(client::http_client& c, sched::job_meter& meter, const std::string& target,
                             const fetch_plan& plan, boost::asio::yield_context yield) {
    using core::stage;
    fetch_outcome o;
    meter.begin_job(o.rec);
    meter.enter(stage::connect);
    o.status = c.connect(yield);
    if (o.status.ok()) {
        meter.enter(stage::request);
        o.status = c.send_request(target, yield);
    }
    if (o.status.ok()) {
        meter.enter(stage::headers);
        o.status = c.read_head(yield, o.head);
    }
    if (o.status.ok() && o.head.status >= 400)
        o.status = client::fetch_status::failure(core::error_class::status, "HTTP status");
    if (o.status.ok()) {
        meter.enter(stage::body);
        if (!plan.lazy) {
            std::string_view body;
            o.status = c.read_body(body, yield);
            o.body.assign(body);
        } else {
            meter.enter(stage::parse);
            auto& src = c.body_source(yield);
            std::vector<char> buf(plan.pull);
            if (!parse::read_to_end(src, o.body, buf.data(), buf.size()))
                o.status = client::fetch_status::failure(src.error_class(), "pull");
            if (o.status.ok()) o.status = c.drain(yield);
        }
    }
    meter.enter(stage::ack);
    c.finish(o.status.ok());
    meter.end_job();
    return o;
}

inline client_totals totals_of(const client::http_client& c) {
    client_totals t;
    t.connections = c.connections();
    t.max_read_request = c.max_read_request();
    if (const auto* curl = dynamic_cast<const client::curl_client*>(&c)) {
        t.chunks = curl->write_chunks();
        t.largest_chunk = curl->largest_chunk();
        t.buffer_size = curl->buffer_size();
    }
    return t;
}

// Fetches every target in order on ONE client (one coroutine, pool of 1).
inline std::vector<fetch_outcome> fetch(boost::asio::ip::tcp::endpoint ep, const std::vector<std::string>& targets,
                                        const fetch_plan& plan, client_totals* totals = nullptr) {
    std::vector<fetch_outcome> out;
    sched::run_pool(core::pool_spec{1, false}, -1, sched::steady_now_ns(), [&](sched::thread_context& ctx) {
        ctx.spawn([&](boost::asio::yield_context yield, sched::job_meter& meter) {
            client::client_options opt;
            opt.endpoint = ep;
            auto c = make_client(plan, ctx.io(), opt, meter);
            for (const auto& t : targets) out.push_back(run_job(*c, meter, t, plan, yield));
            if (totals) *totals = totals_of(*c);
        });
    });
    return out;
}

// A stage field summed over every stage of the job.
inline std::uint64_t total(const core::job_record& r, std::uint64_t core::stage_metrics::*field) {
    std::uint64_t n = 0;
    for (const auto& s : r.stages) n += s.*field;
    return n;
}

}  // namespace feedbench::test
