// Read-path suite: a bare recv(2) loop on a loopback TCP pair, with the data already waiting.
//   read_path/recv/N      one recv of at most N bytes per read, steady state: ns per read, MB/s
//   read_path/body_50k/N  a 50 000-byte body (the median feed) read at read size N (whole = all at once)
// Manual time: only the recv calls are timed; the sender refills between timed batches.
#include "bench/common/socket_pair.hpp"
#include "bench/common/usage.hpp"

#include <benchmark/benchmark.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace fb = feedbench::bench;

namespace {

constexpr std::size_t body_bytes = 50'000;
constexpr std::int64_t whole = 0;
const std::vector<std::int64_t> read_sizes = {1, 64, 1024, 10240, 65536, 512000};

std::string size_name(std::int64_t n)
{
    if (n == whole) return "whole";
    if (n == 512000) return "500k";
    if (n % 1024 == 0) return std::to_string(n / 1024) + "k";
    return std::to_string(n);
}

// Reads `bytes` already waiting in the receiver at most `cap` bytes per recv (0: all remaining at
// once); returns the recv count, or -1 on a failed recv.
long read_waiting(int fd, std::vector<char>& buf, std::size_t bytes, std::size_t cap)
{
    long reads = 0;
    while (bytes > 0) {
        std::size_t const ask = cap == 0 ? bytes : std::min(cap, bytes);
        ssize_t const n = recv(fd, buf.data(), ask, 0);
        if (n <= 0)
            return -1;
        bytes -= static_cast<std::size_t>(n);
        ++reads;
    }
    return reads;
}

void run(benchmark::State& state, std::size_t cap, std::size_t batch_bytes)
{
    fb::tcp_pair pair;
    if (!pair.ok()) {
        state.SkipWithError(pair.error.c_str());
        return;
    }
    std::vector<char> out(batch_bytes, 'x');
    std::vector<char> in(std::max(batch_bytes, cap));
    double total_reads = 0, total_bytes = 0, total_seconds = 0;
    for (auto _ : state) {
        std::size_t const waiting = pair.send_some(out.data(), out.size());
        if (waiting == 0) {
            state.SkipWithError("sender could not write");
            break;
        }
        auto const t0 = std::chrono::steady_clock::now();
        long const reads = read_waiting(pair.receiver, in, waiting, cap);
        auto const t1 = std::chrono::steady_clock::now();
        if (reads < 0) {
            state.SkipWithError("recv failed");
            break;
        }
        double const seconds = std::chrono::duration<double>(t1 - t0).count();
        state.SetIterationTime(seconds);
        total_seconds += seconds;
        total_reads += static_cast<double>(reads);
        total_bytes += static_cast<double>(waiting);
    }
    if (total_reads == 0)
        return;
    state.SetBytesProcessed(static_cast<std::int64_t>(total_bytes));
    state.counters["ns_per_read"] = total_seconds * 1e9 / total_reads;
    state.counters["bytes_per_read"] = total_bytes / total_reads;
    state.counters["reads_per_iteration"] = total_reads / static_cast<double>(state.iterations());
}

}  // namespace

int main(int argc, char** argv)
{
    fb::print_usage_on_help(argc, argv, "bench_read_path", "ns per recv(2) and MB/s at read sizes 1 .. 500k and whole, loopback TCP",
        "bench_read_path --benchmark_filter=recv/1$ --benchmark_repetitions=5");
    for (std::int64_t n : read_sizes) {
        // Steady state: batches big enough for many reads (bounded by what the socket buffers hold).
        std::size_t const batch = std::clamp<std::size_t>(static_cast<std::size_t>(n) * 16, 65536, 2 << 20);
        benchmark::RegisterBenchmark(("read_path/recv/" + size_name(n)).c_str(),
            [n, batch](benchmark::State& s) { run(s, static_cast<std::size_t>(n), batch); })
            ->UseManualTime()->Unit(benchmark::kMicrosecond);
    }
    for (std::int64_t n : {std::int64_t{1}, std::int64_t{64}, std::int64_t{1024}, std::int64_t{10240}, std::int64_t{65536}, std::int64_t{512000}, whole})
        benchmark::RegisterBenchmark(("read_path/body_50k/" + size_name(n)).c_str(),
            [n](benchmark::State& s) { run(s, static_cast<std::size_t>(n), body_bytes); })
            ->UseManualTime()->Unit(benchmark::kMicrosecond);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
