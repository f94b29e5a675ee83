// The cooperative pool and the threads:N contrast; thread CPU measured around each io_context run.
#include "repro/sched/pool.hpp"

#include "repro/sched/metered_executor.hpp"

#include <boost/asio/bind_executor.hpp>

#include <algorithm>
#include <deque>
#include <exception>
#include <mutex>
#include <pthread.h>
#include <sched.h>
#include <thread>
#include <vector>

namespace feedbench::sched {
namespace {

void coroutine_done() {}

struct failure_slot {
    std::mutex mutex;
    std::exception_ptr first;
    void set(std::exception_ptr e) {
        std::lock_guard lock(mutex);
        if (!first) first = e;
    }
};

}  // namespace

struct thread_context::impl {
    std::deque<job_meter> meters;  // stable addresses: executors point at them
    std::vector<std::function<void()>> at_exit;
    failure_slot* failures = nullptr;
};

thread_context::thread_context(net::io_context& io, std::size_t thread_index, std::size_t coroutines,
                               std::int64_t origin_ns, std::size_t stack_bytes)
    : io_(io),
      thread_index_(thread_index),
      coroutines_(coroutines),
      origin_ns_(origin_ns),
      stack_bytes_(stack_bytes),
      impl_(new impl) {}

thread_context::~thread_context() { delete impl_; }

void thread_context::at_exit(std::function<void()> fn) { impl_->at_exit.push_back(std::move(fn)); }

void thread_context::spawn(coroutine_body body) {
    job_meter& meter = impl_->meters.emplace_back(origin_ns_);
    metered_executor<net::io_context::executor_type> ex(io_.get_executor(), &meter);
    failure_slot* failures = impl_->failures;
    net::spawn(
        net::bind_executor(ex, &coroutine_done),
        [body = std::move(body), &meter, failures](net::yield_context yield) {
            // Whatever escaped the body unwound the frames the meter's job record lived in: forget it
            // before the executor's bracket closes this run segment (it would write through it).
            try {
                body(yield, meter);
            } catch (const boost::coroutines::detail::forced_unwind&) {
                meter.abandon_job();
                throw;  // the coroutine is being destroyed: let Boost.Coroutine unwind it
            } catch (...) {
                meter.abandon_job();
                if (failures) failures->set(std::current_exception());
            }
        },
        boost::coroutines::attributes(stack_bytes_));
}

bool pin_this_thread(int cpu) {
    const unsigned n = std::thread::hardware_concurrency();
    if (cpu < 0 || (n > 0 && unsigned(cpu) >= n)) return false;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

pool_run run_pool(const core::pool_spec& spec, int cpu, std::int64_t origin_ns,
                  const std::function<void(thread_context&)>& on_thread, std::size_t stack_bytes) {
    const std::size_t threads = spec.threads ? spec.size : 1;
    const std::size_t per_thread = spec.threads ? 1 : spec.size;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::int64_t> cpu_ns(threads, 0);
    failure_slot failures;

    const auto wall0 = steady_now_ns();
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            try {
                if (cpu >= 0) pin_this_thread(int((std::size_t(cpu) + t) % cores));
                const auto cpu0 = thread_cpu_now_ns();
                net::io_context io(1);
                thread_context ctx(io, t, per_thread, origin_ns, stack_bytes);
                ctx.impl_->failures = &failures;
                on_thread(ctx);
                io.run();
                for (auto& fn : ctx.impl_->at_exit) fn();
                cpu_ns[t] = thread_cpu_now_ns() - cpu0;
            } catch (...) {
                failures.set(std::current_exception());
            }
        });
    }
    for (auto& th : pool) th.join();
    const auto wall1 = steady_now_ns();
    if (failures.first) std::rethrow_exception(failures.first);

    pool_run out;
    out.threads = threads;
    for (auto ns : cpu_ns) out.cpu_s += double(ns) / 1e9;
    out.wall_s = double(wall1 - wall0) / 1e9;
    return out;
}

}  // namespace feedbench::sched
