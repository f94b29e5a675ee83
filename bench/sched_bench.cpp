// Scheduler suite: the raw costs under the cooperative pool. A Boost.Context fiber switch round
// trip, an asio::spawn coroutine yield through the io_context (post + 2 switches), an io_context
// post round trip without coroutines, and a 1-byte read with data waiting under the two yield
// policies: would-block (non-blocking recv, the loop only on EAGAIN) vs always (async_read_some,
// whose completion always goes through the loop's queue).
#include "bench/common/instructions.hpp"
#include "bench/common/socket_pair.hpp"
#include "bench/common/usage.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/context/fiber.hpp>
#include <benchmark/benchmark.h>

#include <ctime>
#include <unistd.h>

#include <vector>

namespace net = boost::asio;
namespace fb = feedbench::bench;

namespace {

// One read of each clock the stage clock (job_meter) uses: steady for wall, thread CPU for cpu.
void sched_clock_read(benchmark::State& state, clockid_t id) {
    timespec ts{};
    for (auto _ : state) {
        ::clock_gettime(id, &ts);
        benchmark::DoNotOptimize(ts);
    }
}

void sched_fiber_round_trip(benchmark::State& state) {
    namespace ctx = boost::context;
    bool stop = false;
    ctx::fiber f([&stop](ctx::fiber&& caller) {
        while (!stop) caller = std::move(caller).resume();
        return std::move(caller);
    });
    fb::instruction_counter instructions;
    instructions.start();
    for (auto _ : state) f = std::move(f).resume();
    instructions.stop();
    fb::report_instructions(state, instructions);
    stop = true;
    f = std::move(f).resume();
    state.SetLabel("resume into a fiber and back: 2 switches");
}

void sched_spawn_post_yield(benchmark::State& state) {
    net::io_context io(1);
    fb::instruction_counter instructions;
    net::spawn(io, [&](net::yield_context yield) {
        instructions.start();
        for (auto _ : state) net::post(io, yield);
        instructions.stop();
    });
    io.run();
    fb::report_instructions(state, instructions);
    state.SetLabel("asio::spawn coroutine: post(yield) = queue + 2 switches");
}

void sched_io_post_round_trip(benchmark::State& state) {
    net::io_context io(1);
    auto guard = net::make_work_guard(io);
    std::size_t handled = 0;
    fb::instruction_counter instructions;
    instructions.start();
    for (auto _ : state) {
        net::post(io, [&handled] { ++handled; });
        io.run_one();
    }
    instructions.stop();
    fb::report_instructions(state, instructions);
    benchmark::DoNotOptimize(handled);
    state.SetLabel("post a handler and run it, no coroutine");
}

// Reads of 1 byte with data already waiting in the socket (the sender refills 64 KiB at a time).
template <class ReadOne>
void read_with_data_waiting(benchmark::State& state, ReadOne read_one) {
    fb::tcp_pair pair;
    if (!pair.ok()) {
        state.SkipWithError(pair.error.c_str());
        return;
    }
    net::io_context io(1);
    net::ip::tcp::socket sock(io, net::ip::tcp::v4(), dup(pair.receiver));
    sock.non_blocking(true);
    std::vector<char> block(65536, 'x');
    std::size_t waiting = 0, reads = 0;
    bool failed = false;
    net::spawn(io, [&](net::yield_context yield) {
        for (auto _ : state) {
            if (waiting == 0) waiting = pair.send_some(block.data(), block.size());
            char c;
            if (!read_one(sock, c, yield)) {
                failed = true;
                state.SkipWithError("read failed");
                break;
            }
            --waiting;
            ++reads;
        }
    });
    io.run();
    if (!failed) state.counters["reads"] = static_cast<double>(reads);
}

void sched_read_would_block(benchmark::State& state) {
    read_with_data_waiting(state, [](net::ip::tcp::socket& sock, char& c, net::yield_context yield) {
        for (;;) {
            boost::system::error_code ec;
            std::size_t const n = sock.read_some(net::buffer(&c, 1), ec);
            if (ec == net::error::would_block) {
                sock.async_wait(net::socket_base::wait_read, yield[ec]);
                continue;
            }
            return !ec && n == 1;
        }
    });
    state.SetLabel("would-block: non-blocking recv, loop only on EAGAIN");
}

void sched_read_always(benchmark::State& state) {
    read_with_data_waiting(state, [](net::ip::tcp::socket& sock, char& c, net::yield_context yield) {
        boost::system::error_code ec;
        std::size_t const n = sock.async_read_some(net::buffer(&c, 1), yield[ec]);
        return !ec && n == 1;
    });
    state.SetLabel("always: async_read_some, completion through the loop's queue");
}

}  // namespace

BENCHMARK_CAPTURE(sched_clock_read, steady, CLOCK_MONOTONIC)->Name("sched/clock/steady");
BENCHMARK_CAPTURE(sched_clock_read, thread_cpu, CLOCK_THREAD_CPUTIME_ID)->Name("sched/clock/thread_cpu");
BENCHMARK(sched_fiber_round_trip)->Name("sched/switch/fiber_round_trip");
BENCHMARK(sched_spawn_post_yield)->Name("sched/switch/spawn_post_yield");
BENCHMARK(sched_io_post_round_trip)->Name("sched/post/io_context_round_trip");
BENCHMARK(sched_read_would_block)->Name("sched/read_1b/would-block")->UseRealTime();
BENCHMARK(sched_read_always)->Name("sched/read_1b/always")->UseRealTime();

int main(int argc, char** argv) {
    fb::print_usage_on_help(argc, argv, "bench_sched", "coroutine switch, io_context post and 1-byte read costs (ns)",
                            "bench_sched --benchmark_repetitions=5 --benchmark_out=sched.json");
    return fb::run_registered_benchmarks(argc, argv);
}
