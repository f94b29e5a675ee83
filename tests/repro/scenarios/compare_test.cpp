// Heavy load turns a failing check into NO DATA (never a false NOT REPRODUCED); checks.tsv round-trips;
// runs compare side by side with their spread.
#include "repro/scenarios/compare.hpp"
#include "repro/scenarios/report.hpp"
#include "repro/scenarios/verdict.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sc = feedbench::scenarios;
using ::testing::HasSubstr;

namespace {

sc::scenario rule() {
    return sc::parse_scenario(R"(id S9
title two pools
must yes
quick pool=1,20 jobs=20
check jobs_per_s{pool=20} / jobs_per_s{pool=1} >= 10
check cpu_util{pool=20} measure
)",
                              "fixture");
}

std::vector<sc::config_summary> data(double serial, double pooled) {
    auto s = rule();
    std::vector<sc::rep_result> reps;
    auto configs = sc::expand(s, false);
    for (int k = 1; k <= 3; ++k)
        for (auto& c : configs) {
            sc::rep_result r;
            r.config = c;
            r.rep = k;
            r.metrics["jobs_per_s"] = c.get(sc::axis::pool) == "1" ? serial : pooled;
            r.metrics["cpu_util"] = 0.99;
            reps.push_back(r);
        }
    return sc::summarize(reps);
}

sc::run_report report_of(double serial, double pooled, double load) {
    sc::run_report rep;
    sc::scenario_outcome o;
    o.def = rule();
    o.ran = true;
    o.conditions = {load, 2};
    o.summary = data(serial, pooled);
    o.result = sc::evaluate(o.def, o.summary, o.conditions);
    rep.scenarios.push_back(o);
    return rep;
}

}  // namespace

TEST(scenario_load, a_failure_under_heavy_load_is_no_data_with_the_reason) {
    sc::run_conditions heavy{4.0, 2};
    ASSERT_FALSE(heavy.heavy());  // 2 x 2 cores = 4 is not yet "far above the core count"
    heavy.load_average = 4.1;
    ASSERT_TRUE(heavy.heavy());
    auto v = sc::evaluate(rule(), data(100, 500), heavy);
    EXPECT_EQ(v.kind, sc::verdict_kind::no_data);
    EXPECT_TRUE(v.heavy_load);
    EXPECT_TRUE(v.checks[0].excused);
    EXPECT_THAT(v.checks[0].detail, HasSubstr("cannot be told from the load"));
    // The same data at normal load: NOT REPRODUCED; a pass under heavy load stays REPRODUCED.
    EXPECT_EQ(sc::evaluate(rule(), data(100, 500), {1.5, 2}).kind, sc::verdict_kind::not_reproduced);
    EXPECT_EQ(sc::evaluate(rule(), data(100, 5000), heavy).kind, sc::verdict_kind::reproduced);
}

TEST(scenario_load, strict_excuses_no_data_only_under_heavy_load) {
    EXPECT_TRUE(sc::ci_failures(report_of(100, 500, 4.1)).empty());   // NO DATA, heavy: reported, not a failure
    EXPECT_EQ(sc::ci_failures(report_of(100, 500, 1.0)).size(), 1u);  // NOT REPRODUCED at normal load
    EXPECT_TRUE(sc::ci_failures(report_of(100, 5000, 1.0)).empty());
}

TEST(scenario_compare, checks_tsv_round_trip_and_side_by_side) {
    auto dir = std::filesystem::temp_directory_path() / ("feedbench-compare-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::vector<sc::compared_run> runs;
    int i = 0;
    for (double pooled : {5000.0, 5200.0, 4900.0}) {
        auto file = dir / ("run" + std::to_string(++i) + ".tsv");
        sc::write_checks_tsv(file, report_of(100, pooled, 1.0));
        runs.push_back({"run" + std::to_string(i), sc::read_checks_tsv(file)});
    }
    ASSERT_EQ(runs[0].rows.size(), 2u);
    auto& r = runs[0].rows[0];
    EXPECT_EQ(r.scenario, "S9");
    EXPECT_TRUE(r.must);
    EXPECT_EQ(r.verdict, "REPRODUCED");
    EXPECT_DOUBLE_EQ(r.value, 50);
    EXPECT_EQ(r.result, "pass");
    EXPECT_TRUE(r.thresholded);
    EXPECT_FALSE(runs[0].rows[1].thresholded);
    auto c = sc::compare_runs(runs);
    EXPECT_TRUE(c.must_failures.empty());
    EXPECT_TRUE(c.wide_spreads.empty());  // 49..52: 6% of 50
    EXPECT_THAT(c.text, HasSubstr("spread 6%"));
    // A fourth run far off: the spread is flagged; a must failure is named with its run.
    auto file = dir / "run4.tsv";
    sc::write_checks_tsv(file, report_of(100, 500, 1.0));
    runs.push_back({"run4", sc::read_checks_tsv(file)});
    c = sc::compare_runs(runs);
    ASSERT_EQ(c.must_failures.size(), 1u);
    EXPECT_THAT(c.must_failures[0], HasSubstr("run4: S9 is NOT REPRODUCED"));
    EXPECT_EQ(c.wide_spreads.size(), 1u);
    std::filesystem::remove_all(dir);
}

TEST(scenario_compare, malformed_checks_tsv_names_the_line) {
    auto file = std::filesystem::temp_directory_path() / ("feedbench-bad-" + std::to_string(::getpid()) + ".tsv");
    std::ofstream(file) << "scenario\tmust\tverdict\theavy_load\tload\tcheck\tvalue\tthreshold\tresult\nS1\tyes\n";
    try {
        sc::read_checks_tsv(file);
        FAIL() << "a short row was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr(":2: expected 9 tab-separated fields"));
    }
    EXPECT_THROW(sc::read_checks_tsv(file.string() + ".absent"), std::runtime_error);
    std::filesystem::remove(file);
}
