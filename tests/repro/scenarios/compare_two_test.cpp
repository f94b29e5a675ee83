// feedrepro compare A B: run folders written by the test (checks.tsv and <id>.csv), the inputs checked before
// any work, the regression rule, and compare.md / compare.html.
#include "repro/scenarios/compare.hpp"
#include "repro/scenarios/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace feedbench::test {
namespace {

namespace sc = feedbench::scenarios;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

const char* definition = R"(id S3
title read size
must yes
quick read_size=1,whole jobs=100
check jobs_per_s{read_size=whole} / jobs_per_s{read_size=1} >= 10
)";

sc::scenario def() { return sc::parse_scenario(definition, "fixture"); }

struct fixture_dir {
    fs::path root = fs::temp_directory_path() / ("feedbench-compare-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fixture_dir() { fs::create_directories(root); }
    ~fixture_dir() { fs::remove_all(root); }

    // A run folder: S3's two configurations with these jobs/s per repetition, and checks.tsv with the ratio
    // of their medians.
    fs::path run(const std::string& name, const std::vector<double>& one_byte, const std::vector<double>& whole,
                 double load = 0.5) {
        auto dir = root / name;
        fs::create_directories(dir);
        auto s = def();
        auto configs = sc::expand(s, false);
        std::vector<sc::rep_result> reps;
        for (std::size_t k = 0; k < one_byte.size(); ++k)
            for (auto& c : configs) {
                sc::rep_result r;
                r.config = c;
                r.rep = static_cast<int>(k + 1);
                r.metrics["jobs_per_s"] = c.get(sc::axis::read_size) == "1" ? one_byte[k] : whole[k];
                reps.push_back(r);
            }
        sc::write_rep_csv(dir / "S3.csv", "S3", reps);
        auto summary = sc::summarize(reps);
        double ratio = summary[1].median("jobs_per_s") / summary[0].median("jobs_per_s");
        std::ofstream out(dir / "checks.tsv");
        out << "scenario\tmust\tverdict\theavy_load\tload\tcheck\tvalue\tthreshold\tresult\n"
            << "S3\tyes\tREPRODUCED\tno\t" << load << "\tjobs_per_s{read_size=whole} / jobs_per_s{read_size=1}\t"
            << ratio << "\tthreshold >= 10\t" << (ratio >= 10 ? "pass" : "FAIL") << "\n";
        return dir;
    }
};

const sc::config_change& config(const sc::run_comparison& c, const std::string& label) {
    for (auto& x : c.configs)
        if (x.label == label) return x;
    throw std::runtime_error("no configuration " + label);
}

TEST(compare_rule, a_regression_is_past_the_threshold_and_both_spreads) {
    EXPECT_TRUE(sc::is_regression(20, 5, 2, 3));
    EXPECT_FALSE(sc::is_regression(4, 5, 0, 0));                        // within the threshold
    EXPECT_FALSE(sc::is_regression(20, 5, 25, 3));                      // A's repetitions spread wider than the change
    EXPECT_FALSE(sc::is_regression(20, 5, 2, 30));                      // and B's
    EXPECT_FALSE(sc::is_regression(-20, 5, 0, 0));                      // faster
    EXPECT_TRUE(sc::is_regression(20, 5, sc::no_value, sc::no_value));  // an unknown spread does not excuse it
    EXPECT_FALSE(sc::is_regression(sc::no_value, 5, 0, 0));
}

TEST(compare_inputs, each_folder_is_checked_and_named_before_any_work) {
    fixture_dir f;
    auto a = f.run("a", {10, 10, 10}, {200, 200, 200});
    auto expect_error = [](const fs::path& x, const fs::path& y, const std::string& what) {
        try {
            (void)sc::load_run_pair(x, y);
            ADD_FAILURE() << "no error for " << x << " " << y;
        } catch (const sc::compare_input_error& e) {
            EXPECT_THAT(e.what(), HasSubstr(what));
        }
    };
    expect_error(f.root / "absent", a, "A: ");
    expect_error(a, f.root / "absent", "B: ");
    expect_error(a, f.root / "absent", "no such folder");
    fs::create_directories(f.root / "empty");
    expect_error(a, f.root / "empty", "no checks.tsv");
    auto b = f.run("b", {10, 10, 10}, {200, 200, 200});
    fs::remove(b / "S3.csv");
    expect_error(a, b, "S3.csv: missing");
    // Other scenarios: which are missing where.
    auto c = f.run("c", {10, 10, 10}, {200, 200, 200});
    std::ofstream(c / "checks.tsv", std::ios::app) << "S4\tno\tSKIPPED\tno\t0.5\t\t\t\tSKIPPED: no corpus\n";
    expect_error(a, c, "missing in A");
    expect_error(a, c, "S4");
    expect_error(c, a, "missing in B");
    // A malformed checks.tsv is an input error too.
    std::ofstream(b / "checks.tsv") << "not a header\n";
    expect_error(a, b, "expected the header");
}

TEST(compare_runs_two, a_slowdown_past_threshold_and_spread_is_a_regression) {
    fixture_dir f;
    auto a = f.run("before", {10, 10.1, 9.9}, {200, 202, 198});
    auto b = f.run("after", {10, 10.1, 9.9}, {150, 151, 149});  // whole: -25%, spread ~1%
    auto [ra, rb] = sc::load_run_pair(a, b);
    auto c = sc::compare_two(ra, rb, 5, {def()});
    ASSERT_EQ(c.configs.size(), 2u);
    auto& whole = config(c, "read_size=whole");
    EXPECT_DOUBLE_EQ(whole.a, 200);
    EXPECT_DOUBLE_EQ(whole.b, 150);
    EXPECT_DOUBLE_EQ(whole.change_pct, -25);
    EXPECT_NEAR(whole.spread_a, 1.4826, 1e-9);
    EXPECT_TRUE(whole.beyond_spread);
    EXPECT_TRUE(whole.regression);
    EXPECT_FALSE(config(c, "read_size=1").regression);
    // The ratio fell from 20 to 15: worse for a ">= 10" rule, past threshold and spread.
    ASSERT_EQ(c.checks.size(), 1u);
    EXPECT_EQ(c.checks[0].direction, sc::worse_when::lower);
    EXPECT_DOUBLE_EQ(c.checks[0].worse_pct, 25);
    EXPECT_FALSE(std::isnan(c.checks[0].spread_a));  // the rule was found: per-repetition ratios
    EXPECT_TRUE(c.checks[0].regression);
    EXPECT_TRUE(c.regression());
    EXPECT_EQ(c.regressions().size(), 2u);
    EXPECT_THAT(sc::comparison_text(c), HasSubstr("REGRESSION"));
    EXPECT_THAT(sc::comparison_text(c), HasSubstr("2 regressions."));
}

TEST(compare_runs_two, noise_faster_and_small_changes_are_not_regressions) {
    fixture_dir f;
    auto a = f.run("before", {10, 13, 7}, {200, 202, 198});
    auto b = f.run("after", {8.5, 11, 6}, {196, 197, 195});  // 1-byte: -15% but spread ~45%; whole: -2%
    auto c = sc::compare_two(sc::load_run_folder(a), sc::load_run_folder(b), 5, {def()});
    EXPECT_FALSE(config(c, "read_size=1").regression);
    EXPECT_FALSE(config(c, "read_size=1").beyond_spread);
    EXPECT_FALSE(config(c, "read_size=whole").regression);
    EXPECT_FALSE(c.regression());
    EXPECT_THAT(sc::comparison_text(c), HasSubstr("No regression."));
    // Faster is never a regression.
    auto fast = f.run("fast", {20, 20, 20}, {400, 400, 400});
    auto d = sc::compare_two(sc::load_run_folder(a), sc::load_run_folder(fast), 5, {def()});
    EXPECT_FALSE(d.regression());
    EXPECT_EQ(config(d, "read_size=whole").change_pct, 100);
}

TEST(compare_runs_two, a_higher_threshold_lets_a_change_pass) {
    fixture_dir f;
    auto a = f.run("before", {10, 10, 10}, {200, 201, 199});
    auto b = f.run("after", {10, 10, 10}, {180, 181, 179});  // -10%
    auto ra = sc::load_run_folder(a), rb = sc::load_run_folder(b);
    EXPECT_TRUE(sc::compare_two(ra, rb, 5, {def()}).regression());
    EXPECT_FALSE(sc::compare_two(ra, rb, 15, {def()}).regression());
}

TEST(compare_runs_two, without_the_rule_a_check_has_no_spread_and_its_direction_comes_from_the_threshold) {
    fixture_dir f;
    auto a = f.run("before", {10, 10, 10}, {200, 200, 200});
    auto b = f.run("after", {10, 10, 10}, {150, 150, 150});
    auto c = sc::compare_two(sc::load_run_folder(a), sc::load_run_folder(b), 5, {});
    ASSERT_EQ(c.checks.size(), 1u);
    EXPECT_TRUE(std::isnan(c.checks[0].spread_a));
    EXPECT_EQ(c.checks[0].direction, sc::worse_when::lower);
    EXPECT_TRUE(c.checks[0].regression);
}

TEST(compare_output, markdown_and_html_sections_are_written) {
    fixture_dir f;
    auto a = f.run("before", {10, 10.1, 9.9}, {200, 202, 198}, 0.7);
    auto b = f.run("after", {10, 10.1, 9.9}, {150, 151, 149}, 1.9);
    auto c = sc::compare_two(sc::load_run_folder(a), sc::load_run_folder(b), 5, {def()});
    sc::write_comparison(c, f.root / "out");
    std::ifstream md(f.root / "out" / "compare.md"), html(f.root / "out" / "compare.html");
    std::string m((std::istreambuf_iterator<char>(md)), {}), h((std::istreambuf_iterator<char>(html)), {});
    EXPECT_THAT(m, HasSubstr("## Runs compared"));
    EXPECT_THAT(m, HasSubstr("| S3 | read_size=whole | 200 |"));
    EXPECT_THAT(m, HasSubstr("load average up to 1.90"));
    EXPECT_THAT(m, HasSubstr("load averages differ"));  // 0.7 vs 1.9
    EXPECT_THAT(h, HasSubstr("<section id=\"compare\">"));
    EXPECT_THAT(h, HasSubstr("<tr class=\"regression\">"));
    EXPECT_THAT(h, HasSubstr("jobs_per_s{read_size=whole} / jobs_per_s{read_size=1}"));
}

TEST(compare_output, the_run_page_links_the_comparison_once) {
    fixture_dir f;
    auto a = f.run("before", {10, 10.1, 9.9}, {200, 202, 198}, 0.7);
    auto b = f.run("after", {10, 10.1, 9.9}, {150, 151, 149}, 0.7);
    { std::ofstream(b / "index.html") << "<html><body><h1>run</h1>\n</body></html>\n"; }
    auto c = sc::compare_two(sc::load_run_folder(a), sc::load_run_folder(b), 5, {def()});
    sc::write_comparison(c, b);
    sc::write_comparison(c, b);  // a second comparison replaces the first section
    std::ifstream page(b / "index.html");
    std::string p((std::istreambuf_iterator<char>(page)), {});
    EXPECT_THAT(p, HasSubstr("<a href=\"compare.html\">"));
    EXPECT_EQ(p.find("<section id=\"compare\">"), p.rfind("<section id=\"compare\">"));
    EXPECT_LT(p.find("<section id=\"compare\">"), p.find("</body>"));
    EXPECT_THAT(p, HasSubstr("<h1>run</h1>"));
}

}  // namespace
}  // namespace feedbench::test
