// The stage clock of one coroutine: attributes wall, CPU, suspended time, yields, reads and bytes to the
// stage the current job is in. CPU is CLOCK_THREAD_CPUTIME_ID sampled at every resume and suspend of
// this coroutine, so a job's CPU is its own even when 20 jobs share the thread.
#pragma once

#include "repro/core/job_record.hpp"

#include <cstdint>

namespace feedbench::sched {

std::int64_t steady_now_ns();
std::int64_t thread_cpu_now_ns();  // CLOCK_THREAD_CPUTIME_ID

// One per coroutine (it runs one job at a time). metered_executor calls resume()/suspend() around every
// run segment of the coroutine, so every suspension point (socket waits, timers, intake waits, any
// library's async call with the job's yield_context) is accounted in one place.
class job_meter {
public:
    explicit job_meter(std::int64_t origin_ns = 0) : origin_ns_(origin_ns) {}

    // Start attributing to rec (its stage metrics are added to). Call while the coroutine runs.
    void begin_job(core::job_record& rec);
    // Close the current stage and open s (stages may be re-entered; metrics add up).
    void enter(core::stage s);
    // Close the current stage; rec gets end_ns. Nothing is attributed until the next begin_job.
    void end_job();
    // Forget the job without closing a stage (e.g. intake said there are no more jobs).
    void abandon_job() { rec_ = nullptr; }
    bool in_job() const { return rec_ != nullptr; }
    core::stage current() const { return stage_; }

    // Counters of the running stage. reads counts recv calls that returned bytes or end of stream
    // (curl: write-callback chunks); eagains counts recv calls that found the socket dry.
    void count_read(std::size_t asked, std::size_t got);
    void count_eagain(std::size_t asked);
    void note_request(std::size_t asked);  // the largest byte count any recv asked for

    // Run-segment hooks (metered_executor). resume() counts one yield for the stage the job is in.
    void resume();
    void suspend();
    // A nested run of another coroutine inside this one's segment: stop/restart the clocks, no yield.
    void pause();
    void unpause();

private:
    void close_stage(std::int64_t wall, std::int64_t cpu);
    void open_stage(core::stage s, std::int64_t wall, std::int64_t cpu);

    std::int64_t origin_ns_;
    core::job_record* rec_ = nullptr;
    core::stage stage_ = core::stage::intake;
    std::int64_t stage_start_wall_ = 0;        // when this visit of the stage began
    std::int64_t visit_running_ns_ = 0;        // time this job ran during this visit
    std::int64_t seg_wall_ = 0, seg_cpu_ = 0;  // when the current run segment began
    bool running_ = true;                      // the owner coroutine is executing right now
};

// The meter of the coroutine running on this thread right now (nullptr between segments).
job_meter* running_meter();

// metered_executor's bracket: makes m the running meter for the duration of one handler.
class run_segment {
public:
    explicit run_segment(job_meter* m);
    ~run_segment();
    run_segment(const run_segment&) = delete;
    run_segment& operator=(const run_segment&) = delete;

private:
    job_meter* meter_;
    job_meter* previous_;
    bool nested_same_;
};

}  // namespace feedbench::sched
