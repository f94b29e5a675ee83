// One code path, many configurations: eager and lazy, serial, pool and threads, both yield policies and
// every read size give the same items for every feed; counts are exact; every job is accounted for.
#include "repro/worker/run.hpp"

#include "feedserver/server.hpp"
#include "repro/core/strings.hpp"
#include "repro/harness/feed_server.hpp"
#include "repro/decode/charset.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <regex>
#include <filesystem>
#include <map>

namespace {

using namespace feedbench;
using core::stage;

struct outcome {
    bool ok = false;
    core::error_class error = core::error_class::none;
    std::size_t items = 0;
    std::uint64_t digest = 0;
    bool operator==(const outcome&) const = default;
};

worker::worker_config config(const std::string& url, const char* reads, core::consume_mode consume, const char* pool,
                             core::yield_policy yield = core::yield_policy::would_block,
                             core::client_kind client = core::client_kind::beast) {
    worker::worker_config cfg;
    cfg.server_url = url;
    cfg.formats = "all";
    cfg.reads = core::read_size::parse(reads);
    cfg.consume = consume;
    cfg.pool = core::pool_spec::parse(pool);
    cfg.client = client;
    cfg.yield = yield;
    return cfg;
}

std::string describe(const worker::worker_config& c) {
    return std::string(core::to_string(c.client)) + ", read size " + c.reads.to_string() + ", " +
           std::string(core::to_string(c.consume)) + ", pool " + c.pool.to_string() + ", " +
           std::string(core::to_string(c.yield));
}

std::map<std::string, outcome> by_feed(const worker::run_output& out) {
    std::map<std::string, outcome> m;
    for (const auto& r : out.records) m[r.feed] = {r.ok, r.error, r.items, r.items_digest};
    return m;
}

// Runs every configuration against one server and checks they all agree with the first one,
// and that every ok job found the manifest's item count.
void expect_same_items(const feedserver::server_thread& server, const std::vector<worker::worker_config>& configs,
                       std::size_t expect_ok, std::size_t expect_failed) {
    std::map<std::string, std::size_t> manifest_items;
    for (const auto& f : server.corpus().feeds) manifest_items[f.id] = f.items;
    std::map<std::string, outcome> baseline;
    for (const auto& cfg : configs) {
        SCOPED_TRACE(describe(cfg));
        const auto out = worker::run(cfg);
        EXPECT_EQ(out.summary.ok + out.summary.failed, out.summary.jobs);
        EXPECT_EQ(out.records.size(), server.corpus().feeds.size());
        EXPECT_EQ(out.summary.ok, expect_ok);
        EXPECT_EQ(out.summary.failed, expect_failed);
        for (const auto& r : out.records) {
            if (r.ok) {
                EXPECT_EQ(r.items, manifest_items[r.feed]) << r.feed;
            } else {
                EXPECT_TRUE(r.error == core::error_class::parse || r.error == core::error_class::not_a_feed)
                    << r.feed << ": " << r.error << " " << r.message;
            }
            if (!cfg.reads.is_whole()) {
                EXPECT_LE(r.max_read_request, cfg.reads.bytes);
            }
        }
        auto m = by_feed(out);
        if (baseline.empty()) {
            baseline = m;
            continue;
        }
        for (const auto& [feed, o] : baseline) {
            EXPECT_EQ(m[feed].ok, o.ok) << feed;
            EXPECT_EQ(m[feed].items, o.items) << feed;
            EXPECT_EQ(m[feed].digest, o.digest) << feed << ": the item lists differ";
            EXPECT_EQ(m[feed].error, o.error) << feed;
        }
    }
}

TEST(Run, SyntheticCorpusSameItemsEverywhere) {
    // This test is about items, not timeouts: at read size 1 under ASan on a busy machine, a pool of 20 starves a
    // job between its connect and its request past the server's default 10 s idle timeout (the server closed
    // the new connection and the retried one), so the server, the reads and the jobs get time enough.
    feedserver::server_options slow_machine;
    slow_machine.idle_timeout_ms = 300'000;
    feedserver::server_thread server(data::generate_synthetic({}), slow_machine);
    std::size_t legacy = 0;  // legacy-charset variants served without a charset: bad UTF-8 in content mode
    for (const auto& f : server.corpus().feeds)
        if (f.id.find("iso-8859-1") != std::string::npos || f.id.find("windows-1252") != std::string::npos) ++legacy;
    const auto url = server.base_url();
    using core::consume_mode;
    using core::yield_policy;
    std::vector<worker::worker_config> configs{
        config(url, "whole", consume_mode::eager, "1"),
        config(url, "whole", consume_mode::lazy, "1"),
        config(url, "whole", consume_mode::eager, "20"),
        config(url, "1", consume_mode::lazy, "20"),
        config(url, "10k", consume_mode::lazy, "threads:2"),
        config(url, "500k", consume_mode::eager, "5", yield_policy::always),
        config(url, "1k", consume_mode::lazy, "3", yield_policy::always),
    };
    configs.push_back(config(url, "1k", consume_mode::lazy, "10", yield_policy::would_block, core::client_kind::curl));
    configs.push_back(
        config(url, "whole", consume_mode::eager, "threads:2", yield_policy::would_block, core::client_kind::curl));
    configs.push_back(
        config(url, "whole", consume_mode::eager, "20", yield_policy::would_block, core::client_kind::memory));
    configs.push_back(
        config(url, "whole", consume_mode::lazy, "1", yield_policy::would_block, core::client_kind::memory));
    for (auto& c : configs) {
        c.read_timeout_ms = 300'000;
        c.job_deadline_ms = 0;
    }
    const std::size_t n = server.corpus().feeds.size();
    const auto first = worker::run(configs[0]);
    const std::size_t failed = first.summary.failed;
    EXPECT_LE(failed, legacy);
    expect_same_items(server, configs, n - failed, failed);
}

TEST(Run, RealFeeds2012SameItemsEverywhere) {
    const char* shared = std::getenv("FEEDBENCH_SHARED_CORPUS");
    const std::filesystem::path dir = shared ? std::filesystem::path(shared) / "feeds-2012" : std::filesystem::path();
    if (dir.empty() || !std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared corpus not found";
    feedserver::server_thread server(data::load_directory(dir));
    ASSERT_EQ(server.corpus().feeds.size(), 388u);
    const auto url = server.base_url();
    using core::consume_mode;
    using core::yield_policy;
    expect_same_items(
        server,
        {
            config(url, "whole", consume_mode::eager, "1"),
            config(url, "1k", consume_mode::lazy, "20"),
            config(url, "whole", consume_mode::lazy, "threads:2"),
            config(url, "10k", consume_mode::eager, "4", yield_policy::always),
            config(url, "64", consume_mode::lazy, "8"),
            config(url, "10k", consume_mode::lazy, "20", yield_policy::would_block, core::client_kind::curl),
            config(url, "whole", consume_mode::eager, "20", yield_policy::would_block, core::client_kind::memory),
        },
        366, 22);
}

// At read size 1 every recv returns one byte: the counts are exact per job.
TEST(Run, ReadSizeOneCountsAreExact) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 4}));
    std::map<std::string, std::size_t> body_bytes;
    for (const auto& f : server.corpus().feeds) body_bytes[f.id] = f.bytes();
    for (auto consume : {core::consume_mode::eager, core::consume_mode::lazy}) {
        auto cfg = config(server.base_url(), "1", consume, "3");
        cfg.formats = "rss+atom+jsonfeed";
        cfg.jobs = 30;
        const auto out = worker::run(cfg);
        ASSERT_EQ(out.records.size(), 30u);
        const stage body_stage = consume == core::consume_mode::eager ? stage::body : stage::parse;
        for (const auto& r : out.records) {
            SCOPED_TRACE(r.feed);
            ASSERT_TRUE(r.ok) << r.error << " " << r.message;
            EXPECT_EQ(r.max_read_request, 1u);
            EXPECT_EQ(r.bytes, body_bytes[r.feed]);
            EXPECT_EQ(r.at(body_stage).reads, body_bytes[r.feed]);
            EXPECT_EQ(r.at(body_stage).bytes, body_bytes[r.feed]);
            EXPECT_EQ(r.at(stage::headers).reads, r.at(stage::headers).bytes);
            if (consume == core::consume_mode::lazy) {
                EXPECT_EQ(r.at(stage::body).reads, 0u);
            }
        }
    }
}

// --client memory: the bodies come from memory (fetched once before the run), no recv in any job; a
// response the server gave with an error status is served again with it.
TEST(Run, MemoryClientServesTheFetchedBodies) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 4}));
    std::map<std::string, std::size_t> body_bytes;
    for (const auto& f : server.corpus().feeds) body_bytes[f.id] = f.bytes();
    for (auto consume : {core::consume_mode::eager, core::consume_mode::lazy}) {
        auto cfg = config(server.base_url(), "whole", consume, "5", core::yield_policy::would_block,
                          core::client_kind::memory);
        cfg.formats = "rss+atom+jsonfeed";
        cfg.jobs = 30;
        cfg.query = "|fault=status-500";  // odd jobs: HTTP 500
        const auto out = worker::run(cfg);
        ASSERT_EQ(out.records.size(), 30u);
        for (const auto& r : out.records) {
            SCOPED_TRACE(r.feed + " job " + std::to_string(r.job));
            EXPECT_EQ(r.max_read_request, 0u);
            for (std::size_t s = 0; s < core::stage_count; ++s) EXPECT_EQ(r.stages[s].reads, 0u);
            if (r.job % 2 == 1) {
                EXPECT_EQ(r.error, core::error_class::status);
                continue;
            }
            ASSERT_TRUE(r.ok) << r.error << " " << r.message;
            EXPECT_EQ(r.bytes, body_bytes[r.feed]);
            EXPECT_GE(r.at(stage::headers).yields, 1u);  // one pass through the loop per job
        }
    }
}

TEST(Run, MemoryClientRefusesReadSizes) {
    auto cfg = config("http://127.0.0.1:1", "1k", core::consume_mode::eager, "1", core::yield_policy::would_block,
                      core::client_kind::memory);
    try {
        worker::check_config(cfg);
        FAIL() << "no error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("--read-size 1k with --client memory"), std::string::npos) << e.what();
    }
}

// charset text + lazy: the decode stage pulls the body (as requests' .text pulled .content).
TEST(Run, TextModeDecodeStagePullsTheLazyBody) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 8}));
    auto cfg = config(server.base_url(), "1k", core::consume_mode::lazy, "2");
    cfg.charset = core::charset_mode::text;
    const auto out = worker::run(cfg);
    EXPECT_EQ(out.summary.failed, 0u);  // the legacy-charset variants decode in text mode
    for (const auto& r : out.records) {
        EXPECT_GT(r.at(stage::decode).reads, 0u) << r.feed;
        EXPECT_EQ(r.at(stage::parse).reads, 0u) << r.feed;
        EXPECT_FALSE(r.charset.empty()) << r.feed;
    }
}

TEST(Run, WritesCsvAndMeta) {
    auto cfg = config("", "10k", core::consume_mode::eager, "2");
    cfg.corpus_feeds = 3;
    cfg.jobs = 10;
    cfg.out_dir = std::filesystem::temp_directory_path() / ("feedbench-run-" + std::to_string(::getpid()));
    const auto out = harness::run_worker(cfg);
    EXPECT_EQ(out.summary.jobs, 10u);
    for (const char* f : {"jobs.csv", "summary.csv", "meta.json"})
        EXPECT_TRUE(std::filesystem::exists(cfg.out_dir / f)) << f;
    const std::string text = core::read_file(cfg.out_dir / "meta.json").value_or("");
    EXPECT_NE(text.find("synthetic(seed=2012,feeds=3)"), std::string::npos)
        << "meta.json names the embedded server's corpus";
    std::filesystem::remove_all(cfg.out_dir);
}

TEST(Run, NoServerUrlIsAConfigurationError) {
    auto cfg = config("", "whole", core::consume_mode::eager, "1");
    EXPECT_THROW(worker::run(cfg), std::invalid_argument);  // the worker starts no server: harness::run_worker does
}

TEST(Run, UnreachableServerIsAnError) {
    auto cfg = config("http://127.0.0.1:1", "whole", core::consume_mode::eager, "1");
    EXPECT_THROW(worker::run(cfg), std::runtime_error);
}

}  // namespace

namespace {

// shared/corpus/encodings through the worker: each file served with its Header: line as Content-Type,
// fetched in charset text mode, must end with the encoding its Expect: line names.
std::optional<std::string> expected_encoding(const std::string& body) {
    std::string head = body.substr(0, 4096);
    head.erase(std::remove(head.begin(), head.end(), '\0'), head.end());  // UTF-16/32: ASCII comments
    static const std::regex expect_re(R"(Expect:[^\n]*encoding == '([^']+)')");
    std::smatch m;
    if (!std::regex_search(head, m, expect_re)) return std::nullopt;
    return m[1].str();
}

TEST(Run, EncodingsCorpusDecodesToTheExpectedCharset) {
    const char* shared = std::getenv("FEEDBENCH_SHARED_CORPUS");
    const std::filesystem::path dir = shared ? std::filesystem::path(shared) / "encodings" : std::filesystem::path();
    if (dir.empty() || !std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared corpus not found";
    feedserver::server_thread server(data::load_directory(dir));
    std::map<std::string, std::string> want;
    for (const auto& f : server.corpus().feeds)
        if (auto e = expected_encoding(f.body)) want[f.id] = decode::canonical_charset(*e);
    for (auto consume : {core::consume_mode::eager, core::consume_mode::lazy}) {
        auto cfg = config(server.base_url(), "1k", consume, "4");
        cfg.charset = core::charset_mode::text;
        const auto out = worker::run(cfg);
        EXPECT_EQ(out.summary.ok + out.summary.failed, out.summary.jobs);
        std::size_t matched = 0;
        std::vector<std::string> misses;
        for (const auto& r : out.records) {
            auto it = want.find(r.feed);
            if (it == want.end()) continue;
            if (!r.charset.empty() && decode::canonical_charset(r.charset) == it->second)
                ++matched;
            else
                misses.push_back(r.feed + ": want " + it->second + ", got '" + r.charset + "' " +
                                 std::string(core::to_string(r.error)));
        }
        std::cout << "encodings through the worker (" << core::to_string(consume) << "): " << matched << " of "
                  << want.size() << " end with the expected charset\n";
        for (const auto& m : misses) std::cout << "  miss: " << m << "\n";
        EXPECT_EQ(want.size(), 70u);
        EXPECT_EQ(matched, want.size());
    }
}

}  // namespace

namespace {

// Eager and lazy differ only in where the body is read: with a paced body, lazy's reads, EAGAINs and
// yields land in the parse stage and eager's in the body stage; eager's parse never reads or yields.
TEST(Run, LazyPullsThePacedBodyInsideTheParse) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    for (auto consume : {core::consume_mode::eager, core::consume_mode::lazy}) {
        auto cfg = config(server.base_url(), "1k", consume, "2");
        cfg.formats = "rss";
        cfg.jobs = 4;
        cfg.query = "rate=400000";  // ~50 kB in ~125 ms: the socket runs dry while the body is read
        const auto out = worker::run(cfg);
        ASSERT_EQ(out.summary.ok, 4u);
        const bool lazy = consume == core::consume_mode::lazy;
        const auto& reading = out.summary.stages[std::size_t(lazy ? stage::parse : stage::body)];
        const auto& other = out.summary.stages[std::size_t(lazy ? stage::body : stage::parse)];
        EXPECT_GT(reading.reads, 0u);
        EXPECT_GT(reading.eagains, 0u);
        EXPECT_EQ(reading.yields, reading.eagains);  // would-block: one suspension per dry recv
        EXPECT_GT(reading.suspended_us.max, 0.0);
        EXPECT_EQ(other.reads, 0u);
        EXPECT_EQ(other.yields, 0u);
    }
}

}  // namespace
