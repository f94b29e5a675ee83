// The diagnosis rules, one finding per rule that fires, in stage order.
#include "repro/worker/diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace feedbench::worker {
namespace {

std::string num(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

double all_wall(const diagnosis_input& in) {
    double w = 0;
    for (const auto& st : in.stages) w += st.wall_us;
    return w;
}

// The line for a stage suspended most of its wall: what it waited for.
std::string suspended_line(const diagnosis_input& in, const stage_load& st, const std::string& name) {
    std::string line = name + ": " + num(100 * suspended_share(st), 0) + "% of wall suspended";
    if (st.reads > 0) {
        line += " across " + grouped(st.reads) + " " + in.read_cap;
        if (name == "parse") return line + ": the body is being pulled through the scheduler while parsing";
        if (name == "decode") return line + ": the body is being pulled through the scheduler while decoding";
        return line + " (" + grouped(st.yields) +
               " yields): waiting for bytes, or for other jobs' CPU while the socket was ready";
    }
    if (name == "intake") return line + ": jobs wait for the intake (" + grouped(st.yields) + " yields)";
    if (name == "connect") return line + ": waiting for connections to open, or for other jobs' CPU";
    return line + " (" + grouped(st.yields) + " yields): waiting on the loop, not working";
}

}  // namespace

std::string grouped(double n) {
    std::string digits = fmt::format("{:.0f}", std::max(0.0, n)), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
        out += digits[i];
    }
    return out;
}

double wall_share(const diagnosis_input& in, std::size_t stage) {
    double w = all_wall(in);
    return w > 0 ? in.stages[stage].wall_us / w : 0;
}

double suspended_share(const stage_load& s) { return s.wall_us > 0 ? s.suspended_us / s.wall_us : 0; }

double cpu_share(const stage_load& s) { return s.wall_us > 0 ? s.cpu_us / s.wall_us : 0; }

std::size_t dominant_stage(const diagnosis_input& in) {
    std::size_t best = core::stage_count;
    for (std::size_t i = 0; i < core::stage_count; ++i)
        if (in.stages[i].wall_us > 0 && (best == core::stage_count || in.stages[i].wall_us > in.stages[best].wall_us))
            best = i;
    return best;
}

std::vector<finding> diagnose(const diagnosis_input& in) {
    std::vector<finding> out;
    const double wall = all_wall(in);
    const double jobs = std::max(1.0, in.jobs);
    // Per stage: suspended most of its wall, or CPU-bound; and preempted.
    for (std::size_t i = 0; i < core::stage_count; ++i) {
        const auto& st = in.stages[i];
        if (wall <= 0 || st.wall_us / wall < stage_share_threshold) continue;
        const std::string name(core::stage_names[i]);
        if (suspended_share(st) >= suspended_share_threshold)
            out.push_back({finding_kind::suspended, i, suspended_line(in, st, name)});
        else if (cpu_share(st) >= cpu_bound_threshold && st.wall_us / wall >= cpu_bound_stage_share)
            out.push_back({finding_kind::cpu_bound, i,
                           name + ": cpu is " + num(100 * cpu_share(st), 0) + "% of wall: CPU-bound work (" +
                               num(100 * st.wall_us / wall, 0) + "% of the jobs' wall)"});
        const double unaccounted = (st.wall_us - st.suspended_us - st.cpu_us) / std::max(1e-9, st.wall_us);
        if (unaccounted >= unaccounted_threshold)
            out.push_back({finding_kind::preempted, i,
                           name + ": " + num(100 * unaccounted, 0) +
                               "% of wall was neither this job's CPU nor suspended: the thread was preempted or "
                               "waited in the kernel (other processes on the core, softirq work charged elsewhere)"});
    }
    // Many tiny reads per job.
    double reads = 0, bytes = 0;
    for (const auto& st : in.stages) {
        reads += st.reads;
        bytes += st.bytes < 0 ? std::nan("") : st.bytes;
    }
    if (reads > 0 && reads / jobs >= tiny_reads_per_job && bytes / reads < tiny_read_bytes) {
        std::size_t busiest = 0;  // the stage doing most of the reads
        for (std::size_t i = 1; i < core::stage_count; ++i)
            if (in.stages[i].reads > in.stages[busiest].reads) busiest = i;
        const auto& b = in.stages[busiest];
        out.push_back({finding_kind::tiny_reads, busiest,
                       grouped(reads / jobs) + " recv calls per job averaging " + num(bytes / reads, 1) +
                           " B: per-read cost grows with the body size (" + std::string(core::stage_names[busiest]) +
                           ": " + num(1000 * b.cpu_us / b.reads, 0) +
                           " ns of CPU per read, the stage's own work included)"});
    }
    // One thread running every coroutine of the pool, busy the whole run.
    const double threads = in.pool_threads ? double(in.pool) : 1.0;
    if (in.has_cpu && in.cpu_util / threads >= saturated_thread_threshold && !in.pool_threads && in.pool > 1)
        out.push_back({finding_kind::saturated, core::stage_count,
                       "the worker thread ran " + num(100 * in.cpu_util / threads, 0) +
                           "% of the run: a job's suspended time is other jobs' CPU (the pool is CPU-bound)"});
    if (in.failed > 0) {
        std::string line = grouped(double(in.failed)) + " of " + grouped(double(in.total_jobs)) + " jobs failed:";
        for (const auto& [cls, n] : in.errors)
            line += " " + std::string(core::to_string(cls)) + " " + grouped(double(n));
        out.push_back({finding_kind::failures, core::stage_count, line});
    }
    return out;
}

std::string diagnosis_heading() {
    return "diagnosis (stage >= " + num(100 * stage_share_threshold, 0) +
           "% of job wall, suspended >= " + num(100 * suspended_share_threshold, 0) + "% of its wall):";
}

}  // namespace feedbench::worker
