// Read-path suite: a bare recv(2) loop on a loopback TCP pair, with the data already waiting.
//   read_path/recv/N      one recv of at most N bytes per read, steady state: ns per read, MB/s
//   read_path/body_50k/N  a 50 000-byte body (the median feed) read at read size N (whole = all at once)
//   read_path/stream_<yield policy>/N  the same body through the client stream (read_limited_stream)
//   read_path/sender_thread/N  the same body while a sender thread streams from another core (wall, UseRealTime)
// Manual time (wall): only the recv calls are timed; the sender refills between timed batches.
// cpu_ns_per_read is the thread CPU time of the same calls (kernel included), robust to preemption.
#include "bench/common/socket_pair.hpp"
#include "bench/common/usage.hpp"

#include "repro/net/read_limited_stream.hpp"
#include "repro/sched/job_meter.hpp"

#include <boost/asio/spawn.hpp>

#include <benchmark/benchmark.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>
#include <string>
#include <vector>

namespace fb = feedbench::bench;

namespace {

double thread_cpu_seconds() { return static_cast<double>(feedbench::sched::thread_cpu_now_ns()) * 1e-9; }

constexpr std::size_t body_bytes = 50'000;
constexpr std::int64_t whole = 0;
const std::vector<std::int64_t> read_sizes = {1, 64, 1024, 10240, 65536, 512000};

std::string size_name(std::int64_t n) {
    if (n == whole) return "whole";
    if (n == 512000) return "500k";
    if (n % 1024 == 0) return std::to_string(n / 1024) + "k";
    return std::to_string(n);
}

// Reads `bytes` already waiting in the receiver at most `cap` bytes per recv (0: all remaining at
// once); returns the recv count, or -1 on a failed recv.
long read_waiting(int fd, std::vector<char>& buf, std::size_t bytes, std::size_t cap) {
    long reads = 0;
    while (bytes > 0) {
        std::size_t const ask = cap == 0 ? bytes : std::min(cap, bytes);
        ssize_t const n = recv(fd, buf.data(), ask, 0);
        if (n <= 0) return -1;
        bytes -= static_cast<std::size_t>(n);
        ++reads;
    }
    return reads;
}

void run(benchmark::State& state, std::size_t cap, std::size_t batch_bytes) {
    fb::tcp_pair pair;
    if (!pair.ok()) {
        state.SkipWithError(pair.error.c_str());
        return;
    }
    std::vector<char> out(batch_bytes, 'x');
    std::vector<char> in(std::max(batch_bytes, cap));
    double total_reads = 0, total_bytes = 0, total_seconds = 0, total_cpu = 0;
    for (auto _ : state) {
        std::size_t const waiting = pair.send_some(out.data(), out.size());
        if (waiting == 0) {
            state.SkipWithError("sender could not write");
            break;
        }
        double const c0 = thread_cpu_seconds();
        auto const t0 = std::chrono::steady_clock::now();
        long const reads = read_waiting(pair.receiver, in, waiting, cap);
        auto const t1 = std::chrono::steady_clock::now();
        total_cpu += thread_cpu_seconds() - c0;
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
    if (total_reads == 0) return;
    state.SetBytesProcessed(static_cast<std::int64_t>(total_bytes));
    state.counters["ns_per_read"] = total_seconds * 1e9 / total_reads;
    state.counters["cpu_ns_per_read"] =
        total_cpu * 1e9 / total_reads;  // thread CPU: robust to preemption on a busy machine
    state.counters["bytes_per_read"] = total_bytes / total_reads;
    state.counters["reads_per_iteration"] = total_reads / static_cast<double>(state.iterations());
}

// A 50 000-byte body read at read size N while a sender thread streams continuously (blocking
// sends of 64 KiB): the data arrives from another core, cache-cold, and a read may wait for it.
void run_sender_thread(benchmark::State& state, std::size_t cap) {
    fb::tcp_pair pair;
    if (!pair.ok()) {
        state.SkipWithError(pair.error.c_str());
        return;
    }
    std::atomic<bool> stop{false};
    std::thread sender([&] {
        std::vector<char> block(65536, 'x');
        while (!stop.load(std::memory_order_relaxed))
            if (send(pair.sender, block.data(), block.size(), MSG_NOSIGNAL) <= 0) break;
    });
    std::vector<char> in(std::max<std::size_t>(cap, body_bytes));
    double total_reads = 0, total_cpu = 0;
    bool failed = false;
    double const c0 = thread_cpu_seconds();
    auto const t0 = std::chrono::steady_clock::now();
    for (auto _ : state) {
        long const reads = read_waiting(pair.receiver, in, body_bytes, cap);
        if (reads < 0) {
            failed = true;
            state.SkipWithError("recv failed");
            break;
        }
        total_reads += static_cast<double>(reads);
    }
    total_cpu = thread_cpu_seconds() - c0;
    double const total_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stop = true;
    shutdown(pair.sender, SHUT_RDWR);  // wakes a send() blocked on a full window (EPIPE)
    sender.join();
    if (failed || total_reads == 0) return;
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(body_bytes));
    state.counters["ns_per_read"] = total_wall * 1e9 / total_reads;
    state.counters["cpu_ns_per_read"] = total_cpu * 1e9 / total_reads;
    state.counters["bytes_per_read"] =
        static_cast<double>(state.iterations()) * static_cast<double>(body_bytes) / total_reads;
    state.counters["reads_per_iteration"] = total_reads / static_cast<double>(state.iterations());
}

// The project's client stream (read_limited_stream under a yield policy) reading the same 50 000-byte
// body with the data waiting: the per-read overhead the stream and the yield policy add to recv.
void run_stream(benchmark::State& state, std::size_t read_size, feedbench::core::yield_policy policy) {
    namespace net = boost::asio;
    using tcp = net::ip::tcp;
    net::io_context io(1);
    tcp::acceptor acceptor(io, tcp::endpoint(net::ip::address_v4::loopback(), 0));
    feedbench::sched::job_meter meter;
    feedbench::client::read_limited_stream stream(io, feedbench::core::read_size{read_size}, policy, meter,
                                                  std::chrono::milliseconds(10'000));
    std::vector<char> out(body_bytes, 'x'), in(body_bytes);
    double total_reads = 0, total_bytes = 0, total_seconds = 0, total_cpu = 0;
    net::spawn(io, [&](net::yield_context yield) {
        boost::system::error_code ec;
        stream.connect(acceptor.local_endpoint(), yield, ec);
        if (ec) {
            state.SkipWithError(("connect: " + ec.message()).c_str());
            for (auto _ : state) {}
            return;
        }
        tcp::socket sender = acceptor.accept();
        auto send_some = [&](std::size_t n) {
            std::size_t sent = 0;
            while (sent < n) {
                ssize_t const rc =
                    send(sender.native_handle(), out.data() + sent, n - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (rc <= 0) break;
                sent += static_cast<std::size_t>(rc);
            }
            return sent;
        };
        for (auto _ : state) {
            std::size_t waiting = send_some(out.size());
            std::size_t const batch = waiting;
            long reads = 0;
            double const c0 = thread_cpu_seconds();
            auto const t0 = std::chrono::steady_clock::now();
            while (waiting > 0) {
                std::size_t const n = stream.read_some(in.data(), waiting, yield, ec);
                if (ec || n == 0) break;
                waiting -= n;
                ++reads;
            }
            auto const t1 = std::chrono::steady_clock::now();
            total_cpu += thread_cpu_seconds() - c0;
            if (ec || waiting > 0) {
                state.SkipWithError(("stream read: " + ec.message()).c_str());
                break;
            }
            double const seconds = std::chrono::duration<double>(t1 - t0).count();
            state.SetIterationTime(seconds);
            total_seconds += seconds;
            total_reads += static_cast<double>(reads);
            total_bytes += static_cast<double>(batch);
        }
        stream.close();
    });
    io.run();
    if (total_reads == 0) return;
    state.SetBytesProcessed(static_cast<std::int64_t>(total_bytes));
    state.counters["ns_per_read"] = total_seconds * 1e9 / total_reads;
    state.counters["cpu_ns_per_read"] =
        total_cpu * 1e9 / total_reads;  // thread CPU: robust to preemption on a busy machine
    state.counters["bytes_per_read"] = total_bytes / total_reads;
    state.counters["reads_per_iteration"] = total_reads / static_cast<double>(state.iterations());
}

}  // namespace

int main(int argc, char** argv) {
    fb::print_usage_on_help(argc, argv, "bench_read_path",
                            "ns per recv(2) and MB/s at read sizes 1 .. 500k and whole, loopback TCP",
                            "bench_read_path --benchmark_filter=recv/1$ --benchmark_repetitions=5");
    for (std::int64_t n : read_sizes) {
        // Steady state: batches big enough for many reads (bounded by what the socket buffers hold).
        std::size_t const batch = std::clamp<std::size_t>(static_cast<std::size_t>(n) * 16, 65536, 2 << 20);
        benchmark::RegisterBenchmark(("read_path/recv/" + size_name(n)).c_str(),
                                     [n, batch](benchmark::State& s) { run(s, static_cast<std::size_t>(n), batch); })
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
    }
    for (std::int64_t n : {std::int64_t{1}, std::int64_t{64}, std::int64_t{1024}, std::int64_t{10240},
                           std::int64_t{65536}, std::int64_t{512000}, whole})
        benchmark::RegisterBenchmark(("read_path/body_50k/" + size_name(n)).c_str(),
                                     [n](benchmark::State& s) { run(s, static_cast<std::size_t>(n), body_bytes); })
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
    for (std::int64_t n :
         {std::int64_t{1}, std::int64_t{64}, std::int64_t{1024}, std::int64_t{10240}, std::int64_t{65536}, whole})
        benchmark::RegisterBenchmark(("read_path/sender_thread/" + size_name(n)).c_str(),
                                     [n](benchmark::State& s) { run_sender_thread(s, static_cast<std::size_t>(n)); })
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
    for (auto policy : {feedbench::core::yield_policy::would_block, feedbench::core::yield_policy::always})
        for (std::int64_t n : {std::int64_t{1}, std::int64_t{64}, std::int64_t{1024}, std::int64_t{10240},
                               std::int64_t{65536}, std::int64_t{512000}, whole})
            benchmark::RegisterBenchmark(
                ("read_path/stream_" + std::string(feedbench::core::to_string(policy)) + "/" + size_name(n)).c_str(),
                [n, policy](benchmark::State& s) { run_stream(s, static_cast<std::size_t>(n), policy); })
                ->UseManualTime()
                ->Unit(benchmark::kMicrosecond);

    return fb::run_registered_benchmarks(argc, argv);
}
