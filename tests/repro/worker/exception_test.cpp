// Exceptions never outlive their job: whatever a stage throws (std::bad_alloc included) ends that job
// with class "exception"; the meter, the records and the pool stay consistent and the files are written.
// The throw comes from the stage hook, the seam run() offers right after each stage is entered.
#include "repro/worker/run.hpp"

#include "feedserver/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <new>
#include <stdexcept>
#include <string>

namespace {

using namespace feedbench;
using core::stage;

std::size_t line_count(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

worker::worker_config config(const feedserver::server_thread& server, core::client_kind client,
                             core::consume_mode consume) {
    worker::worker_config cfg;
    cfg.server_url = server.base_url();
    cfg.formats = "rss+atom";
    cfg.jobs = 12;
    cfg.pool = core::pool_spec::parse("3");
    cfg.client = client;
    cfg.consume = consume;
    return cfg;
}

struct stage_case {
    stage at;
    core::charset_mode charset;  // decode runs in text mode only
};

// Every job throws in one stage: every job fails with "exception", none is lost, the records are written.
TEST(Exceptions, EachStageThrowingFailsEveryJobAndKeepsTheRun) {
#if defined(__SANITIZE_ADDRESS__)
    // Boost.Context's fcontext switches are not annotated for ASan (only the ucontext build is), so ASan
    // misreads an exception unwinding a coroutine stack as a stack underflow: a false positive. The
    // release and ci builds run this test.
    GTEST_SKIP() << "an exception unwinding a coroutine stack is not observable under ASan with fcontext";
#endif
    feedserver::server_thread server(data::generate_synthetic({.feeds = 3}));
    const stage_case cases[] = {
        {stage::intake, core::charset_mode::content},  {stage::connect, core::charset_mode::content},
        {stage::request, core::charset_mode::content}, {stage::headers, core::charset_mode::content},
        {stage::body, core::charset_mode::content},    {stage::decode, core::charset_mode::text},
        {stage::parse, core::charset_mode::content},   {stage::ack, core::charset_mode::content},
    };
    const auto out_dir = std::filesystem::path(FEEDBENCH_TEST_BINARY_DIR) / "exception_test_out";
    for (auto client : {core::client_kind::beast, core::client_kind::curl}) {
        for (auto consume : {core::consume_mode::eager, core::consume_mode::lazy}) {
            for (const auto& c : cases) {
                auto cfg = config(server, client, consume);
                cfg.charset = c.charset;
                cfg.out_dir = out_dir;
                std::filesystem::remove_all(out_dir);
                std::atomic<int> thrown{0};
                const bool bad_alloc = c.at == stage::body || c.at == stage::parse;
                const auto out = worker::run(cfg, {}, [&](stage s) {
                    if (s != c.at) return;
                    ++thrown;
                    if (bad_alloc) throw std::bad_alloc();
                    throw std::runtime_error("thrown in " + std::string(core::stage_names[std::size_t(s)]));
                });
                SCOPED_TRACE(std::string(core::to_string(client)) + ", " + std::string(core::to_string(consume)) +
                             ", stage " + std::string(core::stage_names[std::size_t(c.at)]));
                EXPECT_EQ(thrown.load(), 12);
                EXPECT_EQ(out.summary.jobs, 12u);
                EXPECT_EQ(out.summary.failed, 12u);
                EXPECT_EQ(out.summary.errors.count(core::error_class::exception), 1u);
                EXPECT_EQ(out.records.size(), 12u);
                for (const auto& r : out.records) {
                    EXPECT_EQ(r.error, core::error_class::exception);
                    EXPECT_FALSE(r.message.empty());
                    EXPECT_GE(r.end_ns, r.start_ns);
                }
                EXPECT_EQ(line_count(out_dir / "jobs.csv"), 13u);  // header + one row per job
            }
        }
    }
}

// Every seventh client stage entered (connect .. parse) throws: the jobs it hits fail, the others succeed on
// the same clients (a connection left mid-response by the exception is closed, never reused).
TEST(Exceptions, SomeJobsThrowTheOthersSucceed) {
#if defined(__SANITIZE_ADDRESS__)
    // Boost.Context's fcontext switches are not annotated for ASan (only the ucontext build is), so ASan
    // misreads an exception unwinding a coroutine stack as a stack underflow: a false positive. The
    // release and ci builds run this test.
    GTEST_SKIP() << "an exception unwinding a coroutine stack is not observable under ASan with fcontext";
#endif
    feedserver::server_thread server(data::generate_synthetic({.feeds = 3}));
    for (auto client : {core::client_kind::beast, core::client_kind::curl}) {
        for (auto consume : {core::consume_mode::eager, core::consume_mode::lazy}) {
            auto cfg = config(server, client, consume);
            cfg.jobs = 30;
            std::atomic<int> calls{0}, thrown{0};
            const auto out = worker::run(cfg, {}, [&](stage s) {
                if (s == stage::intake || s == stage::ack) return;  // one throw per job at most
                if (++calls % 7 == 0) {
                    ++thrown;
                    throw std::runtime_error("every seventh stage");
                }
            });
            SCOPED_TRACE(std::string(core::to_string(client)) + ", " + std::string(core::to_string(consume)));
            EXPECT_EQ(out.summary.jobs, 30u);
            EXPECT_EQ(out.summary.ok + out.summary.failed, 30u);
            EXPECT_EQ(out.summary.failed, std::size_t(thrown.load()));
            EXPECT_GT(out.summary.ok, 0u);
            for (const auto& r : out.records) {
                if (!r.ok) {
                    EXPECT_EQ(r.error, core::error_class::exception) << r.message;
                }
            }
        }
    }
}

}  // namespace
