// The report page from fixed measurements: the status line, the headline plot's data (unmeasured read sizes
// not joined), thresholds on verdict plots, why paragraphs, collapsed big tables and verdicts.csv.
#include "repro/core/csv.hpp"
#include "repro/core/strings.hpp"
#include "repro/scenarios/report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace feedbench::test {
namespace {

namespace sc = feedbench::scenarios;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

fs::path fresh_dir(const std::string& name) {
    auto d = fs::temp_directory_path() / ("feedbench-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// S3's shape: whole vs 1 B at pool 20, lazy and eager; lazy at 1k failed (not measured).
sc::scenario sweep() {
    return sc::parse_scenario(R"(id S3
title read-size sweep
must yes
quick client=beast read_size=1,64,1k,4k,10k,64k pool=20 consume=lazy,eager jobs=20
quick client=beast read_size=whole pool=20 consume=lazy,eager jobs=20
check jobs_per_s{read_size=whole,pool=20,consume=lazy} / jobs_per_s{read_size=1,pool=20,consume=lazy} >= 10
check jobs_per_s{read_size=whole,pool=20,consume=eager} / jobs_per_s{read_size=1,pool=20,consume=eager} measure
plot jobs_vs_read_size
)",
                              "sweep");
}

sc::scenario_outcome measured_sweep(const fs::path& dir) {
    sc::scenario_outcome o;
    o.def = sweep();
    o.ran = true;
    o.conditions = {1.5, 2};
    for (auto& c : sc::expand(o.def, false))
        for (int rep = 1; rep <= 3; ++rep) {
            sc::rep_result r;
            r.config = c;
            r.rep = rep;
            auto& rs = c.get(sc::axis::read_size);
            if (rs == "1k" && c.get(sc::axis::consume) == "lazy") {
                r.status = "error: no job succeeded";
            } else {
                double x = rs == "whole" ? 4000 : rs == "1" ? 50 : 1000;
                r.metrics = {{"jobs_done", 20}, {"failed", 0}, {"jobs_per_s", x + rep}, {"cpu_util", 0.5}};
            }
            o.reps.push_back(r);
        }
    sc::plot_env no_gnuplot;  // plots are not rendered; their data files and commands are written
    no_gnuplot.scripts_dir = FEEDBENCH_RESULTS_DIR;
    sc::finish_scenario(o, dir, no_gnuplot, "test machine", "abc1234");
    return o;
}

sc::run_report report_of(std::vector<sc::scenario_outcome> scenarios) {
    sc::run_report r;
    r.run_id = "test-run";
    r.meta.commit = "abc1234";
    r.machine = "test machine x2";
    r.scenarios = std::move(scenarios);
    return r;
}

sc::scenario_outcome skipped(const std::string& id, bool must) {
    sc::scenario_outcome o;
    o.def = sc::parse_scenario("id " + id + "\ntitle skipped\nmust " + (must ? "yes" : "no") +
                                   "\nquick client=beast jobs=20\ncheck jobs_per_s measure\n",
                               "skipped");
    o.skip_reason = "corpus folder absent";
    o.result = sc::skipped_verdict(o.skip_reason);
    return o;
}

}  // namespace

TEST(report, status_line_counts_must_reproduce_and_names_ratio_machine_load_commit) {
    auto dir = fresh_dir("report-status");
    auto r = report_of({measured_sweep(dir), skipped("S9", true), skipped("S10", false)});
    ASSERT_EQ(r.scenarios[0].result.kind, sc::verdict_kind::reproduced);
    auto line = sc::status_line(r);
    EXPECT_THAT(line, HasSubstr("1 of 2 must-reproduce verdicts REPRODUCED"));
    EXPECT_THAT(line, HasSubstr("headline ratio whole / 1 B at pool 20 (S3): 77.0 x (threshold >= 10"));
    EXPECT_THAT(line, HasSubstr("test machine x2"));
    EXPECT_THAT(line, HasSubstr("load 1.50 on 2 cores"));
    EXPECT_THAT(line, HasSubstr("commit abc1234"));
    // It opens the page, before the verdict table.
    auto md = sc::report_markdown(r);
    EXPECT_LT(md.find("Status: 1 of 2"), md.find("## Verdicts"));
    EXPECT_LT(md.find("S3_headline.csv"), md.find("## Verdicts"));
    auto html = sc::report_html(r);
    EXPECT_LT(html.find("Status: 1 of 2"), html.find("<h2>Verdicts</h2>"));
    fs::remove_all(dir);
}

TEST(report, headline_data_leaves_unmeasured_read_sizes_unjoined) {
    auto dir = fresh_dir("report-headline");
    auto o = measured_sweep(dir);
    ASSERT_FALSE(o.plots.empty());
    EXPECT_EQ(o.plots.front().spec.kind, "headline");
    auto text = core::read_file(dir / "S3_headline.csv").value_or("");
    // lazy: 1, 64, then a blank line for the missing 1k, then 4k; eager in its own block after two blank lines.
    EXPECT_THAT(text, HasSubstr("# consume=lazy\n1,1,52,51,53\n64,64,1002,1001,1003\n\n4096,4k,"));
    EXPECT_THAT(text, HasSubstr("\n\n\n# consume=eager\n1,1,52,51,53\n64,64,1002,1001,1003\n1024,1k,"));
    fs::remove_all(dir);
}

TEST(report, verdict_plots_draw_their_threshold) {
    auto dir = fresh_dir("report-thresholds");
    auto o = measured_sweep(dir);
    // whole / 1 B >= 10 on jobs/s: the line is at 10 x the 1 B median (52).
    for (auto name : {"S3_headline_thresholds.gp", "S3_jobs_vs_read_size_thresholds.gp"}) {
        auto g = core::read_file(dir / name).value_or("");
        EXPECT_THAT(g, HasSubstr("set arrow 100 from graph 0, first 520 to graph 1, first 520")) << name;
        EXPECT_THAT(g, HasSubstr("threshold >= 10 x jobs/s at read_size=1 = 520")) << name;
    }
    // A thresholded metric no plot draws gets bars of its own, with the threshold.
    auto s = sc::parse_scenario(R"(id S4
title suspended
quick client=beast pool=20 consume=lazy,eager read_size=1 jobs=20
check parse_suspended_pct{consume=lazy} >= 90
check parse_suspended_pct{consume=eager} <= 10
)",
                                "s4");
    sc::scenario_outcome o4;
    o4.def = s;
    o4.ran = true;
    for (auto& c : sc::expand(s, false)) {
        sc::rep_result r;
        r.config = c;
        r.metrics = {{"parse_suspended_pct", c.get(sc::axis::consume) == "lazy" ? 95 : 2}};
        o4.reps.push_back(r);
    }
    sc::plot_env none;
    sc::finish_scenario(o4, dir, none, "m", "c");
    ASSERT_EQ(o4.plots.size(), 1u);
    EXPECT_EQ(o4.plots[0].spec.kind, "bars");
    EXPECT_EQ(o4.plots[0].spec.metric, "parse_suspended_pct");
    auto g = core::read_file(dir / "S4_parse_suspended_pct_thresholds.gp").value_or("");
    EXPECT_THAT(g, HasSubstr("first 90 to graph 1"));
    EXPECT_THAT(g, HasSubstr("first 10 to graph 1"));
    fs::remove_all(dir);
}

TEST(report, big_tables_collapse_under_their_plots) {
    auto dir = fresh_dir("report-details");
    auto r = report_of({measured_sweep(dir)});
    auto md = sc::report_markdown(r);
    auto details = md.find("<details><summary>Table: 14 configurations");
    ASSERT_NE(details, std::string::npos);
    EXPECT_LT(md.find("[data](S3_jobs_vs_read_size.csv)"), details);
    EXPECT_THAT(md.substr(details), HasSubstr("</details>"));
    EXPECT_THAT(sc::report_html(r), HasSubstr("<details><summary>Table: 14 configurations"));
    // A small table stays open.
    auto small = report_of({measured_sweep(dir)});
    auto& o = small.scenarios[0];
    o.summary.resize(4);
    EXPECT_THAT(sc::report_markdown(small), Not(HasSubstr("<details>")));
    fs::remove_all(dir);
}

TEST(report, cpu_util_is_shown_as_percent) {
    auto dir = fresh_dir("report-cpu");
    auto o = measured_sweep(dir);
    o.def.table = {"cpu_util"};
    auto md = sc::report_markdown(report_of({o}));
    EXPECT_THAT(md, HasSubstr("| worker CPU % of one core |"));
    EXPECT_THAT(md, HasSubstr("| 50 (50–50) |"));
    fs::remove_all(dir);
}

TEST(report, verdicts_csv_has_one_row_per_check) {
    auto dir = fresh_dir("report-csv");
    auto r = report_of({measured_sweep(dir), skipped("S9", true)});
    sc::write_report(r, dir);
    auto rows = core::parse_csv(core::read_file(dir / "verdicts.csv").value_or(""));
    ASSERT_EQ(rows.size(), 4u);  // header, S3's two checks, S9 (skipped: no checks)
    const std::vector<std::string> header{"scenario", "verdict",  "must_reproduce", "check",      "value", "threshold",
                                          "result",   "measured", "plots_missing",  "heavy_load", "load"};
    EXPECT_EQ(rows[0], header);
    EXPECT_EQ(rows[1][0], "S3");
    EXPECT_EQ(rows[1][1], "REPRODUCED");
    EXPECT_EQ(rows[1][3],
              "jobs_per_s{read_size=whole,pool=20,consume=lazy} / jobs_per_s{read_size=1,pool=20,consume=lazy}");
    EXPECT_EQ(rows[1][4], "77.0");
    EXPECT_EQ(rows[1][5], "threshold >= 10");
    EXPECT_EQ(rows[1][6], "pass");
    EXPECT_EQ(rows[1][10], "1.50");
    EXPECT_EQ(rows[2][6], "measured");
    EXPECT_EQ(rows[3][0], "S9");
    EXPECT_EQ(rows[3][1], "SKIPPED");
    EXPECT_EQ(rows[3][6], "skipped");
    fs::remove_all(dir);
}

TEST(report, a_plot_of_an_absent_corpus_is_skipped_with_its_reason_not_missing) {
    auto dir = fresh_dir("report-absent-corpus");
    sc::scenario_outcome o;
    o.def = sc::parse_scenario(R"(id S11
title two corpora
quick client=beast read_size=1,whole pool=20 jobs=20
quick corpus=feeds-2012 client=beast read_size=1,whole pool=20 jobs=20
check jobs_per_s{corpus=synthetic,read_size=whole} / jobs_per_s{corpus=synthetic,read_size=1} >= 10
plot jobs_vs_read_size {corpus=synthetic}
plot jobs_vs_read_size {corpus=feeds-2012} name=jobs_vs_read_size_feeds-2012
)",
                               "absent");
    o.ran = true;
    for (auto& c : sc::expand(o.def, false)) {
        sc::rep_result r;
        r.config = c;
        if (c.get(sc::axis::corpus) == "feeds-2012")
            r.status = "n/a: corpus folder /nowhere/feeds-2012 absent";
        else
            r.metrics = {
                {"jobs_done", 20}, {"failed", 0}, {"jobs_per_s", c.get(sc::axis::read_size) == "1" ? 5. : 90.}};
        o.reps.push_back(r);
    }
    sc::plot_env none;
    sc::finish_scenario(o, dir, none, "m", "c");
    const sc::plot_result* absent = nullptr;
    for (auto& p : o.plots)
        if (p.spec.name == "S11_jobs_vs_read_size_feeds-2012") absent = &p;
    ASSERT_NE(absent, nullptr);
    EXPECT_EQ(absent->skipped, "corpus folder /nowhere/feeds-2012 absent");
    EXPECT_FALSE(absent->missing());
    auto r = report_of({o});
    for (auto& f : sc::ci_failures(r)) EXPECT_THAT(f, Not(HasSubstr("feeds-2012"))) << f;
    const auto md = sc::report_markdown(r);
    EXPECT_THAT(md, HasSubstr("not drawn: corpus folder /nowhere/feeds-2012 absent"));
    EXPECT_THAT(md, Not(HasSubstr("]()")));  // no link to a data file that was not written
    EXPECT_THAT(sc::report_html(r), HasSubstr("not drawn: corpus folder /nowhere/feeds-2012 absent"));
    // The same configurations measured: the plot is drawn (or missing for want of gnuplot), never skipped.
    EXPECT_TRUE(o.plots.front().skipped.empty());
    fs::remove_all(dir);
}

}  // namespace feedbench::test
