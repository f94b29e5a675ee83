// The pool: pool N runs N coroutines on one thread; threads:N runs N threads of one coroutine each.
#include "repro/sched/pool.hpp"

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <thread>

namespace {

using namespace feedbench;
namespace net = boost::asio;

TEST(Pool, CooperativePoolIsOneThread) {
    std::set<std::thread::id> ids;
    std::atomic<int> ran{0};
    auto out = sched::run_pool(core::pool_spec{5, false}, -1, 0, [&](sched::thread_context& ctx) {
        EXPECT_EQ(ctx.coroutines(), 5u);
        for (std::size_t i = 0; i < ctx.coroutines(); ++i)
            ctx.spawn([&](net::yield_context yield, sched::job_meter&) {
                ids.insert(std::this_thread::get_id());
                net::post(yield);  // a suspension
                ++ran;
            });
    });
    EXPECT_EQ(out.threads, 1u);
    EXPECT_EQ(ran.load(), 5);
    EXPECT_EQ(ids.size(), 1u);
}

TEST(Pool, ThreadsAreOneCoroutineEach) {
    std::mutex mu;
    std::set<std::thread::id> ids;
    std::atomic<int> ran{0};
    auto out = sched::run_pool(core::pool_spec{3, true}, -1, 0, [&](sched::thread_context& ctx) {
        EXPECT_EQ(ctx.coroutines(), 1u);
        ctx.spawn([&](net::yield_context, sched::job_meter&) {
            std::lock_guard lock(mu);
            ids.insert(std::this_thread::get_id());
            ++ran;
        });
    });
    EXPECT_EQ(out.threads, 3u);
    EXPECT_EQ(ran.load(), 3);
    EXPECT_EQ(ids.size(), 3u);
}

TEST(Pool, CoroutineExceptionReachesTheCaller) {
    EXPECT_THROW(
        sched::run_pool(core::pool_spec{2, false}, -1, 0,
                        [&](sched::thread_context& ctx) {
                            ctx.spawn([](net::yield_context, sched::job_meter&) { throw std::runtime_error("boom"); });
                            ctx.spawn([](net::yield_context, sched::job_meter&) {});
                        }),
        std::runtime_error);
}

// An exception that leaves a coroutine in the middle of a job unwinds the job record the meter points at:
// the pool forgets it, so the run segment's close writes nowhere (it used to write through the dead record).
TEST(Pool, ExceptionInTheMiddleOfAJobLeavesTheMeterWithoutIt) {
#if defined(__SANITIZE_ADDRESS__)
    // Boost.Context's fcontext switches are not annotated for ASan (only the ucontext build is), so ASan
    // misreads an exception unwinding a coroutine stack as a stack underflow: a false positive. The
    // release and ci builds run this test.
    GTEST_SKIP() << "an exception unwinding a coroutine stack is not observable under ASan with fcontext";
#endif
    std::atomic<int> other_jobs{0};
    EXPECT_THROW(sched::run_pool(core::pool_spec{2, false}, -1, 0,
                                 [&](sched::thread_context& ctx) {
                                     ctx.spawn([](net::yield_context yield, sched::job_meter& meter) {
                                         auto rec = std::make_unique<core::job_record>();
                                         meter.begin_job(*rec);
                                         meter.enter(core::stage::body);
                                         net::post(yield);  // a suspension: the meter is mid-job
                                         throw std::bad_alloc();
                                     });
                                     ctx.spawn([&](net::yield_context yield, sched::job_meter& meter) {
                                         for (int i = 0; i < 3; ++i) {
                                             core::job_record rec;
                                             meter.begin_job(rec);
                                             net::post(yield);
                                             meter.end_job();
                                             ++other_jobs;
                                         }
                                     });
                                 }),
                 std::bad_alloc);
    EXPECT_EQ(other_jobs.load(), 3);
}

}  // namespace
