// The Python original stack run as an external worker against the in-process feed server: every job is
// accounted for, the bytes are the feeds' bytes, the child's CPU is measured.
#include "repro/external/external_worker.hpp"

#include "data/corpus.hpp"
#include "feedserver/server.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <unistd.h>

namespace ext = feedbench::external;
namespace fs = std::filesystem;

namespace {

std::string python_skip_reason() {
    if (::access("/usr/bin/python3", X_OK) != 0) return "no /usr/bin/python3";
    if (std::system("/usr/bin/python3 -c 'import gevent, requests, lxml' 2>/dev/null") != 0)
        return "python3-gevent, python3-requests or python3-lxml missing";
    return {};
}

ext::external_config python_config(const feedbench::feedserver::server_thread& server, const std::string& read_size,
                                   unsigned jobs, const std::string& name) {
    ext::external_config c;
    c.command = {"/usr/bin/python3", std::string(FEEDBENCH_TEST_SOURCE_DIR) + "/examples/original-stack/worker.py"};
    c.server_url = server.base_url();
    c.read_size = read_size;
    c.pool = 4;
    c.jobs = jobs;
    c.out_dir = fs::path(testing::TempDir()) / ("external-" + name + "-" + std::to_string(::getpid()));
    c.timeout_s = 300;
    return c;
}

}  // namespace

TEST(ExternalWorker, PythonOriginalStackWhole) {
    if (auto why = python_skip_reason(); !why.empty()) GTEST_SKIP() << why;
    feedbench::feedserver::server_thread server(
        feedbench::data::generate_synthetic({.feeds = 3, .median_bytes = 10'000}));
    auto cfg = python_config(server, "whole", 0, "whole");  // 0: one job per manifest entry of the formats
    std::uint64_t jobs = 0, bytes = 0, items = 0;
    for (auto& f : server.corpus().feeds) {
        using ff = feedbench::data::feed_format;
        if (f.format != ff::rss && f.format != ff::atom && f.format != ff::jsonfeed) continue;
        ++jobs;
        bytes += f.bytes();
        items += f.items;
    }
    auto r = ext::run_external(cfg);
    EXPECT_EQ(r.exit_status, 0);
    EXPECT_EQ(r.jobs, jobs);
    EXPECT_EQ(r.ok, jobs);
    EXPECT_EQ(r.bytes, bytes);
    EXPECT_EQ(r.items, items);
    EXPECT_GT(r.cpu_s(), 0.0);
    EXPECT_GT(r.jobs_per_s, 0.0);
    EXPECT_FALSE(r.timed_out);
}

TEST(ExternalWorker, PythonOriginalStackOneByteReads) {
    if (auto why = python_skip_reason(); !why.empty()) GTEST_SKIP() << why;
    feedbench::feedserver::server_thread server(
        feedbench::data::generate_synthetic({.feeds = 1, .median_bytes = 4'000}));
    auto r = ext::run_external(python_config(server, "1", 3, "one"));
    EXPECT_EQ(r.exit_status, 0);
    EXPECT_EQ(r.ok, 3u);
    EXPECT_EQ(r.failed, 0u);
}

TEST(ExternalWorker, MissingProgramThrows) {
    ext::external_config c;
    c.command = {"/nonexistent/worker"};
    c.server_url = "http://127.0.0.1:1";
    c.out_dir = fs::path(testing::TempDir()) / ("external-missing-" + std::to_string(::getpid()));
    EXPECT_THROW(ext::run_external(c), std::runtime_error);
}
