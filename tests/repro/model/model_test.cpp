// The model's arithmetic on fixed constants: reads per job, CPU per job, the pool's overlap.
#include "repro/model/model.hpp"

#include <gtest/gtest.h>

using namespace feedbench;
using model::constants;
using model::workload;

namespace {
constants fixed() {
    constants c;
    c.parse_ns_per_byte = 2.0;
    c.recv_ns = {{1, 200.0}, {1024, 600.0}, {10240, 5400.0}, {512000, 40000.0}};
    c.switch_ns = 100.0;
    c.request_cpu_ns = 10'000.0;
    c.request_wall_ns = 40'000.0;
    return c;
}
}  // namespace

TEST(model, reads_per_job_counts_every_recv) {
    workload w{50'000, 200};
    EXPECT_DOUBLE_EQ(model::reads_per_job(w, worker::read_size::parse("1")), 50'200.0);
    EXPECT_DOUBLE_EQ(model::reads_per_job(w, worker::read_size::parse("10k")), 5.0);
    EXPECT_DOUBLE_EQ(model::reads_per_job(w, worker::read_size::parse("whole")), 1.0);
    workload big{100'000, 200};
    EXPECT_DOUBLE_EQ(model::reads_per_job(big, worker::read_size::parse("whole")), 2.0);
}

TEST(model, recv_cost_interpolates_and_clamps) {
    auto c = fixed();
    EXPECT_DOUBLE_EQ(model::recv_ns_at(c, 1), 200.0);
    EXPECT_DOUBLE_EQ(model::recv_ns_at(c, 1024), 600.0);
    double mid = model::recv_ns_at(c, 4096);
    EXPECT_GT(mid, 600.0);
    EXPECT_LT(mid, 5400.0);
    EXPECT_DOUBLE_EQ(model::recv_ns_at(c, 1'024'000), 80'000.0);  // beyond the table: per byte
}

TEST(model, one_byte_reads_are_cpu_bound_by_syscalls) {
    auto c = fixed();
    workload w{50'000, 200};
    auto p1 = model::predict(c, w, worker::read_size::parse("1"), worker::pool_spec::parse("20"));
    // 50 200 reads x 200 ns + 100 000 parse + 10 000 request + 200 switches
    EXPECT_NEAR(p1.cpu_ns_per_job, 50'200 * 200.0 + 100'000 + 10'000 + 200, 1.0);
    EXPECT_EQ(p1.bound, "cpu");
    auto pw = model::predict(c, w, worker::read_size::parse("whole"), worker::pool_spec::parse("20"));
    EXPECT_GT(pw.jobs_per_s / p1.jobs_per_s, 10.0);
}

TEST(model, serial_pays_the_request_latency_and_pool_hides_it) {
    auto c = fixed();
    workload w{50'000, 200};
    auto serial = model::predict(c, w, worker::read_size::parse("whole"), worker::pool_spec::parse("1"));
    auto pooled = model::predict(c, w, worker::read_size::parse("whole"), worker::pool_spec::parse("20"));
    EXPECT_EQ(serial.bound, "latency");
    EXPECT_NEAR(serial.jobs_per_s, 1e9 / (serial.cpu_ns_per_job + 40'000.0), 1e-6);
    EXPECT_EQ(pooled.bound, "cpu");
    EXPECT_GT(pooled.jobs_per_s, serial.jobs_per_s);
}

TEST(model, anchoring_recovers_the_request_costs) {
    auto c = fixed();
    workload w{50'000, 200};
    auto truth = model::predict(c, w, worker::read_size::parse("whole"), worker::pool_spec::parse("1"));
    auto d = c;
    d.request_cpu_ns = d.request_wall_ns = 0;
    model::anchor_request_costs(d, w, truth.cpu_ns_per_job, truth.wall_ns_per_job, "whole eager pool 1");
    EXPECT_NEAR(d.request_cpu_ns, 10'000.0, 1e-6);
    EXPECT_NEAR(d.request_wall_ns, 40'000.0, 1e-6);
}

TEST(model, calibration_measures_positive_costs) {
    std::string rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
                      "<item><title>a</title><link>http://x/a</link></item></channel></rss>";
    auto c = model::calibrate({rss}, {1, 1024});
    EXPECT_GT(c.recv_ns.at(1), 0.0);
    EXPECT_GT(c.recv_ns.at(1024), 0.0);
    EXPECT_GT(c.switch_ns, 0.0);
    EXPECT_GT(c.parse_ns_per_byte, 0.0);
}
