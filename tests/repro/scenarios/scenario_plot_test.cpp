// Each gnuplot script renders a non-empty PNG (and SVG) from a fixture CSV; the report writer makes
// every file from fixed measurements.
#include "repro/core/strings.hpp"
#include "repro/scenarios/plots.hpp"
#include "repro/scenarios/report.hpp"
#include "repro/scenarios/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace sc = feedbench::scenarios;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

const fs::path results_dir = FEEDBENCH_RESULTS_DIR;
const fs::path fixtures = std::filesystem::path(FEEDBENCH_TEST_SOURCE_DIR) / "tests/repro/scenarios/fixtures";

fs::path fresh_dir(const std::string& name) {
    auto d = fs::temp_directory_path() / ("feedbench-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

struct script_case {
    std::string kind, fixture, series;
};

}  // namespace

class scenario_plot : public ::testing::Test {
protected:
    void SetUp() override {
        env_ = sc::detect_gnuplot(results_dir);
        if (!env_.available) GTEST_SKIP() << "gnuplot not installed";
    }
    sc::plot_env env_;
};

TEST_F(scenario_plot, every_script_renders_png_and_svg_from_a_fixture) {
    const std::vector<script_case> cases{
        {"jobs_vs_read_size", "plot_summary.csv", "pool=20;consume=lazy pool=1;consume=eager"},
        {"cpu_vs_read_size", "plot_summary.csv", "pool=20;consume=lazy pool=1;consume=eager"},
        {"stage_wall_cpu", "plot_stages.csv", ""},
        {"latency_cdf", "plot_cdf.csv", "read_size=1;consume=lazy read_size=whole;consume=eager"},
        {"bars", "plot_bars.csv", ""},
        {"request_latency", "plot_requests.csv", "query=nodelay=0&split=1 query=nodelay=1&split=1"},
        {"headline", "plot_headline.csv", ""},  // made by the report, not named by scenarios
    };
    // Every plot kind a scenario may name has a case here.
    std::set<std::string> covered;
    for (auto& c : cases) covered.insert(c.kind);
    for (auto k : sc::plot_kinds) EXPECT_TRUE(covered.count(std::string(k))) << k;

    auto dir = fresh_dir("plots");
    for (auto& c : cases) {
        std::vector<std::pair<std::string, std::string>> vars{{"data", (fixtures / c.fixture).string()},
                                                              {"title", "test " + c.kind},
                                                              {"subtitle", "machine, commit abc"}};
        if (!c.series.empty()) vars.emplace_back("series", c.series);
        if (c.kind == "request_latency") vars.emplace_back("mark_ms", "30");
        if (c.kind == "headline") {
            vars.emplace_back("keys", "lazy eager");
            vars.emplace_back("ratio_text", "measured whole / 1 B: 82.7 x");
        }
        auto o = sc::render_plot(env_, c.kind, dir / c.kind, vars);
        EXPECT_TRUE(o.ok) << c.kind << ": " << o.error;
        ASSERT_FALSE(o.png.empty()) << c.kind << ": " << o.error;
        EXPECT_GT(fs::file_size(o.png), 1000u) << c.kind;
        EXPECT_EQ(feedbench::core::read_file(o.png).value_or("").substr(1, 3), "PNG") << c.kind;
        if (env_.svg) {
            ASSERT_FALSE(o.svg.empty()) << c.kind;
            EXPECT_THAT(feedbench::core::read_file(o.svg).value_or(""), HasSubstr("<svg")) << c.kind;
        }
    }
    fs::remove_all(dir);
}

TEST_F(scenario_plot, a_broken_script_is_reported_not_thrown) {
    auto dir = fresh_dir("broken");
    { std::ofstream(dir / "broken.gp") << "this is not gnuplot\n"; }
    auto env = env_;
    env.scripts_dir = dir;
    auto o = sc::render_plot(env, "broken", dir / "out", {});
    EXPECT_FALSE(o.ok);
    EXPECT_FALSE(o.error.empty());
    auto missing = sc::render_plot(env, "absent", dir / "out", {});
    EXPECT_THAT(missing.error, HasSubstr("no gnuplot script"));
    fs::remove_all(dir);
}

TEST_F(scenario_plot, report_from_fixed_measurements_writes_every_file) {
    auto s = sc::parse_scenario(R"(id S9
title fixed data
finding a finding
why a reason
must yes
quick client=beast read_size=1,10k,whole consume=lazy pool=20 jobs=20
check jobs_per_s{read_size=whole} / jobs_per_s{read_size=1} >= 10
table jobs_per_s predicted_jobs_per_s cpu_util
plot jobs_vs_read_size
plot cpu_vs_read_size
plot latency_cdf
plot request_latency
plot bars
plot stage_wall_cpu
)",
                                "fixed");
    sc::scenario_outcome o;
    o.def = s;
    o.ran = true;
    double rates[] = {50, 3000, 5000};
    auto configs = sc::expand(s, false);
    for (std::size_t i = 0; i < configs.size(); ++i) {
        for (int rep = 1; rep <= 3; ++rep) {
            sc::rep_result r;
            r.config = configs[i];
            r.rep = rep;
            r.metrics = {
                {"jobs_per_s", rates[i] + rep}, {"cpu_util", 0.99},       {"parse_wall_p50_us", 1000 + 100.0 * i},
                {"parse_cpu_p50_us", 100},      {"body_wall_p50_us", 50}, {"body_cpu_p50_us", 0}};
            o.reps.push_back(r);
        }
        o.latencies.push_back({configs[i].label, {1.0 + i, 2.0 + i, 3.0 + i}});
    }
    sc::scenario_outcome skipped;
    skipped.def = s;
    skipped.def.id = "S10";
    skipped.def.must_reproduce = false;
    skipped.skip_reason = "corpus folder absent";

    auto dir = fresh_dir("report");
    sc::finish_scenario(o, dir, env_, "test machine", "abc1234");
    sc::finish_scenario(skipped, dir, env_, "test machine", "abc1234");
    EXPECT_EQ(o.result.kind, sc::verdict_kind::reproduced);
    EXPECT_EQ(skipped.result.kind, sc::verdict_kind::skipped);
    for (auto& p : o.plots) EXPECT_TRUE(p.ok) << p.spec.name << ": " << p.error;

    sc::run_report r;
    r.run_id = "test-run";
    r.meta.commit = "abc1234";
    r.machine = "test machine";
    r.scenarios = {o, skipped};
    sc::write_report(r, dir);
    for (auto f : {"S9.csv", "S9_summary.csv", "S9_latency.csv", "S9_jobs_vs_read_size.png", "S9_jobs_vs_read_size.svg",
                   "S9_cpu_vs_read_size.png", "S9_latency_cdf.png", "S9_request_latency.png", "S9_bars.png",
                   "S9_stage_wall_cpu.png", "REPORT.md", "index.html", "verdicts.csv"})
        EXPECT_TRUE(fs::exists(dir / f)) << f;
    auto md = feedbench::core::read_file(dir / "REPORT.md").value_or("");
    EXPECT_THAT(md, HasSubstr("| [S9](#S9) | fixed data | **REPRODUCED** |"));
    EXPECT_THAT(md, HasSubstr("**SKIPPED**"));
    EXPECT_THAT(md, HasSubstr("predicted jobs/s"));
    EXPECT_THAT(md, HasSubstr("![S9 jobs/s vs read size"));
    auto html = feedbench::core::read_file(dir / "index.html").value_or("");
    EXPECT_THAT(html, HasSubstr("<img src=\"S9_jobs_vs_read_size.png\""));
    EXPECT_THAT(html, ::testing::Not(HasSubstr("<script")));
    EXPECT_TRUE(sc::ci_failures(r).empty());
    // A must-reproduce scenario that did not is a CI failure.
    r.scenarios[0].result.kind = sc::verdict_kind::not_reproduced;
    EXPECT_EQ(sc::ci_failures(r).size(), 1u);
    fs::remove_all(dir);
}
