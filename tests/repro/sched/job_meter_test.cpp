// The stage clock: a job's CPU is its own, suspensions are counted once each, stages add up.
#include "repro/sched/job_meter.hpp"
#include "repro/sched/pool.hpp"

#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include <chrono>

namespace {

using namespace feedbench;
using core::stage;
namespace net = boost::asio;

void spin_cpu(std::int64_t ns) {
    const auto start = sched::thread_cpu_now_ns();
    volatile std::uint64_t x = 0;
    while (sched::thread_cpu_now_ns() - start < ns) x = x + 1;
}

TEST(JobMeter, StagesAddUpWithoutSuspensions) {
    core::job_record rec;
    sched::job_meter m(sched::steady_now_ns());
    m.begin_job(rec);
    spin_cpu(2'000'000);
    m.enter(stage::parse);
    spin_cpu(3'000'000);
    m.count_read(1, 1);
    m.count_read(10, 7);
    m.count_eagain(10);
    m.end_job();
    EXPECT_GE(rec.at(stage::intake).cpu_ns, 2'000'000);
    EXPECT_GE(rec.at(stage::parse).cpu_ns, 3'000'000);
    EXPECT_EQ(rec.at(stage::parse).reads, 2u);
    EXPECT_EQ(rec.at(stage::parse).bytes, 8u);
    EXPECT_EQ(rec.at(stage::parse).eagains, 1u);
    EXPECT_EQ(rec.at(stage::parse).yields, 0u);
    EXPECT_EQ(rec.max_read_request, 10u);
    EXPECT_GE(rec.at(stage::parse).wall_ns, rec.at(stage::parse).suspended_ns);
    EXPECT_LE(rec.start_ns, rec.end_ns);
}

// Two coroutines on one thread: B waits on a timer while A burns CPU; B's CPU must not include A's.
TEST(JobMeter, CpuOfASuspendedJobIsItsOwn) {
    core::job_record a, b;
    const std::int64_t spin_ns = 40'000'000;
    sched::run_pool(core::pool_spec{2, false}, -1, sched::steady_now_ns(), [&](sched::thread_context& ctx) {
        ctx.spawn([&](net::yield_context yield, sched::job_meter& m) {
            m.begin_job(b);
            m.enter(stage::body);
            net::steady_timer t(ctx.io(), std::chrono::milliseconds(5));
            t.async_wait(yield);  // expires while A spins: resumes only after A yields
            m.enter(stage::parse);
            m.end_job();
        });
        ctx.spawn([&](net::yield_context yield, sched::job_meter& m) {
            m.begin_job(a);
            m.enter(stage::parse);
            spin_cpu(spin_ns);
            net::steady_timer t(ctx.io(), std::chrono::milliseconds(1));
            t.async_wait(yield);
            m.end_job();
        });
    });
    EXPECT_EQ(b.at(stage::body).yields, 1u);
    EXPECT_EQ(a.at(stage::parse).yields, 1u);
    EXPECT_GE(a.at(stage::parse).cpu_ns, spin_ns);
    // B was suspended for all of A's spin: its CPU is its own few microseconds, its wall at least A's spin.
    EXPECT_LT(b.at(stage::body).cpu_ns, spin_ns / 4);
    EXPECT_GE(b.at(stage::body).wall_ns, spin_ns);
    EXPECT_GE(b.at(stage::body).suspended_ns, spin_ns - b.at(stage::body).cpu_ns - 5'000'000);
}

}  // namespace

namespace {

// A handler of job B run inside job A's segment (a nested dispatch): B's CPU is B's, A's clock pauses
// and no yield is counted for A.
TEST(JobMeter, NestedSegmentOfAnotherJobIsNotTheOuterJobs) {
    core::job_record a, b;
    sched::job_meter ma(0), mb(0);
    {
        sched::run_segment outer(&ma);
        ma.begin_job(a);
        ma.enter(stage::parse);
        {
            sched::run_segment inner(&mb);
            EXPECT_EQ(sched::running_meter(), &mb);
            mb.begin_job(b);
            mb.enter(stage::parse);
            spin_cpu(20'000'000);
            mb.end_job();
        }
        EXPECT_EQ(sched::running_meter(), &ma);
        ma.end_job();
    }
    EXPECT_EQ(sched::running_meter(), nullptr);
    EXPECT_GE(b.at(stage::parse).cpu_ns, 20'000'000);
    EXPECT_LT(a.at(stage::parse).cpu_ns, 10'000'000);
    EXPECT_EQ(a.at(stage::parse).yields, 0u);
    EXPECT_GE(a.at(stage::parse).wall_ns, 20'000'000);
}

}  // namespace
