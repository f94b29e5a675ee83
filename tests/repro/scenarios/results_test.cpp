// The results files tools read: no duplicate column in <id>.csv or <id>_summary.csv, the spread and outlier
// columns, and results.json (long format) read back.
#include "repro/scenarios/results.hpp"
#include "repro/scenarios/scenario.hpp"

#include "repro/core/csv.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

namespace feedbench::test {
namespace {

namespace sc = feedbench::scenarios;
namespace fs = std::filesystem;

std::vector<sc::rep_result> reps() {
    auto s = sc::parse_scenario(
        "id S3\ntitle t\nquick read_size=1,whole jobs=20\ncheck jobs_per_s{read_size=1} measure\n", "fixture");
    std::vector<sc::rep_result> out;
    const std::vector<double> one{10, 10.5, 9.5, 10, 30};  // rep 5 an outlier
    for (int k = 1; k <= 5; ++k)
        for (auto& c : sc::expand(s, false)) {
            sc::rep_result r;
            r.config = c;
            r.rep = k;
            r.metrics["jobs_done"] = 20;
            r.metrics["jobs_per_s"] = c.get(sc::axis::read_size) == "1" ? one[k - 1] : 200;
            out.push_back(r);
        }
    return out;
}

std::vector<std::string> header_of(const fs::path& file) {
    std::ifstream in(file);
    core::csv_reader reader(in);
    std::vector<std::string> h;
    EXPECT_TRUE(reader.next(h)) << file;
    return h;
}

struct temp_dir {
    fs::path path = fs::temp_directory_path() / ("feedbench-results-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    temp_dir() { fs::create_directories(path); }
    ~temp_dir() { fs::remove_all(path); }
};

TEST(results_files, no_csv_has_a_duplicate_column) {
    temp_dir d;
    auto r = reps();
    sc::write_rep_csv(d.path / "S3.csv", "S3", r);
    sc::write_summary_csv(d.path / "S3_summary.csv", sc::summarize(r));
    for (auto* name : {"S3.csv", "S3_summary.csv"}) {
        auto h = header_of(d.path / name);
        std::set<std::string> unique(h.begin(), h.end());
        EXPECT_EQ(unique.size(), h.size()) << name;
    }
    // The axis jobs (jobs per run) and the metric jobs_done (jobs the run did) are both there, once each.
    auto h = header_of(d.path / "S3.csv");
    EXPECT_EQ(std::count(h.begin(), h.end(), "jobs"), 1);
    EXPECT_EQ(std::count(h.begin(), h.end(), "jobs_done"), 1);
    auto back = sc::read_rep_csv(d.path / "S3.csv");
    ASSERT_EQ(back.size(), r.size());
    EXPECT_EQ(back[0].config.get(sc::axis::jobs), "20");
    EXPECT_EQ(back[0].get("jobs_done"), 20);
}

TEST(results_files, the_summary_has_the_spread_and_the_outliers) {
    auto s = sc::summarize(reps());
    ASSERT_EQ(s.size(), 2u);
    auto& one = s[0].metrics.at("jobs_per_s");
    EXPECT_DOUBLE_EQ(one.median, 10);
    EXPECT_NEAR(one.spread_pct, 100 * 1.4826 * 0.5 / 10, 1e-9);
    EXPECT_EQ(one.outlier_reps, std::vector<int>{5});
    EXPECT_TRUE(s[1].metrics.at("jobs_per_s").outlier_reps.empty());
    EXPECT_DOUBLE_EQ(s[1].metrics.at("jobs_per_s").spread_pct, 0);

    temp_dir d;
    sc::write_summary_csv(d.path / "S3_summary.csv", s);
    std::ifstream in(d.path / "S3_summary.csv");
    core::csv_reader reader(in);
    std::vector<std::string> h, row;
    ASSERT_TRUE(reader.next(h));
    ASSERT_TRUE(reader.next(row));
    auto col = [&](const std::string& n) { return row[std::find(h.begin(), h.end(), n) - h.begin()]; };
    EXPECT_EQ(col("jobs_per_s_outliers"), "1");
    EXPECT_EQ(col("jobs_per_s_spread_pct"), "7.413");
    EXPECT_EQ(col("ok_outliers"), "");  // no value, no count
}

TEST(results_files, results_json_is_one_row_per_scenario_config_rep_and_metric) {
    temp_dir d;
    auto r = reps();
    r[0].metrics["cpu_util"] = sc::no_value;  // no value: no row
    sc::write_results_json(d.path / "results.json", {{"S3", &r}});
    auto rows = sc::read_results_json(d.path / "results.json");
    ASSERT_EQ(rows.size(), r.size() * 2);  // jobs_done and jobs_per_s of each repetition
    EXPECT_EQ(rows[0].scenario, "S3");
    EXPECT_EQ(rows[0].config, 1);
    EXPECT_EQ(rows[0].label, "read_size=1");
    EXPECT_EQ(rows[0].rep, 1);
    EXPECT_EQ(rows[0].metric, "jobs_done");
    EXPECT_EQ(rows[0].value, 20);
    auto last = rows.back();
    EXPECT_EQ(last.config, 2);
    EXPECT_EQ(last.rep, 5);
    EXPECT_EQ(last.metric, "jobs_per_s");
    EXPECT_EQ(last.value, 200);
    // A file that is not one: the error names it.
    std::ofstream(d.path / "bad.json") << "{\"rows\": 1}";
    try {
        (void)sc::read_results_json(d.path / "bad.json");
        ADD_FAILURE() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace feedbench::test
