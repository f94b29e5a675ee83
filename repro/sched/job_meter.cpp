// The stage clock: per-stage wall, thread CPU and suspended time, with yields counted at every resume.
#include "repro/sched/job_meter.hpp"

#include <algorithm>
#include <ctime>

namespace feedbench::sched {
namespace {

std::int64_t read_clock(clockid_t id) {
    timespec ts{};
    ::clock_gettime(id, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

thread_local job_meter* running_meter_ = nullptr;

}  // namespace

std::int64_t steady_now_ns() { return read_clock(CLOCK_MONOTONIC); }
std::int64_t thread_cpu_now_ns() { return read_clock(CLOCK_THREAD_CPUTIME_ID); }

job_meter* running_meter() { return running_meter_; }

void job_meter::begin_job(core::job_record& rec) {
    rec_ = &rec;
    const auto wall = steady_now_ns();
    rec.start_ns = wall - origin_ns_;
    open_stage(core::stage::intake, wall, thread_cpu_now_ns());
}

void job_meter::enter(core::stage s) {
    if (!rec_) return;
    const auto wall = steady_now_ns();
    const auto cpu = thread_cpu_now_ns();
    close_stage(wall, cpu);
    open_stage(s, wall, cpu);
}

void job_meter::end_job() {
    if (!rec_) return;
    const auto wall = steady_now_ns();
    close_stage(wall, thread_cpu_now_ns());
    rec_->end_ns = wall - origin_ns_;
    rec_ = nullptr;
}

void job_meter::close_stage(std::int64_t wall, std::int64_t cpu) {
    auto& m = rec_->at(stage_);
    if (running_) {
        m.cpu_ns += cpu - seg_cpu_;
        visit_running_ns_ += wall - seg_wall_;
    }
    const std::int64_t visit_wall = wall - stage_start_wall_;
    m.wall_ns += visit_wall;
    m.suspended_ns += std::max<std::int64_t>(0, visit_wall - visit_running_ns_);
}

void job_meter::open_stage(core::stage s, std::int64_t wall, std::int64_t cpu) {
    stage_ = s;
    stage_start_wall_ = wall;
    visit_running_ns_ = 0;
    seg_wall_ = wall;
    seg_cpu_ = cpu;
}

void job_meter::count_read(std::size_t asked, std::size_t got) {
    note_request(asked);
    if (!rec_) return;
    auto& m = rec_->at(stage_);
    ++m.reads;
    m.bytes += got;
}

void job_meter::count_eagain(std::size_t asked) {
    note_request(asked);
    if (rec_) ++rec_->at(stage_).eagains;
}

void job_meter::note_request(std::size_t asked) {
    if (rec_ && asked > rec_->max_read_request) rec_->max_read_request = asked;
}

void job_meter::resume() {
    running_ = true;
    if (!rec_) return;
    ++rec_->at(stage_).yields;
    seg_wall_ = steady_now_ns();
    seg_cpu_ = thread_cpu_now_ns();
}

void job_meter::suspend() {
    if (rec_ && running_) {
        rec_->at(stage_).cpu_ns += thread_cpu_now_ns() - seg_cpu_;
        visit_running_ns_ += steady_now_ns() - seg_wall_;
    }
    running_ = false;
}

void job_meter::pause() { suspend(); }

void job_meter::unpause() {
    running_ = true;
    if (!rec_) return;
    seg_wall_ = steady_now_ns();
    seg_cpu_ = thread_cpu_now_ns();
}

run_segment::run_segment(job_meter* m) : meter_(m), previous_(running_meter_), nested_same_(m == running_meter_) {
    if (nested_same_ || !meter_) return;
    if (previous_) previous_->pause();
    meter_->resume();
    running_meter_ = meter_;
}

run_segment::~run_segment() {
    if (nested_same_ || !meter_) return;
    meter_->suspend();
    running_meter_ = previous_;
    if (previous_) previous_->unpause();
}

}  // namespace feedbench::sched
