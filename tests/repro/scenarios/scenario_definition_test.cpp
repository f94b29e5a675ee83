// Scenario files load, expand into the right configurations, and a bad one is an error naming the field.
#include "repro/scenarios/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace sc = feedbench::scenarios;
using ::testing::HasSubstr;

namespace {

const char* good = R"(# a comment
id       T1
title    Read-size sweep
finding  one line
finding  and another
must     yes
quick    client=beast read_size=1,whole pool=1,20 consume=lazy jobs=20
quick    client=curl read_size=1k pool=20 consume=eager jobs=50
full     client=beast read_size=1,10k,whole pool=1,20 consume=lazy jobs=100
full     client=curl read_size=1k pool=20 consume=eager jobs=50
check    jobs_per_s{client=beast,read_size=whole,pool=20} / jobs_per_s{client=beast,read_size=1,pool=20} >= 10
check    latency_p50_ms{client=curl} measure
plot     jobs_vs_read_size
plot     latency_cdf {pool=20}
)";

std::string error_of(const std::string& text) {
    try {
        (void)sc::parse_scenario(text, "bad.scn");
    } catch (const sc::scenario_error& e) {
        return e.what();
    }
    return "no error";
}

std::string with_line(const std::string& base, const std::string& from, const std::string& to) {
    auto t = base;
    auto p = t.find(from);
    if (p != std::string::npos) t.replace(p, from.size(), to);
    return t;
}

}  // namespace

TEST(scenario_definition, parses_fields) {
    auto s = sc::parse_scenario(good, "good.scn");
    EXPECT_EQ(s.id, "T1");
    EXPECT_EQ(s.finding, "one line and another");
    EXPECT_TRUE(s.must_reproduce);
    EXPECT_EQ(s.runner, sc::runner_kind::worker);
    ASSERT_EQ(s.checks.size(), 2u);
    EXPECT_EQ(s.checks[0].op, sc::check_op::at_least);
    EXPECT_DOUBLE_EQ(s.checks[0].threshold, 10);
    ASSERT_TRUE(s.checks[0].b.has_value());
    EXPECT_EQ(s.checks[1].op, sc::check_op::measure);
    ASSERT_EQ(s.plots.size(), 2u);
    EXPECT_EQ(s.plots[1].name, "T1_latency_cdf");
    EXPECT_EQ(s.plots[1].filter.terms.size(), 1u);
    EXPECT_EQ(s.table.front(), "jobs_per_s");  // the default table
}

TEST(scenario_definition, expands_quick_and_full_matrices) {
    auto s = sc::parse_scenario(good, "good.scn");
    auto quick = sc::expand(s, false);
    ASSERT_EQ(quick.size(), 5u);  // 2 read sizes x 2 pools + 1 curl
    EXPECT_EQ(quick[0].get(sc::axis::read_size), "1");
    EXPECT_EQ(quick[0].get(sc::axis::pool), "1");
    EXPECT_EQ(quick[0].get(sc::axis::yield), "would-block");  // default filled in
    EXPECT_EQ(quick[0].get(sc::axis::jobs), "20");
    EXPECT_EQ(quick[4].get(sc::axis::jobs), "50");
    // Label: the axes that vary (jobs excepted); series: without read_size.
    EXPECT_EQ(quick[0].label, "client=beast;read_size=1;consume=lazy;pool=1");
    EXPECT_EQ(quick[0].series, "client=beast;consume=lazy;pool=1");
    EXPECT_EQ(sc::expand(s, true).size(), 7u);
}

TEST(scenario_definition, read_sizes) {
    EXPECT_EQ(sc::read_size_bytes("1"), 1u);
    EXPECT_EQ(sc::read_size_bytes("1k"), 1024u);
    EXPECT_EQ(sc::read_size_bytes("10k"), 10240u);
    EXPECT_EQ(sc::read_size_bytes("500k"), 512000u);
    EXPECT_EQ(sc::read_size_bytes("whole"), 0u);
    EXPECT_EQ(sc::read_size_bytes("4096"), 4096u);
    EXPECT_THROW(sc::read_size_bytes("0"), std::invalid_argument);
    EXPECT_THROW(sc::read_size_bytes("big"), std::invalid_argument);
    EXPECT_DOUBLE_EQ(sc::read_size_plot_x("whole"), sc::whole_plot_x);
}

TEST(scenario_definition, bad_files_name_the_field) {
    EXPECT_THAT(error_of(with_line(good, "must     yes", "must     maybe")),
                HasSubstr("bad.scn:6: must: expected yes or no"));
    EXPECT_THAT(error_of(with_line(good, "read_size=1,whole", "read_size=1,huge")),
                HasSubstr("quick: bad read_size value 'huge'"));
    EXPECT_THAT(error_of(with_line(good, "client=curl", "client=wget")), HasSubstr("quick: bad client value 'wget'"));
    EXPECT_THAT(error_of(with_line(good, "consume=lazy jobs=20", "consume=lazy jobs=20 colour=red")),
                HasSubstr("quick: unknown axis 'colour'"));
    EXPECT_THAT(error_of(with_line(good, "jobs=20", "jobs=0")), HasSubstr("bad jobs value '0'"));
    // The words come from their owners (core settings, data's formats, the feed server's query keys).
    EXPECT_THAT(error_of(with_line(good, "client=curl", "client=wget")),
                HasSubstr("(expected beast, curl or memory, or external:NAME)"));
    EXPECT_THAT(error_of(with_line(good, "consume=lazy jobs=20", "consume=soon jobs=20")),
                HasSubstr("bad.scn:7: quick: bad consume value 'soon' (expected eager or lazy)"));
    EXPECT_THAT(error_of(with_line(good, "pool=1,20", "pool=1,threads:0")),
                HasSubstr("quick: bad pool value 'threads:0'"));
    EXPECT_THAT(error_of(with_line(good, "consume=lazy jobs=20", "consume=lazy yield=never jobs=20")),
                HasSubstr("(expected would-block or always)"));
    EXPECT_THAT(error_of(with_line(good, "consume=lazy jobs=20", "consume=lazy formats=rss+xml jobs=20")),
                HasSubstr("bad formats value 'rss+xml' (expected formats joined with '+', each of rss atom"));
    EXPECT_THAT(error_of(with_line(good, "consume=lazy jobs=20", "consume=lazy query=colour=red jobs=20")),
                HasSubstr("bad query value 'colour=red'"));
    EXPECT_THAT(error_of(with_line(good, "plot     jobs_vs_read_size", "plot     pie_chart")),
                HasSubstr("plot: unknown plot kind 'pie_chart'"));
    EXPECT_THAT(error_of(with_line(good, "latency_p50_ms{client=curl}", "latency_median{client=curl}")),
                HasSubstr("check: unknown metric 'latency_median'"));
    EXPECT_THAT(error_of(with_line(good, ">= 10", ">> 10")), HasSubstr("check: unknown operator '>>'"));
    EXPECT_THAT(error_of(with_line(good, ">= 10", ">= ten")), HasSubstr("check: threshold 'ten' is not a number"));
    EXPECT_THAT(error_of(with_line(good, "title    Read-size sweep", "colour   red")),
                HasSubstr("colour: unknown field"));
    EXPECT_THAT(error_of(with_line(good, "id       T1\n", "")), HasSubstr("plot: 'id' must come before 'plot'"));
    EXPECT_THAT(error_of("title t\nquick pool=1\ncheck jobs_per_s measure\n"), HasSubstr("bad.scn: id: missing"));
    EXPECT_THAT(error_of(with_line(good, "query", "query")), ::testing::StrEq("no error"));
}

TEST(scenario_definition, checks_must_name_exactly_one_configuration) {
    // pool=20 alone matches two quick configurations (read size 1 and whole).
    auto e = error_of(with_line(good, "jobs_per_s{client=beast,read_size=whole,pool=20} /", "jobs_per_s{pool=20} /"));
    EXPECT_THAT(e, HasSubstr("check: jobs_per_s{pool=20} matches 3 configurations of the quick matrix"));
    // read_size=10k exists only in the full matrix.
    e = error_of(with_line(good, "read_size=whole,pool=20}", "read_size=10k,pool=20}"));
    EXPECT_THAT(e, HasSubstr("matches 0 configurations of the quick matrix"));
    e = error_of(with_line(good, "plot     latency_cdf {pool=20}", "plot     latency_cdf {pool=7}"));
    EXPECT_THAT(e, HasSubstr("plot: filter {pool=7} matches no configuration"));
}

TEST(scenario_definition, duplicate_configuration_is_an_error) {
    auto e = error_of(with_line(good, "quick    client=curl read_size=1k pool=20 consume=eager jobs=50",
                                "quick    client=beast read_size=1 pool=20 consume=lazy jobs=50"));
    EXPECT_THAT(e, HasSubstr("already given on line 7"));
}

TEST(scenario_definition, parse_memory_runner_refuses_network_axes) {
    auto e = error_of(
        "id S1\ntitle t\nrunner parse-memory\nquick pool=1,20 read_size=1\ncheck jobs_per_s{pool=20} measure\n");
    EXPECT_THAT(e, HasSubstr("runner: runner parse-memory uses only corpus, formats, pool and jobs; not read_size"));
}

TEST(scenario_definition, shipped_scenarios_load_and_validate) {
    auto dir = std::filesystem::path(FEEDBENCH_SCENARIO_DIR);
    auto all = sc::load_scenario_dir(dir);
    std::set<std::string> ids;
    for (auto& s : all) ids.insert(s.id);
    for (auto id : {"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12"})
        EXPECT_TRUE(ids.count(id)) << id;
    for (auto& s : all) {
        EXPECT_FALSE(s.plots.empty()) << s.id;
        EXPECT_FALSE(s.checks.empty()) << s.id;
        EXPECT_FALSE(sc::expand(s, false).empty()) << s.id;
    }
    // S3 carries the model hook column beside the measurement.
    auto s3 = std::find_if(all.begin(), all.end(), [](auto& s) { return s.id == "S3"; });
    ASSERT_NE(s3, all.end());
    EXPECT_NE(std::find(s3->table.begin(), s3->table.end(), "predicted_jobs_per_s"), s3->table.end());
    EXPECT_TRUE(s3->must_reproduce);
}

// S12 compares whole-body socket jobs with the memory client's, and both with the original stack.
TEST(scenario_definition, s12_measures_the_memory_client_and_the_original_stack) {
    auto all = sc::load_scenario_dir(std::filesystem::path(FEEDBENCH_SCENARIO_DIR));
    auto s12 = std::find_if(all.begin(), all.end(), [](auto& s) { return s.id == "S12"; });
    ASSERT_NE(s12, all.end());
    EXPECT_FALSE(s12->must_reproduce);
    std::set<std::string> clients;
    for (auto& c : sc::expand(*s12, false)) clients.insert(c.get(sc::axis::client));
    EXPECT_EQ(clients, (std::set<std::string>{"beast", "memory", "external:original-stack"}));
    std::size_t thresholds = 0;
    for (auto& c : s12->checks) thresholds += c.op == sc::check_op::at_least ? 1 : 0;
    EXPECT_EQ(thresholds, 4u);
}

TEST(scenario_definition, memory_client_reads_no_socket) {
    auto e = error_of(
        "id X1\ntitle t\nquick client=beast,memory read_size=1,whole\ncheck jobs_per_s{client=memory,read_size=whole} "
        "measure\n");
    EXPECT_THAT(e, HasSubstr("client=memory reads no socket: read_size and yield do not apply"));
    EXPECT_NO_THROW(
        sc::parse_scenario("id X1\ntitle t\nquick client=beast,memory pool=20\ncheck jobs_per_s{client=beast} / "
                           "jobs_per_s{client=memory} >= 0.8\n",
                           "x.scn"));
}

TEST(scenario_definition, external_workers_are_named_clients) {
    const std::string text = R"(id X1
title external beside ours
external py /usr/bin/python3 {examples}/original-stack/worker.py --flag
quick client=beast,external:py read_size=1,whole pool=20 jobs=10
diagnose {client=external:py,read_size=1}
check diag_tiny_reads{client=external:py,read_size=1} >= 1
check jobs_per_s{client=beast,read_size=whole} / jobs_per_s{client=external:py,read_size=whole} measure
)";
    auto s = sc::parse_scenario(text, "x1.scn");
    ASSERT_EQ(s.externals.size(), 1u);
    EXPECT_EQ(s.externals[0].name, "py");
    EXPECT_EQ(s.externals[0].command,
              (std::vector<std::string>{"/usr/bin/python3", "{examples}/original-stack/worker.py", "--flag"}));
    ASSERT_NE(s.find_external("py"), nullptr);
    EXPECT_EQ(s.find_external("rb"), nullptr);
    EXPECT_EQ(sc::external_name("external:py"), "py");
    EXPECT_EQ(sc::external_name("beast"), "");
    auto configs = sc::expand(s, false);
    ASSERT_EQ(configs.size(), 4u);
    ASSERT_EQ(s.diagnose.size(), 1u);
    EXPECT_EQ(std::count_if(configs.begin(), configs.end(), [&](auto& c) { return s.diagnose[0].matches(c); }), 1);
    EXPECT_TRUE(sc::is_metric("diag_healthy"));
    EXPECT_TRUE(sc::is_metric("recv_p50_bytes"));

    EXPECT_THAT(error_of(with_line(text, "client=beast,external:py", "client=beast,external:rb")),
                HasSubstr("quick: client external:rb names no 'external rb COMMAND...' line"));
    EXPECT_THAT(error_of(with_line(text, "external py /usr/bin/python3 {examples}/original-stack/worker.py --flag",
                                   "external py")),
                HasSubstr("bad.scn:3: external: expected NAME COMMAND [ARGS...]"));
    EXPECT_THAT(error_of(with_line(text, "diagnose {client=external:py,read_size=1}", "diagnose {read_size=1}")),
                HasSubstr("diagnose: the selector must name an external client"));
    EXPECT_THAT(error_of(with_line(text, "client=beast,external:py", "client=beast,external:")),
                HasSubstr("bad client value 'external:'"));
}

TEST(scenario_definition, intake_axes_need_a_broker) {
    const std::string text = R"(id Q1
title intake
in-quick no
quick corpus=synthetic:4:2000 intake=amqp amqp=get,consume prefetch=100 pool=20 jobs=30
quick corpus=synthetic:4:2000 intake=amqp processes=2 incident=worker-kill jobs=30
check jobs_per_s{amqp=consume,incident=none} / jobs_per_s{amqp=get} measure
check acked_without_row{incident=worker-kill} <= 0
)";
    auto s = sc::parse_scenario(text, "q1.scn");
    EXPECT_FALSE(s.in_quick);
    auto configs = sc::expand(s, false);
    ASSERT_EQ(configs.size(), 3u);
    EXPECT_EQ(configs[0].get(sc::axis::intake), "amqp");
    EXPECT_EQ(configs[0].get(sc::axis::processes), "1");
    EXPECT_EQ(configs[2].get(sc::axis::incident), "worker-kill");
    EXPECT_THAT(error_of(with_line(text, "intake=amqp processes=2", "processes=2")),
                HasSubstr("processes, publish and incident need intake=amqp"));
    EXPECT_THAT(error_of(with_line(text, "processes=2 incident=worker-kill", "incident=worker-kill")),
                HasSubstr("incident=worker-kill needs processes >= 2"));
    EXPECT_THAT(error_of(with_line(text, "amqp=get,consume", "amqp=poll")), HasSubstr("bad amqp value 'poll'"));
    EXPECT_THAT(error_of(with_line(text, "intake=amqp amqp", "intake=kafka amqp")),
                HasSubstr("bad intake value 'kafka'"));
    EXPECT_THAT(error_of(with_line(text, "incident=worker-kill", "incident=flood")),
                HasSubstr("bad incident value 'flood'"));
    EXPECT_THAT(error_of(with_line(text, "in-quick no", "in-quick later")), HasSubstr("in-quick: expected yes or no"));
}

TEST(scenario_definition, repeat_sets_a_least_repetition_count) {
    const std::string text = R"(id S12
title pairs
repeat 9
quick client=beast,memory read_size=whole jobs=2000
check jobs_per_s{client=beast} / jobs_per_s{client=memory} >= 0.8
)";
    EXPECT_EQ(sc::parse_scenario(text, "s12.scn").min_repeat, 9);
    EXPECT_EQ(sc::parse_scenario(with_line(text, "repeat 9\n", ""), "s12.scn").min_repeat, 1);
    for (auto bad : {"repeat 0", "repeat 51", "repeat 9x", "repeat -3", "repeat "})
        EXPECT_THAT(error_of(with_line(text, "repeat 9", bad)), HasSubstr("expected a repetition count from 1 to 50"))
            << bad;
    EXPECT_THAT(error_of(with_line(text, "repeat 9", "repeat 9\nrepeat 5")), HasSubstr("repeat"));
}
