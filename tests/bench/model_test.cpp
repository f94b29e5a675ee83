// The throughput model on fixed constants: read counts, interpolation, eager vs lazy parse cost,
// the CPU bound vs the latency bound, and the TSV.
#include "bench/model/model.hpp"

#include <gtest/gtest.h>

namespace bm = feedbench::bench_model;

namespace {
bm::constants fixed() {
    bm::constants c;
    c.read_ns = {{1, 200}, {1024, 600}, {10240, 5000}, {50000, 20000}};
    c.eager_ns_per_byte = 5;
    c.lazy_base_ns_per_byte = 5;
    c.lazy_chunk_ns = 150;
    c.request_cpu_ns = 10'000;
    c.wait_ns = 40'000;
    return c;
}
}  // namespace

TEST(model, read_cost_interpolates_in_log_bytes) {
    auto const c = fixed();
    EXPECT_DOUBLE_EQ(bm::read_ns_at(c, 1), 200);
    EXPECT_DOUBLE_EQ(bm::read_ns_at(c, 0.5), 200);
    EXPECT_DOUBLE_EQ(bm::read_ns_at(c, 1024), 600);
    EXPECT_NEAR(bm::read_ns_at(c, 32), 400, 1e-9);       // halfway between 1 and 1024 in log2
    EXPECT_DOUBLE_EQ(bm::read_ns_at(c, 100000), 40000);  // beyond the table: proportional
}

TEST(model, lazy_one_byte_reads_cost_per_byte_and_eager_whole_does_not) {
    auto const c = fixed();
    auto const lazy1 = bm::predict(c, 50'000, 1, 20, bm::consume::lazy);
    EXPECT_DOUBLE_EQ(lazy1.reads, 50'000);
    EXPECT_DOUBLE_EQ(lazy1.read_us, 50'000 * 200 / 1e3);
    EXPECT_DOUBLE_EQ(lazy1.parse_us, (50'000 * 5 + 50'000 * 150) / 1e3);
    EXPECT_EQ(lazy1.bound, "cpu");
    EXPECT_NEAR(lazy1.jobs_per_s, 1e6 / (10'000 + 250 + 7'500 + 10), 1e-6);

    auto const eager_whole = bm::predict(c, 50'000, 0, 20, bm::consume::eager);
    EXPECT_DOUBLE_EQ(eager_whole.reads, 1);
    EXPECT_DOUBLE_EQ(eager_whole.read_us, 20);
    EXPECT_GT(eager_whole.jobs_per_s, 10 * lazy1.jobs_per_s);

    auto const tenk = bm::predict(c, 50'000, 10240, 20, bm::consume::lazy);
    EXPECT_DOUBLE_EQ(tenk.reads, 5);
}

TEST(model, serial_pool_is_latency_bound_and_pools_cap_at_cpu) {
    auto const c = fixed();
    auto const serial = bm::predict(c, 50'000, 0, 1, bm::consume::eager);
    EXPECT_EQ(serial.bound, "latency");
    EXPECT_NEAR(serial.jobs_per_s, 1e6 / (serial.cpu_us + 40), 1e-9);
    auto const pool = bm::predict(c, 50'000, 0, 20, bm::consume::eager);
    EXPECT_EQ(pool.bound, "cpu");
    EXPECT_NEAR(pool.jobs_per_s, 1e6 / pool.cpu_us, 1e-9);
    auto const tsv = bm::predictions_tsv({serial, pool});
    EXPECT_EQ(
        tsv.substr(0, tsv.find('\n')),
        "read_size\tpool\tconsume\treads\tread_us\tparse_us\trequest_us\twait_us\tcpu_us\tpredicted_jobs_per_s\tbound");
    EXPECT_NE(tsv.find("whole\t1\teager"), std::string::npos);
}

TEST(model, missing_bench_folder_is_an_error) {
    EXPECT_THROW(bm::constants_from_bench("/nonexistent/bench"), std::runtime_error);
}

TEST(model, paced_server_and_yields_add_wait_and_cpu) {
    auto c = fixed();
    c.yield_ns = 500;
    bm::scenario s;
    s.yields_per_job = 100;
    s.rate_bytes_per_s = 1e6;  // 50 kB at 1 MB/s = 50 ms
    s.delay_mean_ms = 10;
    auto const plain = bm::predict(c, 50'000, 0, 20, bm::consume::eager);
    auto const paced = bm::predict(c, 50'000, 0, 20, bm::consume::eager, s);
    EXPECT_NEAR(paced.cpu_us - plain.cpu_us, 100 * 0.5, 1e-9);
    EXPECT_NEAR(paced.wait_us, 40 + 10'000 + 50'000, 1e-9);
    EXPECT_EQ(paced.bound, "latency");
    EXPECT_NEAR(paced.jobs_per_s, 20 * 1e6 / (paced.cpu_us + paced.wait_us), 1e-9);
}
