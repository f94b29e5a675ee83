// Calibrated query values: derived from fixed measurements, substituted per pool size, and refused (with
// the reason) where the machine cannot give a run of bounded length.
#include "repro/scenarios/calibration.hpp"
#include "repro/scenarios/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sc = feedbench::scenarios;
using ::testing::HasSubstr;

namespace {

sc::calibration measured(double consume_bytes_per_s, double job_wall_us) {
    sc::calibration c;
    c.measured = true;
    c.consume_bytes_per_cpu_s = consume_bytes_per_s;
    c.body_bytes_mean = 40'000;
    c.job_wall_us = job_wall_us;
    return c;
}

}  // namespace

TEST(calibration, dry_rate_keeps_the_pool_arrival_a_quarter_of_consumption) {
    auto slow = measured(800'000, 1000);  // a loaded machine: ~1 us per 1-byte recv
    auto v = sc::calibrated_value(slow, "dry_rate", 20);
    ASSERT_EQ(v.error, "");
    EXPECT_DOUBLE_EQ(v.value, 10'000);  // 20 connections x 10 kB/s = 200 kB/s = 800 kB/s / 4
    EXPECT_DOUBLE_EQ(sc::calibrated_value(slow, "dry_rate", 1).value, 100'000);  // capped at the 2012 WAN rate
    EXPECT_DOUBLE_EQ(sc::calibrated_value(measured(4'000'000, 1000), "dry_rate", 20).value, 50'000);
}

TEST(calibration, wait_ms_is_twenty_jobs_on_average_and_never_below_20) {
    EXPECT_DOUBLE_EQ(sc::calibrated_value(measured(1e6, 500), "wait_ms", 1).value, 20);   // 2 x 20 x 0.5 ms
    EXPECT_DOUBLE_EQ(sc::calibrated_value(measured(1e6, 2000), "wait_ms", 1).value, 80);  // 2 x 20 x 2 ms
}

TEST(calibration, out_of_range_says_why) {
    auto v = sc::calibrated_value(measured(20'000, 1000), "dry_rate", 20);  // 250 B/s: a 160 s body
    EXPECT_THAT(v.error, HasSubstr("calibration out of range"));
    EXPECT_THAT(sc::calibrated_value(measured(1e6, 60'000), "wait_ms", 1).error, HasSubstr("out of range"));
    sc::calibration failed;
    failed.measured = true;
    failed.error = "the calibration run at read size 1 had no successful job";
    EXPECT_EQ(sc::calibrated_value(failed, "wait_ms", 1).error, failed.error);
    EXPECT_THAT(sc::calibrated_value(sc::calibration{}, "wait_ms", 1).error, HasSubstr("no calibration"));
}

TEST(calibration, resolve_query_substitutes_every_name) {
    auto c = measured(800'000, 1000);
    std::string why;
    EXPECT_EQ(sc::resolve_query("rate={dry_rate}", c, 20, why), "rate=10000");
    EXPECT_EQ(sc::resolve_query("delay=0-{wait_ms}&nodelay=1", c, 1, why), "delay=0-40&nodelay=1");
    EXPECT_EQ(why, "");
    EXPECT_EQ(sc::resolve_query("rate={dry_rate}", measured(100, 1000), 20, why), "");
    EXPECT_THAT(why, HasSubstr("out of range"));
    EXPECT_TRUE(sc::needs_calibration("rate={dry_rate}"));
    EXPECT_FALSE(sc::needs_calibration("rate=100000"));
}

TEST(calibration, typical_values_stand_in_before_anything_is_measured) {
    std::string q = "rate={dry_rate}&delay=0-{wait_ms}";
    EXPECT_TRUE(sc::with_typical_values(q));
    EXPECT_EQ(q, "rate=40000&delay=0-20");
    std::string bad = "rate={fast}";
    EXPECT_FALSE(sc::with_typical_values(bad));
    EXPECT_EQ(bad, "rate={fast}");
    std::string open = "rate={dry_rate";
    EXPECT_FALSE(sc::with_typical_values(open));
}

TEST(calibration, scenario_files_accept_only_known_names) {
    auto text = [](const std::string& query) {
        return "id X\ntitle t\nquick pool=20 query=" + query + "\ncheck jobs_per_s measure\n";
    };
    EXPECT_NO_THROW(sc::parse_scenario(text("rate={dry_rate}"), "x.scn"));
    EXPECT_NO_THROW(sc::parse_scenario(text("delay=0-{wait_ms}"), "x.scn"));
    try {
        sc::parse_scenario(text("rate={fast}"), "x.scn");
        FAIL() << "an unknown calibrated name was accepted";
    } catch (const sc::scenario_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("{dry_rate} {wait_ms}"));
    }
}
