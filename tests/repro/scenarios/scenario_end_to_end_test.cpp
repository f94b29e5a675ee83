// A tiny reproduction end to end (two worker configurations and an in-memory parse pair, a few jobs):
// every file is written, every job is accounted for, a scenario needing an absent corpus is SKIPPED.
#include "repro/core/strings.hpp"
#include "repro/scenarios/runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sc = feedbench::scenarios;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {}  // namespace

TEST(scenario_end_to_end, tiny_run_writes_every_file) {
    auto root = fs::temp_directory_path() / ("feedbench-e2e-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);

    sc::runner_options opt;
    opt.scenarios = {
        sc::parse_scenario(R"(id E1
title tiny worker sweep
quick client=beast read_size=10k,whole pool=2 consume=eager,lazy jobs=6
check jobs_per_s{read_size=whole,consume=lazy} / jobs_per_s{read_size=10k,consume=lazy} measure
plot jobs_vs_read_size
plot cpu_vs_read_size
plot latency_cdf
plot stage_wall_cpu {consume=lazy}
)",
                           "e1"),
        sc::parse_scenario(R"(id E2
title tiny parse from memory
runner parse-memory
quick formats=rss pool=1,3 jobs=12
check jobs_per_s{pool=3} / jobs_per_s{pool=1} measure
plot bars
)",
                           "e2"),
        sc::parse_scenario(R"(id E3
title needs a corpus that is not there
needs no-such-folder-here
quick pool=1 jobs=1
check jobs_per_s measure
plot bars
)",
                           "e3"),
    };
    opt.repeat = 2;
    opt.results_root = root;
    opt.out_dir = root / "run-1";
    opt.log_lines = false;
    auto r = sc::run_reproduction(opt);

    ASSERT_EQ(r.report.scenarios.size(), 3u);
    auto& e1 = r.report.scenarios[0];
    auto& e2 = r.report.scenarios[1];
    auto& e3 = r.report.scenarios[2];
    ASSERT_TRUE(e1.ran);
    EXPECT_EQ(e1.reps.size(), 20u);  // 4 configurations x 5 repetitions (under 50 jobs: at least 5)
    for (auto& rep : e1.reps) {
        EXPECT_EQ(rep.status, "") << rep.config.label;
        EXPECT_EQ(rep.get("ok") + rep.get("failed"), 6) << rep.config.label;
        EXPECT_GT(rep.get("jobs_per_s"), 0) << rep.config.label;
    }
    EXPECT_EQ(e1.result.kind, sc::verdict_kind::measured) << e1.result.line;
    EXPECT_EQ(e2.reps.size(), 10u);
    EXPECT_EQ(e2.reps[0].get("ok"), 12);
    EXPECT_EQ(e2.result.kind, sc::verdict_kind::measured) << e2.result.line;
    EXPECT_FALSE(e3.ran);
    EXPECT_EQ(e3.result.kind, sc::verdict_kind::skipped);
    EXPECT_THAT(e3.result.line, HasSubstr("no-such-folder-here"));

    auto dir = root / "run-1";
    for (auto f :
         {"E1.csv", "E1_summary.csv", "E1_latency.csv", "E1_jobs_vs_read_size.png", "E1_jobs_vs_read_size.svg",
          "E1_cpu_vs_read_size.png", "E1_latency_cdf.png", "E1_stage_wall_cpu.png", "E2.csv", "E2_bars.png",
          "E2_bars.svg", "jobs/E1-1.csv", "meta.json", "REPORT.md", "index.html", "verdicts.csv", "checks.tsv"}) {
        EXPECT_TRUE(fs::exists(dir / f)) << f;
        if (fs::exists(dir / f)) {
            EXPECT_GT(fs::file_size(dir / f), 0u) << f;
        }
    }
    for (auto& o : {e1, e2})
        for (auto& p : o.plots) EXPECT_TRUE(p.ok) << p.spec.name << ": " << p.error;
    EXPECT_TRUE(r.ci_failures.empty());
    // results/latest -> run-1, relative.
    ASSERT_TRUE(fs::is_symlink(root / "latest"));
    EXPECT_EQ(fs::read_symlink(root / "latest"), fs::path("run-1"));
    auto md = feedbench::core::read_file(dir / "REPORT.md").value_or("");
    EXPECT_THAT(md, HasSubstr("| [E1](#E1) | tiny worker sweep | **MEASURED** |"));
    EXPECT_THAT(md, HasSubstr("**SKIPPED**"));
    EXPECT_THAT(feedbench::core::read_file(dir / "meta.json").value_or(""), HasSubstr("\"verdict_E1\""));
    fs::remove_all(root);
}

// An external worker is any program honouring the FEEDBENCH_* contract: here a shell script that fetches each
// job's feed with curl and writes jobs.csv; a second one fails the way Python without gevent does.
TEST(scenario_end_to_end, external_worker_gets_a_row_and_a_missing_package_is_no_data) {
    auto root = fs::temp_directory_path() / ("feedbench-e2e-ext-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    {
        std::ofstream w(root / "worker.sh");
        w << "set -e\n"
             "test -n \"$FEEDBENCH_SERVER\" && test -n \"$FEEDBENCH_OUT\" && test \"$FEEDBENCH_READ_SIZE\" = whole\n"
             "path=$(curl -sf \"$FEEDBENCH_MANIFEST\" | awk -F'\\t' 'NR==2{print $2}')\n"
             "echo job,feed,ok,error,bytes,items,wall_ms,start_s > \"$FEEDBENCH_OUT/jobs.csv\"\n"
             "i=0\n"
             "while [ $i -lt \"$FEEDBENCH_JOBS\" ]; do\n"
             "  bytes=$(curl -sf \"$FEEDBENCH_SERVER$path\" | wc -c)\n"
             "  echo $i,f,1,,$bytes,3,2.5,0.$i >> \"$FEEDBENCH_OUT/jobs.csv\"\n"
             "  i=$((i + 1))\n"
             "done\n";
        std::ofstream m(root / "missing.sh");
        m << "echo 'Traceback (most recent call last):' >&2\n"
             "echo \"ModuleNotFoundError: No module named 'gevent'\" >&2\nexit 1\n";
    }
    sc::runner_options opt;
    opt.scenarios = {sc::parse_scenario("id E4\ntitle external\nexternal sh /bin/sh " + (root / "worker.sh").string() +
                                            "\nexternal nogevent /bin/sh " + (root / "missing.sh").string() +
                                            "\nquick client=beast,external:sh,external:nogevent pool=2 jobs=4\n"
                                            "check jobs_per_s{client=external:sh} measure\n"
                                            "check jobs_per_s{client=external:nogevent} >= 1\n",
                                        "e4")};
    opt.repeat = 2;
    opt.results_root = root;
    opt.out_dir = root / "run";
    opt.log_lines = false;
    auto r = sc::run_reproduction(opt);
    ASSERT_EQ(r.report.scenarios.size(), 1u);
    auto& o = r.report.scenarios[0];
    ASSERT_EQ(o.summary.size(), 3u);
    auto& ext = o.summary[1];
    EXPECT_EQ(ext.config.get(sc::axis::client), "external:sh");
    EXPECT_EQ(ext.status, "");
    EXPECT_EQ(ext.reps, 5u);  // under 50 jobs: at least 5 repetitions
    EXPECT_EQ(ext.median("jobs_done"), 4);
    EXPECT_EQ(ext.median("ok"), 4);
    EXPECT_EQ(ext.median("failed"), 0);
    EXPECT_GT(ext.median("jobs_per_s"), 0);
    EXPECT_EQ(ext.median("latency_p50_ms"), 2.5);
    EXPECT_TRUE(fs::exists(root / "run" / "external" / "E4-2-1" / "jobs.csv"));
    auto& missing = o.summary[2];
    EXPECT_EQ(missing.reps, 1u);  // n/a: not repeated
    EXPECT_THAT(missing.status, HasSubstr("n/a: "));
    EXPECT_THAT(missing.status, HasSubstr("No module named 'gevent'"));
    EXPECT_EQ(o.result.kind, sc::verdict_kind::no_data) << o.result.line;
    EXPECT_THAT(o.result.line, HasSubstr("No module named 'gevent'"));
    fs::remove_all(root);
}

// intake=amqp: the runner starts its private broker, publishes each configuration's jobs, runs the worker in
// this process and as a fleet of feedworker processes (one killed), and accounts for every published job.
TEST(scenario_end_to_end, amqp_intake_runs_against_the_private_broker) {
    if (!fs::exists("/usr/lib/rabbitmq/bin/rabbitmq-server"))
        GTEST_SKIP() << "rabbitmq-server is not installed (apt-get install rabbitmq-server): AMQP scenario skipped";
    auto root = fs::temp_directory_path() / ("feedbench-e2e-amqp-" + std::to_string(::getpid()));
    fs::remove_all(root);
    sc::runner_options opt;
    opt.scenarios = {sc::parse_scenario(R"(id Q2
title intake end to end
quick corpus=synthetic:4:2000 intake=amqp amqp=get,consume pool=4 jobs=40
quick corpus=synthetic:4:2000 intake=amqp amqp=consume pool=4 processes=2 jobs=40
quick corpus=synthetic:4:2000 intake=amqp amqp=consume pool=4 query=delay=5 processes=2 incident=worker-kill jobs=400
check jobs_lost{amqp=get} <= 0
check jobs_lost{amqp=consume,processes=1} <= 0
check jobs_lost{processes=2,incident=none} <= 0
check acked_without_row{incident=worker-kill} <= 0
)",
                                        "q2")};
    opt.repeat = 1;
    opt.results_root = root;
    opt.out_dir = root / "run";
    opt.log_lines = false;
    const char* offset = std::getenv("FEEDBENCH_TEST_PORT_OFFSET");
    opt.broker_port = static_cast<unsigned short>(5691 + (offset ? std::atoi(offset) : 0));
    auto r = sc::run_reproduction(opt);
    auto& o = r.report.scenarios.at(0);
    ASSERT_EQ(o.summary.size(), 4u);
    for (auto& c : o.summary) {
        EXPECT_EQ(c.status, "") << c.config.label;
        EXPECT_EQ(c.median("published"), std::stod(c.config.get(sc::axis::jobs))) << c.config.label;
        EXPECT_EQ(c.median("left_on_queue"), 0) << c.config.label;
    }
    EXPECT_EQ(o.summary[0].median("jobs_done"), 40);
    EXPECT_GE(o.summary[0].median("intake_gets"), 40);   // get: at least one basic.get per job
    EXPECT_EQ(o.summary[1].median("intake_gets"), 0);    // consume: none
    EXPECT_EQ(o.summary[2].median("jobs_done"), 40);     // the fleet's two processes together
    EXPECT_GE(o.summary[3].median("journal_rows"), 50);  // the kill waited for 50 journal rows
    EXPECT_EQ(o.result.kind, sc::verdict_kind::reproduced) << o.result.line;
    fs::remove_all(root);
}
