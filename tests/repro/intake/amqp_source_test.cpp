// AMQP intake against a private RabbitMQ (scripts/broker.sh, one port per test): consume and get counts,
// redelivery of unacked jobs, broker restart mid-run, unreachable broker. Skipped without rabbitmq-server.
#include "repro/feedpublish/publisher.hpp"
#include "repro/intake/amqp_source.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <thread>

namespace {

namespace net = boost::asio;
using feedbench::intake::amqp_options;
using feedbench::intake::amqp_source;
using feedbench::intake::job;

std::string broker_script() {
    if (const char* src = std::getenv("FEEDBENCH_SOURCE_DIR")) return std::string(src) + "/scripts/broker.sh";
    return FEEDBENCH_BROKER_SCRIPT;
}

// Brokers of two checkouts tested at once on one machine must not meet: FEEDBENCH_TEST_PORT_OFFSET=N moves
// every test broker N ports up (its state folder follows the port).
unsigned short test_port(unsigned short base) {
    const char* offset = std::getenv("FEEDBENCH_TEST_PORT_OFFSET");
    return static_cast<unsigned short>(base + (offset ? std::atoi(offset) : 0));
}

bool rabbitmq_installed() { return std::filesystem::exists("/usr/lib/rabbitmq/bin/rabbitmq-server"); }

int broker(const std::string& args) {
    return std::system(fmt::format("{} {} >/dev/null", broker_script(), args).c_str());
}

// A private broker on a test-specific port (one fixture per test: ctest -j runs them in parallel), started fresh and stopped (with its epmd) at the end.
class amqp_intake : public ::testing::Test {
protected:
    virtual unsigned short port() const = 0;

    void SetUp() override {
        if (!rabbitmq_installed())
            GTEST_SKIP() << "rabbitmq-server is not installed (apt-get install rabbitmq-server): AMQP test skipped";
        ASSERT_EQ(broker(fmt::format("start --fresh --port {}", port())), 0) << "scripts/broker.sh start failed";
        started_ = true;
        target_.host = "127.0.0.1";
        target_.port = port();
        target_.queue = "feedbench.test";
    }
    void TearDown() override {
        if (started_) broker(fmt::format("stop --port {}", port()));
    }

    void publish(const std::vector<std::string>& ids) {
        feedbench::publish::publish_options opt;
        opt.target = target_;
        opt.ids = ids;
        opt.purge = true;
        auto r = feedbench::publish::publish_jobs(opt);
        ASSERT_EQ(r.published, ids.size());
        ASSERT_EQ(r.confirmed, ids.size());
        ASSERT_EQ(r.nacked, 0u);
    }

    static std::vector<std::string> numbered(const std::string& stem, std::size_t n) {
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < n; ++i) ids.push_back(fmt::format("{}-{:03}", stem, i));
        return ids;
    }

    amqp_options options(std::string mode, std::size_t prefetch = 10) const {
        amqp_options o = target_;
        o.mode = feedbench::core::parse_amqp_mode(mode);
        o.prefetch = prefetch;
        o.idle_timeout_ms = 400;
        return o;
    }

    // Runs `pool` coroutines that take jobs until next() says no more, holding each job `job_ms`, then ack.
    static std::map<std::string, int> drain(net::io_context& io, amqp_source& source, std::size_t pool,
                                            std::set<std::string>* redelivered = nullptr, int job_ms = 0,
                                            std::function<void(std::size_t)> after_ack = {}) {
        std::map<std::string, int> seen;
        std::size_t acked = 0;
        for (std::size_t c = 0; c < pool; ++c) {
            net::spawn(io, [&](net::yield_context yield) {
                net::steady_timer hold(io);
                while (auto j = source.next(yield)) {
                    ++seen[j->feed_id];
                    if (redelivered && j->redelivered) redelivered->insert(j->feed_id);
                    if (job_ms > 0) {
                        hold.expires_after(std::chrono::milliseconds(job_ms));
                        hold.async_wait(yield);
                    }
                    source.ack(*j, yield);
                    if (after_ack) after_ack(++acked);
                }
            });
        }
        io.run();
        io.restart();
        return seen;
    }

    amqp_options target_;
    bool started_ = false;
};

class amqp_consume : public amqp_intake {
protected:
    unsigned short port() const override { return test_port(5681); }
};
class amqp_consume_quota : public amqp_intake {
protected:
    unsigned short port() const override { return test_port(5685); }
};
class amqp_get : public amqp_intake {
protected:
    unsigned short port() const override { return test_port(5682); }
};
class amqp_redelivery : public amqp_intake {
protected:
    unsigned short port() const override { return test_port(5683); }
};
class amqp_restart : public amqp_intake {
protected:
    unsigned short port() const override { return test_port(5684); }
};

TEST_F(amqp_consume, pool_of_coroutines_gets_every_job_once_with_prefetch_10) {
    const auto ids = numbered("feed", 200);
    publish(ids);
    net::io_context io;
    amqp_source source(io, options("consume", 10));
    auto seen = drain(io, source, 8);
    ASSERT_EQ(seen.size(), ids.size());
    for (const auto& id : ids) EXPECT_EQ(seen[id], 1) << id;
    auto c = source.counters();
    EXPECT_EQ(c.deliveries, 200u);
    EXPECT_EQ(c.acks, 200u);
    EXPECT_EQ(c.redeliveries, 0u);
    EXPECT_EQ(c.gets, 0u);
    EXPECT_EQ(c.empty_gets, 0u);
    EXPECT_EQ(feedbench::publish::queue_depth(target_), 0u);
}

TEST_F(amqp_consume_quota, max_jobs_stops_after_that_many_deliveries) {
    publish(numbered("feed", 30));
    net::io_context io;
    auto opt = options("consume", 5);
    opt.max_jobs = 12;
    amqp_source source(io, opt);
    auto seen = drain(io, source, 4);
    std::size_t total = 0;
    for (auto& [id, n] : seen) total += n;
    EXPECT_EQ(total, 12u);
    EXPECT_EQ(source.counters().acks, 12u);

    // More coroutines than jobs left, in get mode: every one of them is told "no more", none hangs.
    net::io_context io2;
    auto get_opt = options("get");
    get_opt.max_jobs = 7;
    amqp_source getter(io2, get_opt);
    auto got = drain(io2, getter, 20);
    total = 0;
    for (auto& [id, n] : got) total += n;
    EXPECT_EQ(total, 7u);
    EXPECT_EQ(getter.counters().gets, 7u)
        << "empty gets " << getter.counters().empty_gets << ", deliveries " << getter.counters().deliveries;
}

TEST_F(amqp_get, polling_counts_every_get_and_every_empty_answer) {
    const auto ids = numbered("feed", 50);
    publish(ids);
    net::io_context io;
    amqp_source source(io, options("get"));
    auto seen = drain(io, source, 5);
    ASSERT_EQ(seen.size(), ids.size());
    for (const auto& id : ids) EXPECT_EQ(seen[id], 1) << id;
    auto c = source.counters();
    EXPECT_EQ(c.deliveries, 50u);
    EXPECT_EQ(c.acks, 50u);
    EXPECT_GE(c.gets, c.deliveries);
    EXPECT_GE(c.empty_gets, 1u);                     // the drained queue answered get-empty until the idle timeout
    EXPECT_EQ(c.gets, c.deliveries + c.empty_gets);  // every get answered exactly once
}

TEST_F(amqp_redelivery, unacked_jobs_come_back_redelivered_when_the_source_goes_away) {
    publish(numbered("feed", 5));
    std::set<std::string> taken;
    {
        net::io_context io;
        auto opt = options("consume", 3);
        amqp_source first(io, opt);
        net::spawn(io, [&](net::yield_context yield) {
            for (int i = 0; i < 3; ++i) {
                auto j = first.next(yield);
                ASSERT_TRUE(j);
                EXPECT_FALSE(j->redelivered);
                taken.insert(j->feed_id);
            }
        });
        io.run();
    }  // destroyed without acking: the broker requeues the three
    ASSERT_EQ(taken.size(), 3u);
    net::io_context io;
    amqp_source second(io, options("consume", 10));
    std::set<std::string> redelivered;
    auto seen = drain(io, second, 2, &redelivered);
    EXPECT_EQ(seen.size(), 5u);
    EXPECT_EQ(redelivered, taken);
    EXPECT_EQ(second.counters().redeliveries, 3u);
    EXPECT_EQ(second.counters().deliveries, 5u);
}

TEST_F(amqp_restart, broker_restart_mid_run_reconnects_and_every_job_is_recorded_once) {
    const auto ids = numbered("feed", 300);
    publish(ids);
    net::io_context io;
    auto opt = options("consume", 10);
    opt.idle_timeout_ms = 1500;
    amqp_source source(io, opt);
    std::thread restarter;
    // At the 100th ack the broker stops (this blocks the loop on purpose: jobs are in flight and prefetched),
    // then starts again in the background (keeping its data: persistent jobs survive) while the source reconnects.
    auto seen = drain(io, source, 4, nullptr, 2, [&](std::size_t acked) {
        if (acked != 100) return;
        broker(fmt::format("stop --port {}", port()));
        restarter = std::thread([this] { broker(fmt::format("start --port {}", port())); });
    });
    if (restarter.joinable()) restarter.join();
    ASSERT_EQ(seen.size(), ids.size());
    for (const auto& id : ids) EXPECT_EQ(seen[id], 1) << id;
    auto x = source.extra_counters();
    EXPECT_GE(x.reconnects, 1u);
    EXPECT_GE(source.counters().redeliveries, 1u);  // what was in flight or prefetched came back
    EXPECT_EQ(feedbench::publish::queue_depth(target_), 0u);
    std::printf(
        "restart: deliveries %llu redeliveries %llu acks %llu reconnects %llu duplicates %llu stale acks %llu\n",
        static_cast<unsigned long long>(source.counters().deliveries),
        static_cast<unsigned long long>(source.counters().redeliveries),
        static_cast<unsigned long long>(source.counters().acks), static_cast<unsigned long long>(x.reconnects),
        static_cast<unsigned long long>(x.duplicates), static_cast<unsigned long long>(x.stale_acks));
}

TEST(amqp_unreachable, broker_not_listening_is_a_clear_error_at_once) {
    net::io_context io;
    amqp_options opt;
    opt.host = "127.0.0.1";
    opt.port = 5699;  // nothing listens here
    try {
        amqp_source source(io, opt);
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "cannot reach AMQP broker at 127.0.0.1:5699: connection refused");
    }
}

TEST(amqp_url, parses_host_port_and_queue) {
    auto o = amqp_options::parse_url("amqp://127.0.0.1:5673/feedbench.jobs");
    EXPECT_EQ(o.host, "127.0.0.1");
    EXPECT_EQ(o.port, 5673);
    EXPECT_EQ(o.queue, "feedbench.jobs");
    auto d = amqp_options::parse_url("amqp://localhost");
    EXPECT_EQ(d.host, "localhost");
    EXPECT_EQ(d.port, 5672);
    EXPECT_EQ(d.queue, "feedbench.jobs");
    EXPECT_THROW(amqp_options::parse_url("http://127.0.0.1/q"), std::invalid_argument);
    EXPECT_THROW(amqp_options::parse_url("amqp://127.0.0.1:0/q"), std::invalid_argument);
    EXPECT_THROW(amqp_options::parse_url("amqp://:5672/q"), std::invalid_argument);
    EXPECT_THROW(amqp_options::parse_url("amqp://h:5672/a/b"), std::invalid_argument);
}

TEST(amqp_manifest, ids_of_the_wanted_formats_in_order) {
    const std::string tsv =
        "id\tpath\tformat\tbytes\tcharset\tcontent_type\titems\n"
        "feed-000-rss\t/feeds/feed-000-rss.xml\trss\t100\t\ttext/xml\t3\n"
        "feed-000-json\t/feeds/feed-000.json\tjsonfeed\t100\t\tapplication/json\t3\n"
        "page\t/feeds/page.html\thtml\t10\t\ttext/html\t0\n";
    using feedbench::publish::manifest_ids;
    EXPECT_EQ(manifest_ids(tsv, "rss+atom+jsonfeed"), (std::vector<std::string>{"feed-000-rss", "feed-000-json"}));
    EXPECT_EQ(manifest_ids(tsv, "all").size(), 3u);
    EXPECT_THROW(manifest_ids("name\tpath\n", "all"), std::runtime_error);
}

}  // namespace
