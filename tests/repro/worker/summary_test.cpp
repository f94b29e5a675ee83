// Summaries on fixed records: percentiles, ok + failed = jobs, CSV headers, and the profiler's diagnosis.
#include "repro/worker/record.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <fstream>

namespace {

using namespace feedbench::core;
using namespace feedbench::worker;

std::vector<job_record> fixture() {
    std::vector<job_record> v;
    for (int i = 0; i < 100; ++i) {
        job_record r;
        r.job = std::uint64_t(i);
        r.feed = "feed-" + std::to_string(i % 7);
        r.ok = i % 10 != 0;
        r.error = r.ok ? error_class::none : (i == 0 ? error_class::timeout : error_class::parse);
        r.bytes = 50'000;
        r.items = 20;
        auto& p = r.at(stage::parse);
        p.wall_ns = (i + 1) * 1'000'000;  // 1..100 ms
        p.cpu_ns = 40'000;                // 40 µs
        p.suspended_ns = p.wall_ns - p.cpu_ns;
        p.reads = 50'000;
        p.bytes = 50'000;
        p.yields = 300;
        r.max_read_request = 1;
        v.push_back(r);
    }
    return v;
}

TEST(Summary, PercentilesAndCounts) {
    worker_config cfg;
    cfg.reads = read_size::parse("1");
    cfg.consume = consume_mode::lazy;
    cfg.pool = pool_spec::parse("20");
    auto s = summarize(cfg, fixture(), 2.0, 1.9);
    EXPECT_EQ(s.jobs, 100u);
    EXPECT_EQ(s.ok + s.failed, s.jobs);
    EXPECT_EQ(s.failed, 10u);
    EXPECT_EQ(s.errors.at(error_class::parse), 9u);
    EXPECT_EQ(s.errors.at(error_class::timeout), 1u);
    EXPECT_DOUBLE_EQ(s.jobs_per_s, 50.0);
    EXPECT_DOUBLE_EQ(s.cpu_util, 0.95);
    const auto& p = s.stages[std::size_t(stage::parse)];
    EXPECT_DOUBLE_EQ(p.wall_us.p50, 50'000);  // nearest rank
    EXPECT_DOUBLE_EQ(p.wall_us.p90, 90'000);
    EXPECT_DOUBLE_EQ(p.wall_us.p99, 99'000);
    EXPECT_DOUBLE_EQ(p.wall_us.max, 100'000);
    EXPECT_DOUBLE_EQ(p.cpu_us.p50, 40);
    EXPECT_EQ(p.reads, 5'000'000u);
    EXPECT_EQ(s.max_read_request, 1u);

    const std::string view = profiler_view(s);
    EXPECT_NE(
        view.find(
            "parse: 100% of wall suspended across 5 000 000 reads of <= 1 B: the body is being pulled through the "
            "scheduler while parsing"),
        std::string::npos)
        << view;
    EXPECT_NE(view.find("the worker thread ran 95% of the run"), std::string::npos) << view;
    EXPECT_NE(view.find("10 of 100 jobs failed: parse 9 timeout 1"), std::string::npos) << view;
}

std::string first_line(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::string line;
    std::getline(f, line);
    return line;
}

TEST(Csv, HeadersAreTheIssues) {
    worker_config cfg;
    const auto dir = std::filesystem::temp_directory_path() / ("feedbench-csv-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto records = fixture();
    write_jobs_csv((dir / "jobs.csv").string(), cfg, records);
    write_summary_csv((dir / "summary.csv").string(), {summarize(cfg, records, 1, 1)});
    std::string expected = "job,feed,client,read_size,consume,yield,pool,charset,ok,error,bytes,items";
    for (auto s : stage_names) {
        const std::string n(s);
        expected += "," + n + "_wall_us," + n + "_cpu_us," + n + "_suspended_us," + n + "_yields," + n + "_reads";
    }
    EXPECT_EQ(first_line(dir / "jobs.csv").substr(0, expected.size()), expected);
    const std::string summary = first_line(dir / "summary.csv");
    for (const char* col : {"jobs", "ok", "failed", "jobs_per_s", "cpu_util", "parse_wall_p50_us", "parse_cpu_p99_us",
                            "parse_suspended_max_us", "headers_wall_p90_us"})
        EXPECT_NE(summary.find(std::string(",") + col + ","), std::string::npos) << col;
    std::ifstream f(dir / "jobs.csv");
    std::size_t lines = 0;
    for (std::string l; std::getline(f, l);) ++lines;
    EXPECT_EQ(lines, records.size() + 1);
    std::filesystem::remove_all(dir);
}

TEST(job_journal, each_row_is_on_disk_as_soon_as_it_is_appended) {
    const auto dir = std::filesystem::temp_directory_path() / ("feedbench-journal-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = (dir / "jobs.journal.csv").string();
    worker_config cfg;
    auto count_lines = [&] {
        std::ifstream in(path);
        std::size_t n = 0;
        for (std::string line; std::getline(in, line);) ++n;
        return n;
    };
    auto count_fields = [](const std::string& line) { return std::count(line.begin(), line.end(), ',') + 1; };
    {
        job_journal journal(path, cfg);
        EXPECT_EQ(count_lines(), 1u);  // the header, before any job
        job_record a;
        a.job = 7;
        a.feed = "feed-007-rss";
        a.ok = true;
        journal.append(a);
        EXPECT_EQ(count_lines(), 2u);  // read back while the journal is still open: nothing buffered
        job_record b;
        b.job = 8;
        b.feed = "feed-008-atom";
        b.error = error_class::parse;
        journal.append(b);
        EXPECT_EQ(count_lines(), 3u);
    }
    std::ifstream in(path);
    std::string header, row;
    std::getline(in, header);
    std::getline(in, row);
    EXPECT_EQ(count_fields(header), count_fields(row));
    EXPECT_EQ(jobs_csv_header(), header + "\n");
    EXPECT_EQ(row.rfind("7,feed-007-rss,", 0), 0u);
    std::filesystem::remove_all(dir);
}

}  // namespace
