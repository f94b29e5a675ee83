// meta.json carries the facts a result needs to be trusted: commit, machine, libraries, configuration.
#include "repro/meta/meta.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

using namespace feedbench::meta;

TEST(meta, collects_machine_and_library_facts) {
    auto m = collect();
    EXPECT_FALSE(m.commit.empty());
    EXPECT_GE(m.cores, 1u);
    EXPECT_NE(m.kernel.find("Linux"), std::string::npos);
    EXPECT_EQ(m.date_utc.size(), 20u);  // 2026-11-26T00:45:12Z
    bool has_curl = false;
    for (auto& [k, v] : m.libraries) has_curl |= (k == "libcurl" && !v.empty());
    EXPECT_TRUE(has_curl);
}

TEST(meta, json_escapes_and_carries_configuration) {
    run_meta m;
    m.commit = "abc";
    m.cpu_model = "quote \" and \\ back";
    auto j = to_json(m, {{"read_size", "1"}, {"pool", "20"}});
    EXPECT_NE(j.find(R"("cpu_model": "quote \" and \\ back")"), std::string::npos);
    EXPECT_NE(j.find(R"("read_size": 1)"), std::string::npos);
}

TEST(meta, run_id_is_date_and_commit) {
    run_meta m;
    m.commit = "347d5c7";
    m.date_utc = "2026-11-26T00:45:12Z";
    EXPECT_EQ(make_run_id(m), "20261126T004512Z-347d5c7");
}

TEST(meta, json_reads_back_every_value) {
    run_meta m;
    m.commit = "abc";
    m.hostname = "tab\there\nnewline \x01 control";
    m.cores = 4;
    m.libraries = {{"libcurl", "7.88.1"}, {"gnuplot", "gnuplot 5.4 patchlevel 4"}};
    const auto j = nlohmann::json::parse(to_json(m, {{"query", "fault=\"x\"\\y"}}));
    EXPECT_EQ(j.at("hostname"), m.hostname);
    EXPECT_EQ(j.at("cores"), 4);
    EXPECT_EQ(j.at("libraries").at("gnuplot"), "gnuplot 5.4 patchlevel 4");
    EXPECT_EQ(j.at("configuration").at("query"), "fault=\"x\"\\y");
}

TEST(meta, json_values_are_typed) {
    run_meta m;
    m.commit = "0011a66";
    m.date_utc = "2026-11-26T00:45:12Z";
    m.cores = 2;
    m.command = "feedrepro --scenarios S3,S4";
    const auto j = nlohmann::json::parse(to_json(m, {{"repeat", "3"},
                                                     {"run_seconds", "65.2"},
                                                     {"matrix", "quick"},
                                                     {"strict", "true"},
                                                     {"load_average_end", ""},
                                                     {"commit_like", "0011"},
                                                     {"read_size", "whole"}}));
    EXPECT_EQ(j.at("run_id"), "20261126T004512Z-0011a66");
    EXPECT_EQ(j.at("command"), "feedrepro --scenarios S3,S4");
    EXPECT_TRUE(j.at("cores").is_number_integer());
    EXPECT_TRUE(j.at("governor").is_null());  // not readable: null, not ""
    auto& c = j.at("configuration");
    EXPECT_TRUE(c.at("repeat").is_number_integer());
    EXPECT_EQ(c.at("repeat"), 3);
    EXPECT_TRUE(c.at("run_seconds").is_number_float());
    EXPECT_DOUBLE_EQ(c.at("run_seconds").get<double>(), 65.2);
    EXPECT_TRUE(c.at("strict").is_boolean());
    EXPECT_TRUE(c.at("load_average_end").is_null());
    EXPECT_EQ(c.at("commit_like"), "0011");  // a leading zero is an id, not a number
    EXPECT_EQ(c.at("matrix"), "quick");
    EXPECT_EQ(c.at("read_size"), "whole");
}

TEST(meta, collects_cpu_model_governor_and_command_as_the_kernel_reports_them) {
    auto m = collect();
    // model name from /proc/cpuinfo, verbatim after the colon.
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line, model;
    while (std::getline(cpuinfo, line))
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    EXPECT_EQ(m.cpu_model, model);
    std::ifstream gov("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    std::string g;
    std::getline(gov, g);
    EXPECT_EQ(m.governor, g);  // "" when the file is absent
    EXPECT_THAT(m.command, ::testing::HasSubstr("meta_test"));
    const auto j = nlohmann::json::parse(to_json(m));
    EXPECT_EQ(j.at("governor").is_null(), g.empty());
}
