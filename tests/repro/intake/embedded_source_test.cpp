// The embedded intake: manifest entries filtered by format, ids repeated up to the job count, a queue
// that hands each job out once and counts gets, empty gets, deliveries and acks.
#include "repro/intake/embedded_source.hpp"
#include "repro/intake/manifest_client.hpp"
#include "repro/intake/source_factory.hpp"

#include "feedserver/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/spawn.hpp>
#include <gtest/gtest.h>

namespace {

using namespace feedbench;
namespace net = boost::asio;

std::vector<data::manifest_entry> entries() {
    std::vector<data::manifest_entry> v;
    auto add = [&](std::string id, data::feed_format f) {
        data::manifest_entry e;
        e.id = id;
        e.path = "/feeds/" + id;
        e.format = f;
        v.push_back(e);
    };
    add("a-rss", data::feed_format::rss);
    add("a-atom", data::feed_format::atom);
    add("a-json", data::feed_format::jsonfeed);
    add("b-html", data::feed_format::html);
    add("b-rdf", data::feed_format::rdf);
    return v;
}

TEST(PlanJobs, FiltersByFormatAndRepeats) {
    auto jobs = intake::plan_jobs(entries(), "rss+atom+jsonfeed", 0);
    ASSERT_EQ(jobs.size(), 3u);
    EXPECT_EQ(jobs[0].feed_id, "a-rss");
    EXPECT_EQ(jobs[2].path, "/feeds/a-json");
    jobs = intake::plan_jobs(entries(), "all", 0);
    EXPECT_EQ(jobs.size(), 5u);
    jobs = intake::plan_jobs(entries(), "rss+rdf", 7);
    ASSERT_EQ(jobs.size(), 7u);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        EXPECT_EQ(jobs[i].seq, i);
        EXPECT_EQ(jobs[i].feed_id, i % 2 == 0 ? "a-rss" : "b-rdf");
    }
    EXPECT_THROW(intake::plan_jobs(entries(), "rss+podcast", 0), std::invalid_argument);
    EXPECT_THROW(intake::plan_jobs(entries(), "json", 0), std::runtime_error);
}

TEST(EmbeddedSource, HandsOutEachJobOnceAndCounts) {
    net::io_context io;
    intake::embedded_source src(intake::plan_jobs(entries(), "all", 4));
    std::vector<std::uint64_t> seen;
    net::spawn(io, [&](net::yield_context yield) {
        while (auto j = src.next(yield)) {
            seen.push_back(j->seq);
            src.ack(*j, yield);
        }
        EXPECT_FALSE(src.next(yield).has_value());
    });
    io.run();
    EXPECT_EQ(seen, (std::vector<std::uint64_t>{0, 1, 2, 3}));
    const auto c = src.counters();
    EXPECT_EQ(c.deliveries, 4u);
    EXPECT_EQ(c.acks, 4u);
    EXPECT_EQ(c.gets, 6u);
    EXPECT_EQ(c.empty_gets, 2u);
}

TEST(EmbeddedSource, ManifestFromTheFeedServer) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 3}));
    const net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), server.port());
    const auto manifest = data::parse_manifest(intake::fetch_manifest(ep, "127.0.0.1"));
    EXPECT_EQ(manifest.size(), server.corpus().feeds.size());
    intake::intake_options opt;
    opt.jobs = 20;
    net::io_context io;
    auto src = intake::make_job_source(opt, manifest, io);
    std::size_t n = 0;
    net::spawn(io, [&](net::yield_context yield) {
        while (auto j = src->next(yield)) {
            EXPECT_NE(server.corpus().find_by_path(j->path), nullptr) << j->path;
            ++n;
        }
    });
    io.run();
    EXPECT_EQ(n, 20u);
}

TEST(SourceFactory, RejectsUnknownIntake) {
    intake::intake_options opt;
    opt.intake = "carrier-pigeon";
    net::io_context io;
    EXPECT_THROW(intake::make_job_source(opt, entries(), io), std::invalid_argument);
    EXPECT_THROW(intake::is_embedded(opt), std::invalid_argument);
    opt.intake = "embedded";
    EXPECT_TRUE(intake::is_embedded(opt));
}

TEST(FetchManifest, UnreachableServerThrows) {
    net::io_context io;
    net::ip::tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    const auto ep = a.local_endpoint();
    a.close();
    EXPECT_THROW(intake::fetch_manifest(ep, "127.0.0.1"), std::runtime_error);
}

}  // namespace
