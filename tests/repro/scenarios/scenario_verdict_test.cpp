// Verdict rules on fixed CSV inputs (tests/repro/scenarios/fixtures): reproduced, not reproduced, missing data.
#include "repro/scenarios/predictions.hpp"
#include "repro/scenarios/results.hpp"
#include "repro/scenarios/verdict.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sc = feedbench::scenarios;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::filesystem::path fixtures =
    std::filesystem::path(FEEDBENCH_TEST_SOURCE_DIR) / "tests/repro/scenarios/fixtures";

// S3's rule, over the fixture's four configurations.
sc::scenario rule() {
    return sc::parse_scenario(R"(id S3
title read-size sweep
quick client=beast read_size=1 consume=eager pool=1 jobs=20
quick client=beast read_size=1 consume=lazy pool=20 jobs=20
quick client=beast read_size=whole consume=eager,lazy pool=20 jobs=20
check jobs_per_s{read_size=whole,consume=lazy,pool=20} / jobs_per_s{read_size=1,consume=lazy,pool=20} >= 10
check jobs_per_s{read_size=whole,consume=eager,pool=20} / jobs_per_s{read_size=1,consume=eager,pool=1} measure
)",
                              "fixture-rule");
}

sc::verdict verdict_of(const std::string& file) {
    auto reps = sc::read_rep_csv(fixtures / file);
    return sc::evaluate(rule(), sc::summarize(reps));
}

}  // namespace

TEST(scenario_verdict, median_min_max) {
    auto s = sc::median_min_max({3, 1, 2, sc::no_value});
    EXPECT_EQ(s.n, 3u);
    EXPECT_DOUBLE_EQ(s.median, 2);
    EXPECT_DOUBLE_EQ(s.min, 1);
    EXPECT_DOUBLE_EQ(s.max, 3);
    EXPECT_DOUBLE_EQ(sc::median_min_max({4, 1, 2, 3}).median, 2.5);
    EXPECT_TRUE(std::isnan(sc::median_min_max({}).median));
    EXPECT_DOUBLE_EQ(sc::percentile_sorted({1, 2, 3, 4}, 0.5), 2);
    EXPECT_DOUBLE_EQ(sc::percentile_sorted({1, 2, 3, 4}, 1.0), 4);
}

TEST(scenario_verdict, reproduced) {
    auto v = verdict_of("verdict_S3_reproduced.csv");
    EXPECT_EQ(v.kind, sc::verdict_kind::reproduced);
    ASSERT_EQ(v.checks.size(), 2u);
    EXPECT_TRUE(v.checks[0].pass);
    // rounds 5200 / 60, 5000 / 58, 5300 / 61: the median round is the first
    EXPECT_NEAR(v.checks[0].value, 5200.0 / 60.0, 1e-9);
    EXPECT_THAT(v.line, HasSubstr("REPRODUCED:"));
    EXPECT_THAT(v.line, HasSubstr("= 86.7 (median of 3 paired rounds; threshold >= 10): pass"));
}

TEST(scenario_verdict, not_reproduced) {
    auto v = verdict_of("verdict_S3_not_reproduced.csv");
    EXPECT_EQ(v.kind, sc::verdict_kind::not_reproduced);
    EXPECT_FALSE(v.checks[0].pass);
    // rounds 5200 / 900, 5000 / 880, 5300 / 950: the median round is the second (the medians' ratio: 5.78)
    EXPECT_NEAR(v.checks[0].value, 5000.0 / 880.0, 1e-9);
    EXPECT_THAT(v.line, HasSubstr("NOT REPRODUCED:"));
    EXPECT_THAT(v.line, HasSubstr("= 5.68 (median of 3 paired rounds; threshold >= 10): FAIL"));
}

// The machine ran at 1x, 0.7x and 1.3x speed in three rounds; in each, beast did 0.85 of memory's rate, except
// that memory's first run met a stretch 1.4x faster than beast's did. One such round moves the ratio of the two
// medians (3900 against 2550: 0.65, a failure); the median of the per-round ratios stays at 0.85.
TEST(scenario_verdict, a_ratio_pairs_the_rounds_so_the_machine_s_drift_cancels) {
    auto s = sc::parse_scenario(R"(id S12
title pairs
quick client=beast,memory read_size=whole jobs=2000
check jobs_per_s{client=beast} / jobs_per_s{client=memory} >= 0.8
)",
                                "pairs");
    const double speed[] = {1.0, 0.7, 1.3};
    std::vector<sc::rep_result> reps;
    for (int round = 1; round <= 3; ++round)
        for (auto& c : sc::expand(s, false)) {
            sc::rep_result r;
            r.config = c;
            r.rep = round;
            const bool beast = c.get(sc::axis::client) == "beast";
            double rate = speed[round - 1] * 3000 * (beast ? 0.85 : 1.0);
            if (!beast && round == 1) rate *= 1.4;
            r.metrics = {{"jobs_per_s", rate}};
            reps.push_back(r);
        }
    auto v = sc::evaluate(s, sc::summarize(reps));
    ASSERT_TRUE(v.checks[0].has_data);
    EXPECT_NEAR(v.checks[0].value, 0.85, 1e-9);  // rounds 0.61, 0.85, 0.85
    EXPECT_TRUE(v.checks[0].pass);
    EXPECT_THAT(v.line, HasSubstr("= 0.85 (median of 3 paired rounds; threshold >= 0.8): pass"));
    // Two rounds are too few to pair: the ratio of the medians, said without "paired".
    reps.erase(std::remove_if(reps.begin(), reps.end(), [](auto& r) { return r.rep == 3; }), reps.end());
    auto two = sc::evaluate(s, sc::summarize(reps));
    EXPECT_NEAR(two.checks[0].value, ((2550 + 1785) / 2.0) / ((4200 + 2100) / 2.0), 1e-9);
    EXPECT_FALSE(two.checks[0].pass);
    EXPECT_THAT(two.line, Not(HasSubstr("paired")));
}

TEST(scenario_verdict, missing_configuration_is_no_data) {
    auto v = verdict_of("verdict_S3_missing_config.csv");
    EXPECT_EQ(v.kind, sc::verdict_kind::no_data);
    EXPECT_FALSE(v.checks[0].has_data);
    EXPECT_THAT(v.line, HasSubstr("NO DATA:"));
    EXPECT_THAT(v.checks[0].detail, HasSubstr("no configuration {read_size=whole,consume=lazy,pool=20} in the data"));
}

TEST(scenario_verdict, empty_value_is_no_data_with_the_status) {
    auto v = verdict_of("verdict_S3_empty_value.csv");
    EXPECT_EQ(v.kind, sc::verdict_kind::no_data);
    EXPECT_THAT(v.checks[0].detail,
                HasSubstr("jobs_per_s has no value for {read_size=1,consume=lazy,pool=20} (n/a: run failed)"));
}

TEST(scenario_verdict, no_rows_at_all_is_no_data) {
    auto v = sc::evaluate(rule(), {});
    EXPECT_EQ(v.kind, sc::verdict_kind::no_data);
}

// A check without a threshold only reports: with no data for it the thresholded checks still decide (S11's
// feeds-2012 ratio on a machine without that corpus); a scenario of report-only checks is NO DATA without them.
TEST(scenario_verdict, a_report_only_check_without_data_does_not_decide) {
    auto with_report = sc::parse_scenario(R"(id S3
title read-size sweep
quick client=beast read_size=1 consume=lazy pool=20 jobs=20
quick client=beast read_size=whole consume=lazy pool=20 jobs=20
quick client=beast read_size=7 consume=lazy pool=20 jobs=20
check jobs_per_s{read_size=whole,consume=lazy,pool=20} / jobs_per_s{read_size=1,consume=lazy,pool=20} >= 10
check jobs_per_s{read_size=7,consume=lazy,pool=20} measure
)",
                                          "fixture-rule");
    auto data = sc::summarize(sc::read_rep_csv(fixtures / "verdict_S3_reproduced.csv"));
    auto v = sc::evaluate(with_report, data);
    EXPECT_EQ(v.kind, sc::verdict_kind::reproduced) << v.line;
    EXPECT_FALSE(v.checks[1].has_data);
    EXPECT_THAT(v.line, HasSubstr("jobs_per_s{read_size=7,consume=lazy,pool=20}: no data"));

    auto report_only = sc::parse_scenario(R"(id R
title report only
quick client=beast read_size=7 consume=lazy pool=20 jobs=20
check jobs_per_s{read_size=7,consume=lazy,pool=20} measure
)",
                                          "fixture-rule");
    EXPECT_EQ(sc::evaluate(report_only, data).kind, sc::verdict_kind::no_data);
}

TEST(scenario_verdict, within_and_at_most_and_measure) {
    auto s = sc::parse_scenario(R"(id W
title within
quick pool=1,20 jobs=10
check jobs_per_s{pool=20} / jobs_per_s{pool=1} within 0.10
check latency_p50_ms{pool=1} <= 3
)",
                                "w");
    auto make = [](double pool1, double pool20, double lat) {
        std::vector<sc::rep_result> reps(2);
        reps[0].config.get(sc::axis::pool) = "1";
        reps[0].metrics = {{"jobs_per_s", pool1}, {"latency_p50_ms", lat}};
        reps[1].config.get(sc::axis::pool) = "20";
        reps[1].metrics = {{"jobs_per_s", pool20}};
        return sc::summarize(reps);
    };
    EXPECT_EQ(sc::evaluate(s, make(100, 95, 2)).kind, sc::verdict_kind::reproduced);
    EXPECT_EQ(sc::evaluate(s, make(100, 85, 2)).kind, sc::verdict_kind::not_reproduced);
    EXPECT_EQ(sc::evaluate(s, make(100, 95, 4)).kind, sc::verdict_kind::not_reproduced);
    EXPECT_EQ(sc::evaluate(s, make(0, 95, 2)).kind, sc::verdict_kind::no_data);  // denominator 0
    auto m = sc::parse_scenario("id M\ntitle m\nquick pool=1 jobs=1\ncheck jobs_per_s measure\n", "m");
    EXPECT_EQ(sc::evaluate(m, make(100, 95, 2)).kind, sc::verdict_kind::no_data);  // two configs, bare selector
    EXPECT_EQ(sc::skipped_verdict("corpus absent").kind, sc::verdict_kind::skipped);
}

TEST(scenario_verdict, rep_csv_round_trip) {
    auto reps = sc::read_rep_csv(fixtures / "verdict_S3_reproduced.csv");
    ASSERT_EQ(reps.size(), 12u);
    auto tmp = std::filesystem::temp_directory_path() / "feedbench_verdict_round_trip.csv";
    sc::write_rep_csv(tmp, "S3", reps);
    auto back = sc::read_rep_csv(tmp);
    std::filesystem::remove(tmp);
    ASSERT_EQ(back.size(), reps.size());
    EXPECT_EQ(back[3].config.key(), reps[3].config.key());
    EXPECT_DOUBLE_EQ(back[3].get("jobs_per_s"), reps[3].get("jobs_per_s"));
    EXPECT_TRUE(std::isnan(back[3].get("latency_p50_ms")));
    EXPECT_EQ(sc::evaluate(rule(), sc::summarize(back)).kind, sc::verdict_kind::reproduced);
}

TEST(scenario_verdict, malformed_csv_names_the_line) {
    auto tmp = std::filesystem::temp_directory_path() / "feedbench_verdict_bad.csv";
    {
        std::ofstream out(tmp);
        out << "scenario,rep,jobs_per_s\nS3,1,12\nS3,2,twelve\n";
    }
    try {
        (void)sc::read_rep_csv(tmp);
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr(":3: column jobs_per_s: 'twelve' is not a number"));
    }
    std::filesystem::remove(tmp);
}

TEST(scenario_predictions, model_tsv_fills_matching_configurations_only) {
    auto t = sc::load_predictions_tsv(fixtures / "predictions.tsv");
    sc::configuration c;
    for (std::size_t i = 0; i < sc::axis_count; ++i) c.values[i] = std::string(sc::axis_defaults[i]);
    c.get(sc::axis::pool) = "20";
    c.get(sc::axis::consume) = "lazy";
    c.get(sc::axis::read_size) = "10k";  // 10240 in the TSV
    EXPECT_DOUBLE_EQ(t.predict(c), 2900);
    c.get(sc::axis::read_size) = "whole";
    EXPECT_DOUBLE_EQ(t.predict(c), 3400);
    c.get(sc::axis::read_size) = "64";
    EXPECT_TRUE(std::isnan(t.predict(c)));  // not predicted
    c.get(sc::axis::read_size) = "1";
    c.get(sc::axis::query) = "rate=100000";  // the model assumes an unpaced server
    EXPECT_TRUE(std::isnan(t.predict(c)));
    EXPECT_THROW(sc::load_predictions_tsv(fixtures / "plot_bars.csv"), std::runtime_error);  // no such columns
}
