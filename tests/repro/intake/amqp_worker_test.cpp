// The worker with AMQP intake, end to end: feedpublish's library fills a private broker's queue, run() takes
// the jobs (get and consume) from an in-process feed server; a broker restart mid-run loses and doubles nothing.
#include "repro/feedpublish/publisher.hpp"
#include "repro/worker/run.hpp"

#include "data/corpus.hpp"
#include "feedserver/server.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace {

using namespace feedbench;

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

int broker(const std::string& args) {
    return std::system(fmt::format("{} {} >/dev/null", broker_script(), args).c_str());
}

// Socket inodes ("socket:[N]") the process has open.
std::set<std::string> sockets_of(const std::string& pid) {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc/" + pid + "/fd", ec)) {
        auto target = std::filesystem::read_symlink(e.path(), ec).string();
        if (!ec && target.rfind("socket:", 0) == 0) out.insert(target);
    }
    return out;
}

// The other processes that hold one of this process's sockets.
std::vector<std::string> holders_of_my_sockets() {
    const auto mine = sockets_of("self");
    const std::string self = std::to_string(::getpid());
    std::vector<std::string> holders;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
        const auto pid = e.path().filename().string();
        if (pid == self || pid.find_first_not_of("0123456789") != std::string::npos) continue;
        for (const auto& s : sockets_of(pid))
            if (mine.count(s)) {
                holders.push_back(pid);
                break;
            }
    }
    return holders;
}

class amqp_worker : public ::testing::Test {
protected:
    virtual unsigned short port() const = 0;

    void SetUp() override {
        if (!std::filesystem::exists("/usr/lib/rabbitmq/bin/rabbitmq-server"))
            GTEST_SKIP() << "rabbitmq-server is not installed (apt-get install rabbitmq-server): AMQP test skipped";
        ASSERT_EQ(broker(fmt::format("start --fresh --port {}", port())), 0) << "scripts/broker.sh start failed";
        started_ = true;
        data::synthetic_options so;
        so.feeds = 4;
        so.median_bytes = 4000;
        server_.emplace(data::generate_synthetic(so));
        for (const auto& f : server_->corpus().feeds) ids_.push_back(f.id);
        target_.host = "127.0.0.1";
        target_.port = port();
        target_.queue = "feedbench.worker";
    }
    void TearDown() override {
        server_.reset();
        if (started_) broker(fmt::format("stop --port {}", port()));
    }

    // Publishes n jobs (ids cycled); returns how many times each id was published.
    std::map<std::string, std::size_t> publish(std::size_t n) {
        publish::publish_options opt;
        opt.target = target_;
        opt.ids = ids_;
        opt.jobs = n;
        opt.purge = true;
        auto r = publish::publish_jobs(opt);
        EXPECT_EQ(r.confirmed, n);
        std::map<std::string, std::size_t> per_id;
        for (std::size_t i = 0; i < n; ++i) ++per_id[ids_[i % ids_.size()]];
        return per_id;
    }

    worker::worker_config config(const std::string& mode, std::size_t jobs) const {
        worker::worker_config cfg;
        cfg.server_url = server_->base_url();
        cfg.formats = "all";
        cfg.pool = core::pool_spec::parse("20");
        cfg.jobs = jobs;
        cfg.intake = fmt::format("amqp://127.0.0.1:{}/{}", port(), target_.queue);
        cfg.amqp_mode = core::parse_amqp_mode(mode);
        cfg.prefetch = 10;
        return cfg;
    }

    static std::map<std::string, std::size_t> per_feed(const worker::run_output& out) {
        std::map<std::string, std::size_t> m;
        for (const auto& r : out.records) ++m[r.feed];
        return m;
    }

    std::optional<feedserver::server_thread> server_;
    std::vector<std::string> ids_;
    intake::amqp_options target_;
    bool started_ = false;
};

class amqp_worker_modes : public amqp_worker {
protected:
    unsigned short port() const override { return test_port(5686); }
};
class amqp_worker_restart : public amqp_worker {
protected:
    unsigned short port() const override { return test_port(5687); }
};

TEST_F(amqp_worker_modes, get_and_consume_record_every_published_job_once) {
    for (const std::string mode : {"get", "consume"}) {
        SCOPED_TRACE(mode);
        const std::size_t n = 300;
        const auto published = publish(n);
        const auto out = worker::run(config(mode, n));
        EXPECT_EQ(out.summary.jobs, n);
        EXPECT_EQ(out.summary.ok + out.summary.failed, n);
        EXPECT_EQ(out.records.size(), n);
        EXPECT_EQ(per_feed(out), published);
        EXPECT_EQ(out.summary.intake_deliveries, n);
        EXPECT_EQ(out.summary.intake_redeliveries, 0u);
        if (mode == "get")
            EXPECT_EQ(out.summary.intake_gets, n);  // a full queue: one get per job
        else
            EXPECT_EQ(out.summary.intake_gets, 0u);
        EXPECT_EQ(publish::queue_depth(target_), 0u);
    }
}

TEST_F(amqp_worker_restart, broker_restart_mid_run_loses_nothing_and_records_nothing_twice) {
    const std::size_t n = 4000;
    const auto published = publish(n);
    auto cfg = config("consume", n);
    cfg.query = "delay=20";         // 20 pooled jobs of >= 20 ms each: the run lasts seconds
    cfg.read_timeout_ms = 120'000;  // the run is held while the broker stops (below): no read may time out then
    // The restart lands inside the run by the run's own events, not by a delay: at 100 jobs recorded the run is
    // held (the progress callback blocks the worker thread) until the broker has stopped, so the jobs in flight
    // are unacked when it goes down, however long the stop takes on a loaded machine.
    std::mutex m;
    std::condition_variable cv;
    bool running = false, stopped = false;
    std::thread restarter([&] {
        {
            std::unique_lock lock(m);
            cv.wait_for(lock, std::chrono::seconds(120), [&] { return running; });
        }
        broker(fmt::format("stop --port {}", port()));
        {
            std::lock_guard lock(m);
            stopped = true;
            cv.notify_all();
        }
        broker(fmt::format("start --port {}", port()));  // keeps its data: the persistent jobs are still there
    });
    bool held = false;
    const auto out = worker::run(cfg, [&](std::size_t done, std::size_t) {
        if (done < 100 || held) return;
        held = true;
        std::unique_lock lock(m);
        running = true;
        cv.notify_all();
        cv.wait_for(lock, std::chrono::seconds(120), [&] { return stopped; });
    });
    {
        std::lock_guard lock(m);
        running = true;  // the run is over: the restarter must not wait on
        cv.notify_all();
    }
    restarter.join();
    EXPECT_EQ(out.summary.jobs, n);
    // The feed server never went away: every fetch succeeds (a source torn down while it waited once left jobs
    // hanging until their deadline, or crashed the worker).
    EXPECT_EQ(out.summary.ok, n);
    EXPECT_EQ(out.records.size(), n);
    EXPECT_EQ(per_feed(out), published);             // none lost, none recorded twice
    EXPECT_GE(out.summary.intake_redeliveries, 1u);  // the jobs in flight at the restart came back
    EXPECT_EQ(publish::queue_depth(target_), 0u);
    // The broker restarted while this process served HTTP: it holds none of its sockets (the feed server's
    // listening socket among them), so a connection this process closes is closed.
    const auto holders = holders_of_my_sockets();
    EXPECT_TRUE(holders.empty()) << "process " << holders.front() << " holds a socket of this test";
    std::printf("worker restart: %zu jobs, ok %zu, failed %zu, deliveries %llu, redeliveries %llu, wall %.1f s\n",
                out.summary.jobs, out.summary.ok, out.summary.failed,
                static_cast<unsigned long long>(out.summary.intake_deliveries),
                static_cast<unsigned long long>(out.summary.intake_redeliveries), out.summary.wall_s);
}

}  // namespace
