// The cooperative pool: N stackful coroutines (asio::spawn, Boost.Coroutine) on ONE OS thread driving
// one io_context; pool 1 is serial on the same code path. threads:N is the preemptive contrast:
// N OS threads, each its own io_context running one coroutine (a serial loop).
#pragma once

#include "repro/sched/job_meter.hpp"
#include "repro/core/settings.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace feedbench::sched {

namespace net = boost::asio;
struct pool_run;
class thread_context;
pool_run run_pool(const core::pool_spec& spec, int cpu, std::int64_t origin_ns,
                  const std::function<void(thread_context&)>& on_thread, std::size_t stack_bytes);

// libxml2 runs on the coroutine stacks (lazy parse suspends inside its read callback): be generous.
inline constexpr std::size_t default_stack_bytes = 256 * 1024;

using coroutine_body = std::function<void(net::yield_context, job_meter&)>;

// What one OS thread of the pool sees before its io_context runs.
class thread_context {
public:
    thread_context(net::io_context& io, std::size_t thread_index, std::size_t coroutines, std::int64_t origin_ns,
                   std::size_t stack_bytes);
    ~thread_context();
    net::io_context& io() { return io_; }
    std::size_t thread_index() const { return thread_index_; }
    std::size_t coroutines() const { return coroutines_; }  // how many to spawn on this thread
    // Spawns one coroutine with its own job_meter; every resume goes through a metered_executor.
    void spawn(coroutine_body body);
    // Runs fn on this thread after its io_context ran out of work, before the io_context is destroyed
    // (collect counters; anything fn holds, e.g. a job source with sockets, dies with this context).
    void at_exit(std::function<void()> fn);

private:
    friend pool_run run_pool(const core::pool_spec&, int, std::int64_t, const std::function<void(thread_context&)>&,
                             std::size_t);
    struct impl;
    net::io_context& io_;
    std::size_t thread_index_, coroutines_;
    std::int64_t origin_ns_;
    std::size_t stack_bytes_;
    impl* impl_;
};

struct pool_run {
    std::size_t threads = 0;
    double cpu_s = 0;   // CPU time of the pool's thread(s), CLOCK_THREAD_CPUTIME_ID
    double wall_s = 0;  // from the first thread start to the last thread end
};

// Runs the pool: on_thread(ctx) runs first on each pool thread (spawn the coroutines there), then
// that thread's io_context runs until no work is left. cpu >= 0 pins thread i to core cpu+i.
// An exception escaping a coroutine is rethrown here after every thread has joined.
pool_run run_pool(const core::pool_spec& spec, int cpu, std::int64_t origin_ns,
                  const std::function<void(thread_context&)>& on_thread, std::size_t stack_bytes = default_stack_bytes);

// Pins the calling thread to one core; returns false when the core does not exist.
bool pin_this_thread(int cpu);

}  // namespace feedbench::sched
