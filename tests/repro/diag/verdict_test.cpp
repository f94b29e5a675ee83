// The verdict on fixed inputs at and around each threshold, the prediction's arithmetic, the written forms.
#include "repro/diag/report.hpp"
#include "repro/diag/verdict.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cerrno>

namespace diag = feedbench::diag;

namespace {

diag::trace_counts tiny_counts() {
    diag::trace_counts c;
    c.add_recv(1, 5, 1, 100'000);
    c.add_recv(1, 5, 200, 10);
    c.add_recv(1, 5, -EAGAIN, 50);
    c.add_wait(1, 50, 10'000'000);  // 10 ms
    return c;
}

}  // namespace

TEST(Verdict, TinyReadsWhenMedianSmallAndBusy) {
    auto in = diag::make_inputs(tiny_counts(), 10.0, 6.0, 0.0);
    auto v = diag::decide(in);
    EXPECT_EQ(v.kind, diag::verdict_kind::tiny_reads);
    EXPECT_NE(v.reason.find("median 1 B"), std::string::npos);
}

TEST(Verdict, RunnableTimeCountsAsBusy) {
    // CPU 30% of wall, runnable another 30%: busy 60% (a CPU-bound process on a shared machine).
    auto v = diag::decide(diag::make_inputs(tiny_counts(), 10.0, 3.0, 3.0));
    EXPECT_EQ(v.kind, diag::verdict_kind::tiny_reads);
}

TEST(Verdict, TinyButIdleIsNotTinyReads) {
    auto v = diag::decide(diag::make_inputs(tiny_counts(), 10.0, 3.0, 1.0));  // busy 40%, waits 0.1%
    EXPECT_EQ(v.kind, diag::verdict_kind::healthy);
}

TEST(Verdict, MedianAboveThresholdIsHealthy) {
    diag::trace_counts c;
    c.add_recv(1, 5, 17, 1000);
    EXPECT_EQ(diag::decide(diag::make_inputs(c, 1.0, 1.0, 0)).kind, diag::verdict_kind::healthy);
    diag::trace_counts d;
    d.add_recv(1, 5, 16, 1000);
    EXPECT_EQ(diag::decide(diag::make_inputs(d, 1.0, 1.0, 0)).kind, diag::verdict_kind::tiny_reads);
}

TEST(Verdict, TooFewCallsIsNotTinyReads) {
    diag::trace_counts c;
    c.add_recv(1, 5, 1, 99);
    EXPECT_EQ(diag::decide(diag::make_inputs(c, 1.0, 1.0, 0)).kind, diag::verdict_kind::healthy);
}

TEST(Verdict, WaitingInReads) {
    diag::trace_counts c;
    c.add_recv(1, 5, 4096, 500);
    c.add_wait(1, 500, 8'000'000'000);  // 8 s of 10 s wall
    auto v = diag::decide(diag::make_inputs(c, 10.0, 1.0, 0.0));
    EXPECT_EQ(v.kind, diag::verdict_kind::waiting_in_reads);
    // An idle thread that never received does not make the process "waiting in reads".
    diag::trace_counts d;
    d.add_recv(1, 5, 4096, 500);
    d.add_wait(2, 500, 9'000'000'000);
    EXPECT_EQ(diag::decide(diag::make_inputs(d, 10.0, 1.0, 0.0)).kind, diag::verdict_kind::healthy);
}

TEST(Verdict, NoReceivesIsHealthy) {
    diag::trace_counts c;
    auto v = diag::decide(diag::make_inputs(c, 1.0, 1.0, 0));
    EXPECT_EQ(v.kind, diag::verdict_kind::healthy);
    EXPECT_NE(v.reason.find("no receive"), std::string::npos);
}

TEST(Prediction, CallsTimesCostAndCallsAt64k) {
    diag::trace_counts c;
    c.add_recv(1, 5, 1, 131'072);  // 128 KiB in 1-byte reads on one fd
    c.add_recv(1, 6, 1, 65'536);   // 64 KiB on another
    diag::recv_cost cost;
    cost.ns_per_call_1b = 200;
    cost.ns_per_call_64k = 200 + 65535 * 0.1;  // 0.1 ns per byte
    cost.bytes_per_call_64k = 65536;
    auto p = diag::predict(c, 1.0, cost);
    EXPECT_NEAR(p.recv_cpu_s, 196'608 * 200e-9, 1e-9);
    EXPECT_EQ(p.calls_at_size, (2u + 1) + (1u + 1));  // per fd: ceil(bytes / 64 KiB) + one that sees EOF
    EXPECT_GT(p.speedup, 1.0);
    EXPECT_NEAR(p.speedup, 1.0 / (1.0 - (p.recv_cpu_s - p.recv_cpu_at_size_s)), 1e-9);
}

TEST(Report, JsonTsvAndTextCarryTheNumbers) {
    diag::diagnosis d;
    d.backend = "strace";
    d.pid = 42;
    d.comm = "worker";
    d.wall_s = 10;
    d.cpu.user_s = 4;
    d.cpu.system_s = 2;
    d.counts = tiny_counts();
    d.ended = "process exited";
    d.cost = diag::recv_cost{200, 5000, 65536, "fixed"};
    diag::conclude(d);
    ASSERT_EQ(d.result.kind, diag::verdict_kind::tiny_reads);
    ASSERT_TRUE(d.result.has_prediction);

    auto j = nlohmann::json::parse(diag::json_report(d));
    EXPECT_EQ(j["verdict"], "TINY READS");
    EXPECT_EQ(j["backend"], "strace");
    EXPECT_EQ(j["receives"]["calls"], 100'060u);
    EXPECT_EQ(j["receives"]["bytes"], 102'000u);
    EXPECT_EQ(j["receives"]["bytes_per_call_p50"], 1);
    EXPECT_EQ(j["thresholds"]["tiny_p50_bytes"], 16);
    EXPECT_DOUBLE_EQ(j["thresholds"]["busy_share"].get<double>(), 0.5);
    EXPECT_TRUE(j.contains("prediction"));
    EXPECT_EQ(j["connections"].size(), 1u);

    auto tsv = diag::recv_sizes_tsv(d);
    EXPECT_EQ(tsv.substr(0, tsv.find('\n')), "bucket\tlow\thigh\tlabel\tcalls\tbytes\tcalls_pct\tbytes_pct");
    EXPECT_NE(tsv.find("\n1\t1\t1\t1\t100000\t100000\t"), std::string::npos);
    EXPECT_NE(tsv.find("\n8\t128\t255\t128-256\t10\t2000\t"), std::string::npos);

    auto text = diag::text_report(d);
    EXPECT_NE(text.find("verdict    TINY READS"), std::string::npos);
    EXPECT_NE(text.find("prediction"), std::string::npos);
}
