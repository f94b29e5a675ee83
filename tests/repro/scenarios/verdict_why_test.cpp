// The 'why' paragraph of a verdict that did not reproduce: built from the measured medians with the worker's
// profiler diagnosis; it names the stage, the shares, the load and the assumption that did not hold.
#include "repro/scenarios/results.hpp"
#include "repro/scenarios/verdict.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace feedbench::test {
namespace {

namespace sc = feedbench::scenarios;
using ::testing::HasSubstr;
using ::testing::Not;

// S4's rule: the lazy 1-byte parse should wait on dry sockets, the eager whole-body parse should not.
sc::scenario s4() {
    return sc::parse_scenario(R"(id S4
title Log vs profiler
must yes
quick client=beast pool=20 consume=lazy read_size=1 jobs=20
quick client=beast pool=20 consume=eager read_size=whole jobs=20
check parse_suspended_pct{consume=lazy} >= 90
check parse_yields_per_job{consume=lazy} >= 10
check parse_suspended_pct{consume=eager} <= 10
)",
                              "s4-like");
}

// A metric whose three repetitions all read v.
sc::spread three_alike(double v) {
    sc::spread s;
    s.median = s.min = s.max = v;
    s.n = 3;
    return s;
}

sc::config_summary config(const sc::scenario& s, std::size_t i, const std::map<std::string, double>& medians) {
    sc::config_summary c;
    c.config = sc::expand(s, false).at(i);
    c.reps = 3;
    for (auto& [m, v] : medians) c.metrics[m] = three_alike(v);
    return c;
}

// The lazy parse read 1 byte at a time on the CPU: 0.3 yields per job, suspended 5% of its wall.
std::vector<sc::config_summary> cpu_bound_data(const sc::scenario& s) {
    return {config(s, 0,
                   {{"jobs_done", 20},
                    {"failed", 0},
                    {"jobs_per_s", 9.5},
                    {"cpu_util", 0.99},
                    {"parse_wall_p50_us", 2000000},
                    {"parse_cpu_p50_us", 1880000},
                    {"parse_suspended_pct", 5},
                    {"parse_yields_per_job", 0.3},
                    {"parse_reads_per_job", 50000},
                    {"headers_wall_p50_us", 150},
                    {"headers_cpu_p50_us", 40}}),
            config(s, 1,
                   {{"jobs_done", 20},
                    {"failed", 0},
                    {"jobs_per_s", 900},
                    {"cpu_util", 0.95},
                    {"parse_wall_p50_us", 120},
                    {"parse_cpu_p50_us", 118},
                    {"parse_suspended_pct", 1},
                    {"parse_yields_per_job", 0},
                    {"parse_reads_per_job", 0}})};
}

}  // namespace

TEST(verdict_why, cpu_bound_one_byte_parse_names_sockets_that_never_ran_dry) {
    auto s = s4();
    auto data = cpu_bound_data(s);
    sc::run_conditions cond{1.4, 2};
    auto v = sc::evaluate(s, data, cond);
    ASSERT_EQ(v.kind, sc::verdict_kind::not_reproduced);
    auto why = sc::why_paragraph(s, v, data, cond);
    EXPECT_THAT(why, HasSubstr("Why NOT REPRODUCED"));
    // The stage that dominated, its suspended share, yields and reads per job, CPU and load.
    EXPECT_THAT(why, HasSubstr("parse dominated (100% of a job's wall, p50 2 s)"));
    EXPECT_THAT(why, HasSubstr("suspended 5% of its wall"));
    EXPECT_THAT(why, HasSubstr("0.3 yields and 50000 reads per job"));
    EXPECT_THAT(why, HasSubstr("worker CPU 99% of one core"));
    EXPECT_THAT(why, HasSubstr("load 1.40 on 2 cores"));
    // The profiler view's diagnosis, and the assumption that did not hold.
    EXPECT_THAT(why, HasSubstr("parse: cpu is 94% of wall: CPU-bound work"));
    EXPECT_THAT(why, HasSubstr("the worker thread ran 99% of the run"));
    EXPECT_THAT(why, HasSubstr("the sockets never ran dry, reading was CPU-bound"));
    // Said once, though two checks rest on it.
    auto said = why.find("the sockets never ran dry");
    EXPECT_EQ(why.find("the sockets never ran dry", said + 1), std::string::npos);
    // The check that passed (eager <= 10) is not explained.
    EXPECT_THAT(why, Not(HasSubstr("parse_suspended_pct{consume=eager}")));
}

TEST(verdict_why, missing_configuration_is_explained_as_no_data) {
    auto s = s4();
    auto data = cpu_bound_data(s);
    data.pop_back();  // the eager configuration did not run
    data.front().metrics["parse_suspended_pct"] = three_alike(95);
    data.front().metrics["parse_yields_per_job"] = three_alike(40);
    auto v = sc::evaluate(s, data);
    ASSERT_EQ(v.kind, sc::verdict_kind::no_data);
    auto why = sc::why_paragraph(s, v, data, {});
    EXPECT_THAT(why, HasSubstr("Why NO DATA"));
    EXPECT_THAT(why, HasSubstr("no configuration {consume=eager} in the data"));
}

TEST(verdict_why, reproduced_needs_no_paragraph) {
    auto s = s4();
    auto data = cpu_bound_data(s);
    data.front().metrics["parse_suspended_pct"] = three_alike(95);
    data.front().metrics["parse_yields_per_job"] = three_alike(40);
    auto v = sc::evaluate(s, data);
    ASSERT_EQ(v.kind, sc::verdict_kind::reproduced);
    EXPECT_EQ(sc::why_paragraph(s, v, data, {}), "");
}

}  // namespace feedbench::test
