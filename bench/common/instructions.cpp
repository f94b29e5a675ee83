// perf_event_open instruction counter for benchmarks (graceful when unsupported).
#include "bench/common/instructions.hpp"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace feedbench::bench {

instruction_counter::instruction_counter() {
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof attr;
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    long const fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    if (fd < 0) {
        reason_ = std::string("perf_event_open(instructions): ") + std::strerror(errno);
        return;
    }
    fd_ = static_cast<int>(fd);
}

instruction_counter::~instruction_counter() {
    if (fd_ >= 0) close(fd_);
}

void instruction_counter::start() {
    if (fd_ < 0) return;
    ioctl(fd_, PERF_EVENT_IOC_RESET, 0);
    ioctl(fd_, PERF_EVENT_IOC_ENABLE, 0);
}

void instruction_counter::stop() {
    if (fd_ >= 0) ioctl(fd_, PERF_EVENT_IOC_DISABLE, 0);
}

std::uint64_t instruction_counter::count() const {
    std::uint64_t value = 0;
    if (fd_ < 0 || read(fd_, &value, sizeof value) != static_cast<ssize_t>(sizeof value)) return 0;
    return value;
}

void report_instructions(benchmark::State& state, const instruction_counter& counter) {
    if (!counter.available() || counter.count() == 0) {
        static bool said = false;
        if (!said) {
            std::cerr << "note: no instruction counts ("
                      << (counter.available() ? std::string("the PMU counted 0 instructions: no hardware counters here")
                                              : counter.unavailable_reason())
                      << ")\n";
            said = true;
        }
        return;
    }
    state.counters["instructions"] =
        benchmark::Counter(static_cast<double>(counter.count()), benchmark::Counter::kAvgIterations);
}

}  // namespace feedbench::bench
