// bench tools on fixed inputs: JSON reading, long and pivot TSV, Mann-Whitney U (exact and
// approximate), and the comparer's verdicts and geometric mean.
#include "bench/tools/compare.hpp"
#include "bench/tools/tsv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace bt = feedbench::bench_tools;

namespace {

// A Google Benchmark JSON document with `reps` repetitions of two benchmarks (times in ms).
std::string gbench_json(const std::vector<double>& dom_ms, const std::vector<double>& sax_ms) {
    std::ostringstream j;
    j.precision(17);
    j << R"({"context": {"date": "2026-11-26", "library_build_type": "release"}, "benchmarks": [)";
    bool first = true;
    auto emit = [&](const std::string& name, const std::vector<double>& ms) {
        for (std::size_t i = 0; i < ms.size(); ++i) {
            j << (first ? "" : ",") << R"({"name": ")" << name << R"(/repeats:5", "run_name": ")" << name
              << R"(/repeats:5", "run_type": "iteration", "repetitions": 5, "repetition_index": )" << i
              << R"(, "threads": 1, "iterations": 10, "real_time": )" << ms[i] << R"(, "cpu_time": )" << ms[i]
              << R"(, "time_unit": "ms", "bytes_per_second": )" << 2.5e6 / (ms[i] / 1e3) << R"(, "docs": 50})";
            first = false;
        }
        double sum = 0;
        for (double m : ms) sum += m;
        j << R"(,{"name": ")" << name << R"(/repeats:5_median", "run_name": ")" << name
          << R"(/repeats:5", "run_type": "aggregate", "aggregate_name": "median", "iterations": 5, "real_time": )"
          << ms[ms.size() / 2] << R"(, "cpu_time": 1, "time_unit": "ms", "bytes_per_second": )"
          << 2.5e6 / (ms[ms.size() / 2] / 1e3) << "}";
    };
    emit("parse/dom/synthetic-rss", dom_ms);
    emit("parse/sax/synthetic-rss", sax_ms);
    j << "]}";
    return j.str();
}

}  // namespace

TEST(bench_json, reads_runs_counters_and_name_parts) {
    auto const f = bt::parse_bench_json(gbench_json({10, 11, 12, 13, 14}, {5, 5, 6, 6, 7}));
    EXPECT_EQ(f.context.at("library_build_type"), "release");
    ASSERT_EQ(f.runs.size(), 12u);
    auto const& r = f.runs[0];
    EXPECT_EQ(r.run_type, "iteration");
    EXPECT_EQ(r.repetition_index, 0);
    EXPECT_DOUBLE_EQ(r.real_ns(), 10e6);
    EXPECT_DOUBLE_EQ(r.counters.at("docs"), 50);
    EXPECT_EQ(r.part(0), "parse");
    EXPECT_EQ(r.part(1), "dom");
    EXPECT_EQ(r.part(2), "synthetic-rss");
    EXPECT_EQ(r.part(3), "");
    EXPECT_DOUBLE_EQ(bt::value_of(r, "mb_per_s"), 250.0);  // 2.5 MB in 10 ms, MB = 10^6
    EXPECT_THROW(bt::parse_bench_json("{\"x\": 1}"), std::runtime_error);
    EXPECT_THROW(bt::parse_bench_json("not json"), std::runtime_error);
    // Google Benchmark writes bare NaN (cv of an all-zero counter): read as "no value".
    auto const nan = bt::parse_bench_json(
        R"({"benchmarks": [{"name": "a/nan", "run_type": "aggregate", "real_time": 1, "x": NaN, "y": -nan, "z": 2}]})");
    ASSERT_EQ(nan.runs.size(), 1u);
    EXPECT_EQ(nan.runs[0].name, "a/nan");
    EXPECT_EQ(nan.runs[0].counters.count("x"), 0u);
    EXPECT_DOUBLE_EQ(nan.runs[0].counters.at("z"), 2);
}

TEST(tsv, long_and_pivot) {
    auto const f = bt::parse_bench_json(gbench_json({10, 11, 12, 13, 14}, {5, 5, 6, 6, 7}));
    std::string const tsv = bt::long_tsv(f);
    EXPECT_EQ(tsv.substr(0, tsv.find('\n')),
              "name\tsuite\tvariant\tinput\trun_type\taggregate\trepetition\titerations\treal_ns\tcpu_ns\tmb_per_"
              "s\tbytes_per_second\tdocs");
    EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\n'), 13);
    std::string const pivot = bt::pivot_tsv(f, {"parse", 2, 1, "mb_per_s"});
    EXPECT_EQ(pivot, "input\tdom\tsax\nsynthetic-rss\t208.3333333\t416.6666667\n");  // medians: 12 ms, 6 ms
}

TEST(mann_whitney, exact_p_for_separated_samples) {
    auto const r = bt::mann_whitney({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
    EXPECT_TRUE(r.exact);
    EXPECT_DOUBLE_EQ(r.u, 0);
    EXPECT_NEAR(r.p, 2.0 / 252.0, 1e-12);
    EXPECT_NEAR(bt::smallest_exact_p(5, 5), 2.0 / 252.0, 1e-12);
    EXPECT_NEAR(bt::smallest_exact_p(3, 3), 0.1, 1e-12);
    auto const same = bt::mann_whitney({1, 3, 5, 7}, {2, 4, 6, 8});
    EXPECT_GT(same.p, 0.5);
    EXPECT_DOUBLE_EQ(bt::mann_whitney({}, {1}).p, 1);
}

TEST(mann_whitney, normal_approximation_with_ties) {
    auto const r = bt::mann_whitney({1, 1, 2, 2, 3, 3}, {4, 4, 5, 5, 6, 6});
    EXPECT_FALSE(r.exact);
    EXPECT_LT(r.p, 0.01);
    auto const all_tied = bt::mann_whitney({1, 1, 1}, {1, 1, 1});
    EXPECT_DOUBLE_EQ(all_tied.p, 1);
}

TEST(compare, flags_a_significant_slowdown_beyond_the_threshold_only) {
    auto const base = bt::parse_bench_json(gbench_json({10, 10.1, 10.2, 10.3, 10.4}, {5, 5.1, 5.2, 5.3, 5.4}));
    // dom 20% slower (significant), sax 3% slower (significant but under the 10% threshold).
    auto const next = bt::parse_bench_json(gbench_json({12, 12.1, 12.2, 12.3, 12.4}, {5.15, 5.25, 5.35, 5.45, 5.55}));
    bt::compare_options opt;
    auto const c = bt::compare(base, next, opt);
    ASSERT_EQ(c.rows.size(), 2u);
    EXPECT_EQ(c.rows[0].name, "parse/dom/synthetic-rss/repeats:5");
    EXPECT_EQ(c.rows[0].verdict, "slower");
    EXPECT_NEAR(c.rows[0].change, 12.2 / 10.2 - 1, 1e-9);
    EXPECT_EQ(c.rows[1].verdict, "same");
    EXPECT_EQ(c.slowdowns, 1u);
    EXPECT_NEAR(c.geomean_ratio, std::sqrt((12.2 / 10.2) * (5.35 / 5.2)), 1e-9);
    EXPECT_NE(bt::format_comparison(c, opt).find("significant slowdowns"), std::string::npos);

    auto const faster = bt::compare(next, base, opt);
    EXPECT_EQ(faster.rows[0].verdict, "faster");
    EXPECT_EQ(faster.slowdowns, 0u);

    opt.threshold = 0.25;
    EXPECT_EQ(bt::compare(base, next, opt).slowdowns, 0u);
}

TEST(compare, too_few_repetitions_never_fail) {
    auto const base = bt::parse_bench_json(gbench_json({10, 10, 10}, {5, 5, 5}));
    auto const next = bt::parse_bench_json(gbench_json({20, 20, 20}, {9, 9, 9}));
    auto const c = bt::compare(base, next, {});
    EXPECT_EQ(c.rows[0].verdict, "too few repetitions");
    EXPECT_EQ(c.slowdowns, 0u);
}
