// Instructions retired by this thread (perf_event_open, user space only): a cost that stays stable
// on a noisy shared machine. Where the kernel or the VM offers no PMU, available() is false and the
// reason says why; benchmarks then simply report no "instructions" counter.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

namespace feedbench::bench {

class instruction_counter {
public:
    instruction_counter();
    ~instruction_counter();
    instruction_counter(const instruction_counter&) = delete;
    instruction_counter& operator=(const instruction_counter&) = delete;

    bool available() const { return fd_ >= 0; }
    const std::string& unavailable_reason() const { return reason_; }
    void start();
    void stop();
    std::uint64_t count() const;

private:
    int fd_ = -1;
    std::string reason_;
};

// Sets counters["instructions"] (per iteration) when the counter works; says once on stderr when not.
void report_instructions(benchmark::State& state, const instruction_counter& counter);

}  // namespace feedbench::bench
