// Every fault ends as its error class, the connection is dropped, and the next job on the same
// coroutine (same client) still succeeds. Faults come from the feed server's fault= query.
#include "repro/net/beast_client.hpp"
#include "repro/sched/pool.hpp"
#include "repro/worker/job_runner.hpp"
#include "repro/worker/run.hpp"

#include "feedserver/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

namespace {

using namespace feedbench;
using core::stage;
namespace net = boost::asio;

struct fault_case {
    const char* fault;
    core::error_class error_class;  // none = the job succeeds
};

// length-short: the client reads the declared half and cannot know more was sent: the document is cut -> parse
// (or decode in text mode when the cut splits a character). bogus-charset: an unknown charset is ignored, as
// feedparser does: content mode parses the bytes, text mode falls back to the declaration / detection.
const fault_case content_faults[] = {
    {"close-mid-body", core::error_class::truncated},
    {"length-long", core::error_class::truncated},
    {"length-short", core::error_class::parse},
    {"bad-chunk", core::error_class::truncated},
    {"stall", core::error_class::timeout},
    {"html", core::error_class::not_a_feed},
    {"bogus-charset", core::error_class::none},
    {"status-500", core::error_class::status},
};

std::vector<core::job_record> run_jobs(const feedserver::server_thread& server, const worker::worker_config& cfg,
                                       const std::vector<std::string>& targets, unsigned short port_override = 0) {
    std::vector<core::job_record> recs(targets.size());
    client::client_options opt;
    opt.endpoint =
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port_override ? port_override : server.port());
    opt.reads = cfg.reads;
    opt.yield = cfg.yield;
    opt.read_timeout = std::chrono::milliseconds(cfg.read_timeout_ms);
    sched::run_pool(core::pool_spec{1, false}, -1, sched::steady_now_ns(), [&](sched::thread_context& ctx) {
        ctx.spawn([&](net::yield_context yield, sched::job_meter& meter) {
            auto http = client::make_beast_client(ctx.io(), opt, meter);
            for (std::size_t i = 0; i < targets.size(); ++i) {
                meter.begin_job(recs[i]);
                worker::run_job(cfg, *http, targets[i], meter, yield, recs[i]);
                meter.end_job();
            }
        });
    });
    return recs;
}

TEST(Faults, EachFaultIsItsClassAndTheNextJobSucceeds) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    const auto* feed = server.corpus().find_by_id("feed-000-rss");
    ASSERT_NE(feed, nullptr);
    for (const char* reads : {"1", "10k", "whole"}) {
        for (auto consume : {core::consume_mode::eager, core::consume_mode::lazy}) {
            for (auto yield : {core::yield_policy::would_block, core::yield_policy::always}) {
                worker::worker_config cfg;
                cfg.reads = core::read_size::parse(reads);
                cfg.consume = consume;
                cfg.yield = yield;
                cfg.read_timeout_ms = 400;  // the stall fault waits this long; healthy jobs never come close
                std::vector<std::string> targets;
                for (const auto& fc : content_faults) {
                    targets.push_back(feed->path + "?fault=" + fc.fault);
                    targets.push_back(feed->path);
                }
                const auto recs = run_jobs(server, cfg, targets);
                for (std::size_t i = 0; i < recs.size(); i += 2) {
                    const auto& fc = content_faults[i / 2];
                    SCOPED_TRACE(std::string(fc.fault) + " at read size " + reads + ", " +
                                 std::string(core::to_string(consume)) + ", " + std::string(core::to_string(yield)));
                    EXPECT_EQ(recs[i].error, fc.error_class) << recs[i].message;
                    EXPECT_EQ(recs[i].ok, fc.error_class == core::error_class::none);
                    EXPECT_TRUE(recs[i + 1].ok) << "next job: " << recs[i + 1].error << " " << recs[i + 1].message;
                    EXPECT_EQ(recs[i + 1].items, feed->items);
                }
            }
        }
    }
}

TEST(Faults, TextModeClasses) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    const auto* feed = server.corpus().find_by_id("feed-000-rss");
    ASSERT_NE(feed, nullptr);
    worker::worker_config cfg;
    cfg.charset = core::charset_mode::text;
    cfg.read_timeout_ms = 400;  // the stall fault waits this long; healthy jobs never come close
    for (auto consume : {core::consume_mode::eager, core::consume_mode::lazy}) {
        cfg.consume = consume;
        const auto recs = run_jobs(server, cfg,
                                   {feed->path + "?fault=bogus-charset", feed->path + "?fault=html",
                                    feed->path + "?fault=close-mid-body", feed->path + "?fault=stall", feed->path});
        EXPECT_TRUE(recs[0].ok) << recs[0].error << " " << recs[0].message;
        EXPECT_NE(recs[0].charset, "x-bogus-42");
        EXPECT_EQ(recs[1].error, core::error_class::not_a_feed);
        EXPECT_EQ(recs[2].error, core::error_class::truncated);
        EXPECT_EQ(recs[3].error, core::error_class::timeout);
        EXPECT_TRUE(recs[4].ok);
    }
}

TEST(Faults, ConnectionRefusedIsConnect) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 1}));
    net::io_context io;
    net::ip::tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    const auto closed_port = a.local_endpoint().port();
    a.close();
    worker::worker_config cfg;
    const auto recs = run_jobs(server, cfg, {"/feeds/feed-000-rss.xml", "/feeds/feed-000-rss.xml"}, closed_port);
    for (const auto& r : recs) EXPECT_EQ(r.error, core::error_class::connect);
}

// Whole runs with a fault on every job: every job fails with its class, none is lost.
TEST(Faults, RunAccountsForEveryJob) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 3}));
    for (const auto& fc : content_faults) {
        worker::worker_config cfg;
        cfg.server_url = server.base_url();
        cfg.query = std::string("fault=") + fc.fault;
        cfg.jobs = 12;
        cfg.formats = "rss+atom";
        cfg.pool = core::pool_spec::parse("4");
        cfg.read_timeout_ms = 400;  // the stall fault waits this long; healthy jobs never come close
        const auto out = worker::run(cfg);
        SCOPED_TRACE(fc.fault);
        EXPECT_EQ(out.summary.jobs, 12u);
        EXPECT_EQ(out.summary.ok + out.summary.failed, out.summary.jobs);
        if (fc.error_class != core::error_class::none) {
            EXPECT_EQ(out.summary.failed, 12u);
            EXPECT_EQ(out.summary.errors.count(fc.error_class), 1u);
        }
    }
}

}  // namespace
