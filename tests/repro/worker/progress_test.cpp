// The progress line's text and when it is printed, on a clock the test sets.
#include "repro/worker/progress.hpp"

#include <gtest/gtest.h>

namespace feedbench::test {
namespace {

using namespace feedbench::worker;

TEST(progress, the_line_has_jobs_rate_elapsed_and_eta) {
    EXPECT_EQ(progress_text(100, 500, 2.5), "jobs 100/500  40.0 jobs/s  elapsed 0:03  ETA 0:10");
    EXPECT_EQ(progress_text(0, 500, 0), "jobs 0/500  - jobs/s  elapsed 0:00  ETA ?");
    // Without a total (an AMQP queue): no ETA.
    EXPECT_EQ(progress_text(30, 0, 61), "jobs 30  0.5 jobs/s  elapsed 1:01");
    EXPECT_EQ(clock_text(-1), "?");
    EXPECT_EQ(clock_text(3599.6), "60:00");
}

TEST(progress, the_mode_follows_quiet_and_the_terminal) {
    EXPECT_EQ(choose_progress_mode(false, true), progress_mode::live);
    EXPECT_EQ(choose_progress_mode(false, false), progress_mode::heartbeat);
    EXPECT_EQ(choose_progress_mode(true, true), progress_mode::off);
    EXPECT_EQ(choose_progress_mode(true, false), progress_mode::off);
}

TEST(progress, a_live_line_is_redrawn_at_most_every_fifth_of_a_second_and_for_the_last_job) {
    progress_reporter p(progress_mode::live, 100);
    auto first = p.update(100.0, 1, 10);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->substr(0, 4), "\r\033[K");
    EXPECT_FALSE(p.update(100.1, 2, 10));
    EXPECT_TRUE(p.update(100.25, 3, 10));
    EXPECT_TRUE(p.update(100.26, 10, 10));  // the last job always shows
    EXPECT_EQ(p.finish(), "\r\033[K");
}

TEST(progress, off_a_terminal_a_heartbeat_line_comes_every_interval) {
    progress_reporter p(progress_mode::heartbeat, 0, 5);
    EXPECT_FALSE(p.update(1, 10, 100));
    EXPECT_FALSE(p.update(4.9, 40, 100));
    auto beat = p.update(5, 50, 100, "[S3] ");
    ASSERT_TRUE(beat);
    EXPECT_EQ(*beat, "[S3] jobs 50/100  10.0 jobs/s  elapsed 0:05  ETA 0:05\n");
    EXPECT_FALSE(p.update(9, 90, 100));
    EXPECT_FALSE(p.update(9.5, 100, 100));  // no extra line for the last job: the summary follows
    EXPECT_TRUE(p.update(10, 100, 100));
    EXPECT_EQ(p.finish(), "");
}

TEST(progress, an_interval_timer_is_due_once_per_interval) {
    interval_timer t(10, 10);
    EXPECT_FALSE(t.due(10));
    EXPECT_FALSE(t.due(19.9));
    EXPECT_TRUE(t.due(20));
    EXPECT_FALSE(t.due(25));
    EXPECT_TRUE(t.due(45));  // late: due once, then counted from then
    EXPECT_FALSE(t.due(50));
}

TEST(progress, quiet_prints_nothing) {
    progress_reporter p(progress_mode::off, 0);
    EXPECT_FALSE(p.update(100, 1, 1));
    EXPECT_EQ(p.finish(), "");
}

}  // namespace
}  // namespace feedbench::test
