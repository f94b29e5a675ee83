// The harness starts the embedded feed server only when no URL is given, and runs the worker over it.
#include "repro/harness/feed_server.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace feedbench;

TEST(FeedServer, StartsTheEmbeddedServerWhenNoUrlIsGiven) {
    worker::worker_config cfg;
    cfg.corpus_feeds = 2;
    const harness::feed_server server(cfg);
    ASSERT_NE(server.embedded(), nullptr);
    EXPECT_EQ(server.url(), server.embedded()->base_url());
    EXPECT_EQ(server.corpus_name(), "synthetic(seed=2012,feeds=2)");
    EXPECT_EQ(server.embedded()->corpus().feeds.size(), 6u);  // rss, atom and jsonfeed of each feed
}

TEST(FeedServer, UsesTheGivenUrlAndStartsNothing) {
    worker::worker_config cfg;
    cfg.server_url = "http://127.0.0.1:1";
    const harness::feed_server server(cfg);
    EXPECT_EQ(server.embedded(), nullptr);
    EXPECT_EQ(server.url(), "http://127.0.0.1:1");
    EXPECT_EQ(server.corpus_name(), "(remote)");
}

TEST(RunWorker, RunsEveryJobAgainstTheEmbeddedServer) {
    worker::worker_config cfg;
    cfg.corpus_feeds = 2;
    cfg.jobs = 9;
    cfg.pool = core::pool_spec::parse("3");
    const auto out = harness::run_worker(cfg);
    EXPECT_EQ(out.summary.jobs, 9u);
    EXPECT_EQ(out.summary.ok + out.summary.failed, 9u);
    EXPECT_EQ(out.summary.ok, 9u);
}

TEST(RunWorker, ABadConfigurationStartsNoServer) {
    worker::worker_config cfg;
    cfg.client = core::client_kind::curl;
    cfg.reads = core::read_size::parse("1");  // below libcurl's minimum buffer
    cfg.corpus = "/nonexistent/folder";       // would throw a different error if a server were started
    EXPECT_THROW(harness::run_worker(cfg), std::invalid_argument);
}

}  // namespace
