#include "repro/worker/query_mix.hpp"

#include <gtest/gtest.h>

using feedbench::worker::query_for_job;

TEST(query_mix, a_single_query_is_every_jobs_query) {
    EXPECT_EQ(query_for_job("rate=2000", 0), "rate=2000");
    EXPECT_EQ(query_for_job("rate=2000", 7), "rate=2000");
    EXPECT_EQ(query_for_job("", 3), "");
}

TEST(query_mix, jobs_cycle_through_the_alternatives) {
    const std::string_view mix = "fault=stall|fault=html|";
    EXPECT_EQ(query_for_job(mix, 0), "fault=stall");
    EXPECT_EQ(query_for_job(mix, 1), "fault=html");
    EXPECT_EQ(query_for_job(mix, 2), "");
    EXPECT_EQ(query_for_job(mix, 3), "fault=stall");
    EXPECT_EQ(query_for_job(mix, 100000), "fault=html");
}
