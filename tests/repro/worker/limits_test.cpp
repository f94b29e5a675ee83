// Limits (README.md, Vocabulary): each a job failure with its own class, in both clients and both consume modes:
// --max-body (too-large, declared or received, any framing), the job deadline (deadline), entity
// amplification (amplification); a conflicting or overflowing Content-Length is "read" in both clients;
// the idle timeout fires before a server that closes later than it can turn it into "truncated".
#include "repro/worker/run.hpp"

#include "feedserver/server.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace feedbench;

struct client_mode {
    core::client_kind client;
    core::consume_mode consume;
};
const client_mode every_client_mode[] = {{core::client_kind::beast, core::consume_mode::eager},
                                         {core::client_kind::beast, core::consume_mode::lazy},
                                         {core::client_kind::curl, core::consume_mode::eager},
                                         {core::client_kind::curl, core::consume_mode::lazy}};

std::string describe(const client_mode& m) {
    return std::string(core::to_string(m.client)) + ", " + std::string(core::to_string(m.consume));
}

worker::worker_config config(const feedserver::server_thread& server, const client_mode& m, const std::string& query) {
    worker::worker_config cfg;
    cfg.server_url = server.base_url();
    cfg.formats = "rss+atom";
    cfg.jobs = 4;
    cfg.pool = core::pool_spec::parse("2");
    cfg.client = m.client;
    cfg.consume = m.consume;
    cfg.query = query;
    return cfg;
}

// Every job of the run fails with `cls`, and every job is accounted for.
void expect_all(const worker::run_output& out, core::error_class cls) {
    EXPECT_EQ(out.summary.jobs, 4u);
    EXPECT_EQ(out.summary.failed, 4u);
    EXPECT_EQ(out.records.size(), 4u);
    for (const auto& r : out.records) EXPECT_EQ(r.error, cls) << r.message;
}

TEST(Limits, MaxBodyDeclaredAndReceivedInEveryFraming) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    for (const auto& m : every_client_mode) {
        // Content-Length over the limit (declared), chunked and read-until-close bodies (received).
        for (const char* query : {"", "chunk=4096", "fault=endless"}) {
            auto cfg = config(server, m, query);
            cfg.max_body = 1000;  // every synthetic feed is longer
            SCOPED_TRACE(describe(m) + ", query '" + query + "'");
            expect_all(worker::run(cfg), core::error_class::too_large);
        }
        // The same bodies under a limit they fit in succeed.
        auto cfg = config(server, m, "chunk=4096");
        cfg.max_body = 16 << 20;
        const auto out = worker::run(cfg);
        EXPECT_EQ(out.summary.ok, 4u) << describe(m);
    }
}

TEST(Limits, DeclaredLengthOverTheLimitIsTooLargeWhateverFollows) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    for (const auto& m : every_client_mode) {
        for (const char* fault : {"length-tib", "length-2g"}) {
            SCOPED_TRACE(describe(m) + ", " + fault);
            expect_all(worker::run(config(server, m, std::string("fault=") + fault)), core::error_class::too_large);
        }
        // Under a limit that admits 2 GiB, only 100 bytes come: truncated (and nothing was sized for 2 GiB).
        auto cfg = config(server, m, "fault=length-2g");
        cfg.max_body = std::uint64_t{4} << 30;
        SCOPED_TRACE(describe(m) + ", length-2g under --max-body 4g");
        expect_all(worker::run(cfg), core::error_class::truncated);
    }
}

TEST(Limits, EntityAmplificationIsItsClass) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    for (const auto& m : every_client_mode) {
        for (auto charset : {core::charset_mode::content, core::charset_mode::text}) {
            auto cfg = config(server, m, "fault=entities");
            cfg.charset = charset;
            SCOPED_TRACE(describe(m) + ", " + std::string(core::to_string(charset)));
            expect_all(worker::run(cfg), core::error_class::amplification);
        }
    }
}

TEST(Limits, ConflictingOrOverflowingContentLengthIsReadInBothClients) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    for (const auto& m : every_client_mode) {
        for (const char* fault : {"length-conflict", "length-overflow"}) {
            SCOPED_TRACE(describe(m) + ", " + fault);
            expect_all(worker::run(config(server, m, std::string("fault=") + fault)), core::error_class::read);
        }
    }
}

// A body trickling at 100 bytes/s never leaves the socket idle for the read timeout: the deadline ends it.
TEST(Limits, JobDeadlineEndsABodyThatNeverStopsMoving) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    for (const auto& m : every_client_mode) {
        auto cfg = config(server, m, "rate=100");
        cfg.job_deadline_ms = 300;
        SCOPED_TRACE(describe(m));
        const auto out = worker::run(cfg);
        expect_all(out, core::error_class::deadline);
        for (const auto& r : out.records) EXPECT_GE(r.end_ns - r.start_ns, 300'000'000);  // not before the deadline
    }
}

// The server closes a stalled response 1.5 read timeouts after its head: a client whose idle timeout fires
// on time reports "timeout"; one that fires a whole period late sees the close first ("truncated").
TEST(Limits, IdleTimeoutFiresBeforeALaterServerClose) {
    feedserver::server_options opt;
    opt.idle_timeout_ms = 1500;
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}), opt);
    for (const auto& m : every_client_mode) {
        auto cfg = config(server, m, "fault=stall");
        cfg.read_timeout_ms = 1000;
        cfg.jobs = 2;
        const auto out = worker::run(cfg);
        SCOPED_TRACE(describe(m));
        EXPECT_EQ(out.summary.failed, 2u);
        for (const auto& r : out.records) {
            EXPECT_EQ(r.error, core::error_class::timeout) << r.message;
            EXPECT_GE(r.end_ns - r.start_ns, 1'000'000'000);
        }
    }
}

}  // namespace
