// meta.json carries the facts a result needs to be trusted: commit, machine, libraries, configuration.
#include "repro/meta/meta.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
    EXPECT_NE(j.find(R"("read_size": "1")"), std::string::npos);
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
