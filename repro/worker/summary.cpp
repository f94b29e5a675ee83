// The run's summary (percentiles per stage), the tidy CSVs and the profiler view with its diagnosis.
#include "repro/worker/record.hpp"

#include "repro/worker/diagnosis.hpp"

#include "repro/core/csv.hpp"
#include "repro/core/stats.hpp"
#include "repro/core/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace feedbench::worker {
namespace {

// Nearest-rank percentiles (0 when there are no values).
percentiles of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {core::nearest_rank(v, 0.50, 0), core::nearest_rank(v, 0.90, 0), core::nearest_rank(v, 0.99, 0),
            v.empty() ? 0 : v.back()};
}

std::string us(std::int64_t ns) { return fmt::format("{:.3f}", double(ns) / 1000.0); }

std::string num(double v, int decimals = 3) { return fmt::format("{:.{}f}", v, decimals); }

std::ofstream open_for_writing(const std::string& path) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + path);
    return f;
}

// A duration given in µs, in the unit that keeps it readable.
std::string duration(double micros) {
    if (micros < 1000) return fmt::format("{:.1f} µs", micros);
    if (micros < 1e6) return fmt::format("{:.2f} ms", micros / 1e3);
    return fmt::format("{:.2f} s", micros / 1e6);
}

std::string bytes_text(std::uint64_t n) {
    if (n < 10 * 1024) return fmt::format("{} B", n);
    if (n < 10 * 1024 * 1024) return fmt::format("{:.0f} KiB", double(n) / 1024);
    return fmt::format("{:.0f} MiB", double(n) / (1024 * 1024));
}

std::string pad(std::string s, std::size_t width, bool right = true) {
    // count UTF-8 code points, not bytes ("µ" is two bytes)
    std::size_t len = 0;
    for (unsigned char c : s) len += (c & 0xC0) != 0x80;
    if (len >= width) return s;
    return right ? std::string(width - len, ' ') + s : s + std::string(width - len, ' ');
}

}  // namespace

run_summary summarize(const worker_config& cfg, const std::vector<core::job_record>& records, double wall_s,
                      double cpu_s) {
    run_summary s;
    s.config = cfg;
    s.jobs = records.size();
    s.wall_s = wall_s;
    s.cpu_s = cpu_s;
    s.jobs_per_s = wall_s > 0 ? double(s.jobs) / wall_s : 0;
    s.cpu_util = wall_s > 0 ? cpu_s / wall_s : 0;
    for (const auto& r : records) {
        if (r.ok)
            ++s.ok;
        else
            ++s.errors[r.error];
        s.max_read_request = std::max(s.max_read_request, r.max_read_request);
        s.body_bytes += r.bytes;
    }
    s.failed = s.jobs - s.ok;
    for (std::size_t i = 0; i < core::stage_count; ++i) {
        std::vector<double> wall, cpu, susp;
        wall.reserve(records.size());
        cpu.reserve(records.size());
        susp.reserve(records.size());
        auto& st = s.stages[i];
        for (const auto& r : records) {
            const auto& m = r.stages[i];
            wall.push_back(double(m.wall_ns) / 1e3);
            cpu.push_back(double(m.cpu_ns) / 1e3);
            susp.push_back(double(m.suspended_ns) / 1e3);
            st.wall_total_us += double(m.wall_ns) / 1e3;
            st.cpu_total_us += double(m.cpu_ns) / 1e3;
            st.suspended_total_us += double(m.suspended_ns) / 1e3;
            st.yields += m.yields;
            st.reads += m.reads;
            st.bytes += m.bytes;
            st.eagains += m.eagains;
        }
        st.wall_us = of(std::move(wall));
        st.cpu_us = of(std::move(cpu));
        st.suspended_us = of(std::move(susp));
    }
    return s;
}

std::string jobs_csv_header() {
    std::ostringstream f;
    f << "job,feed,client,read_size,consume,yield,pool,charset,ok,error,bytes,items";
    for (auto name : core::stage_names)
        f << ',' << name << "_wall_us," << name << "_cpu_us," << name << "_suspended_us," << name << "_yields," << name
          << "_reads";
    f << ",max_read_request,redelivered,charset_used,start_us,end_us,items_digest";
    for (auto name : core::stage_names) f << ',' << name << "_bytes," << name << "_eagains";
    f << ",message\n";
    return f.str();
}

std::string jobs_csv_row(const worker_config& cfg, const core::job_record& r) {
    std::ostringstream f;
    f << r.job << ',' << core::csv_field(r.feed) << ',' << to_string(cfg.client) << ',' << cfg.reads.to_string() << ','
      << to_string(cfg.consume) << ',' << to_string(cfg.yield) << ',' << cfg.pool.to_string() << ','
      << to_string(cfg.charset) << ',' << (r.ok ? 1 : 0) << ',' << core::csv_field(core::to_string(r.error)) << ','
      << r.bytes << ',' << r.items;
    for (const auto& m : r.stages)
        f << ',' << us(m.wall_ns) << ',' << us(m.cpu_ns) << ',' << us(m.suspended_ns) << ',' << m.yields << ','
          << m.reads;
    f << ',' << r.max_read_request << ',' << (r.redelivered ? 1 : 0) << ',' << core::csv_field(r.charset) << ','
      << us(r.start_ns) << ',' << us(r.end_ns) << ',' << core::hex64(r.items_digest);
    for (const auto& m : r.stages) f << ',' << m.bytes << ',' << m.eagains;
    f << ',' << core::csv_field(r.message) << '\n';
    return f.str();
}

void write_jobs_csv(const std::string& path, const worker_config& cfg, const std::vector<core::job_record>& records) {
    auto f = open_for_writing(path);
    f << jobs_csv_header();
    for (const auto& r : records) f << jobs_csv_row(cfg, r);
    if (!f) throw std::runtime_error("cannot write " + path);
}

job_journal::job_journal(const std::string& path, const worker_config& cfg) : cfg_(cfg), path_(path) {
    out_.open(path, std::ios::out | std::ios::trunc);
    if (!out_) throw std::runtime_error("cannot write " + path);
    out_ << jobs_csv_header() << std::flush;
}

void job_journal::append(const core::job_record& r) {
    std::lock_guard lock(mutex_);
    out_ << jobs_csv_row(cfg_, r) << std::flush;  // in the kernel before the ack: survives a SIGKILL of this process
    if (!out_) throw std::runtime_error("cannot write " + path_);
}

void write_summary_csv(const std::string& path, const std::vector<run_summary>& runs) {
    auto f = open_for_writing(path);
    f << "client,read_size,consume,yield,pool,charset,intake,jobs,ok,failed,jobs_per_s,cpu_util,wall_s,cpu_s,errors";
    for (auto name : core::stage_names) {
        for (auto metric : {"wall", "cpu", "suspended"})
            for (auto p : {"p50", "p90", "p99", "max"}) f << ',' << name << '_' << metric << '_' << p << "_us";
        f << ',' << name << "_yields," << name << "_reads," << name << "_bytes," << name << "_eagains";
    }
    f << ",max_read_request,body_bytes,intake_gets,intake_empty_gets,intake_deliveries,intake_redeliveries\n";
    for (const auto& s : runs) {
        const auto& c = s.config;
        std::string errors;
        for (const auto& [cls, n] : s.errors)
            errors += (errors.empty() ? "" : ";") + std::string(core::to_string(cls)) + ":" + std::to_string(n);
        f << to_string(c.client) << ',' << c.reads.to_string() << ',' << to_string(c.consume) << ','
          << to_string(c.yield) << ',' << c.pool.to_string() << ',' << to_string(c.charset) << ','
          << core::csv_field(c.intake) << ',' << s.jobs << ',' << s.ok << ',' << s.failed << ',' << num(s.jobs_per_s)
          << ',' << num(s.cpu_util, 4) << ',' << num(s.wall_s, 6) << ',' << num(s.cpu_s, 6) << ','
          << core::csv_field(errors);
        for (const auto& st : s.stages) {
            for (const percentiles* p : {&st.wall_us, &st.cpu_us, &st.suspended_us})
                f << ',' << num(p->p50) << ',' << num(p->p90) << ',' << num(p->p99) << ',' << num(p->max);
            f << ',' << st.yields << ',' << st.reads << ',' << st.bytes << ',' << st.eagains;
        }
        f << ',' << s.max_read_request << ',' << s.body_bytes << ',' << s.intake_gets << ',' << s.intake_empty_gets
          << ',' << s.intake_deliveries << ',' << s.intake_redeliveries << '\n';
    }
    if (!f) throw std::runtime_error("cannot write " + path);
}

std::string summary_table(const run_summary& s) {
    const auto& c = s.config;
    std::ostringstream o;
    o << "client " << to_string(c.client) << ", read size " << c.reads.to_string() << ", consume "
      << to_string(c.consume) << ", yield " << to_string(c.yield) << ", pool " << c.pool.to_string() << ", charset "
      << to_string(c.charset) << '\n';
    o << "  jobs " << s.jobs << "  ok " << s.ok << "  failed " << s.failed;
    for (const auto& [cls, n] : s.errors) o << "  " << core::to_string(cls) << ' ' << n;
    o << '\n';
    o << "  " << num(s.jobs_per_s, 1) << " jobs/s   cpu_util " << num(s.cpu_util, 2) << "   wall " << num(s.wall_s, 3)
      << " s   cpu " << num(s.cpu_s, 3) << " s   largest recv asked " << bytes_text(s.max_read_request) << '\n';
    if (!c.intake.empty() && c.intake != "embedded")
        o << "  intake " << c.intake << " (" << to_string(c.amqp_mode) << "): gets " << s.intake_gets << " (empty "
          << s.intake_empty_gets << "), deliveries " << s.intake_deliveries << ", redeliveries "
          << s.intake_redeliveries << '\n';
    return o.str();
}

std::string profiler_view(const run_summary& s) {
    std::ostringstream o;
    const double jobs = std::max<double>(1, double(s.jobs));
    o << "profiler view: per stage, wall beside cpu (p50 per job, and totals over " << s.jobs << " jobs)\n";
    o << pad("stage", 8, false) << pad("wall p50", 12) << pad("cpu p50", 12) << pad("susp p50", 12) << "  |"
      << pad("wall total", 12) << pad("cpu total", 12) << pad("suspended", 11) << pad("yields/job", 12)
      << pad("reads/job", 11) << pad("bytes/read", 12) << '\n';
    double all_wall = 0;
    for (const auto& st : s.stages) all_wall += st.wall_total_us;
    for (std::size_t i = 0; i < core::stage_count; ++i) {
        const auto& st = s.stages[i];
        const double susp_share = st.wall_total_us > 0 ? st.suspended_total_us / st.wall_total_us : 0;
        o << pad(std::string(core::stage_names[i]), 8, false) << pad(duration(st.wall_us.p50), 12)
          << pad(duration(st.cpu_us.p50), 12) << pad(duration(st.suspended_us.p50), 12) << "  |"
          << pad(duration(st.wall_total_us), 12) << pad(duration(st.cpu_total_us), 12)
          << pad(num(100 * susp_share, 0) + "%", 11) << pad(num(double(st.yields) / jobs, 1), 12)
          << pad(num(double(st.reads) / jobs, 1), 11)
          << pad(st.reads ? num(double(st.bytes) / double(st.reads), 1) : std::string("-"), 12) << '\n';
    }

    double jobs_cpu_us = 0;
    for (const auto& st : s.stages) jobs_cpu_us += st.cpu_total_us;
    if (s.cpu_s > 0)
        o << "worker thread CPU " << duration(s.cpu_s * 1e6) << ": in jobs' stages " << duration(jobs_cpu_us)
          << ", outside any job " << duration(std::max(0.0, s.cpu_s * 1e6 - jobs_cpu_us))
          << " (event loop, scheduler, setup)\n";

    // The diagnosis over the run's totals (repro/worker/diagnosis).
    diagnosis_input in;
    for (std::size_t i = 0; i < core::stage_count; ++i) {
        const auto& st = s.stages[i];
        in.stages[i] = {st.wall_total_us,  st.cpu_total_us,  st.suspended_total_us,
                        double(st.yields), double(st.reads), double(st.bytes)};
    }
    in.jobs = double(s.jobs);
    in.cpu_util = s.cpu_util;
    in.has_cpu = s.wall_s > 0;
    in.pool = s.config.pool.size;
    in.pool_threads = s.config.pool.threads;
    in.read_cap =
        s.config.reads.is_whole() ? "whole-body reads" : "reads of <= " + grouped(double(s.config.reads.bytes)) + " B";
    in.failed = s.failed;
    in.total_jobs = s.jobs;
    in.errors = s.errors;
    std::vector<std::string> diagnosis;
    for (auto& f : diagnose(in)) diagnosis.push_back(f.text);
    o << diagnosis_heading() << '\n';
    if (diagnosis.empty()) o << "  wall and cpu agree in every stage that matters\n";
    for (const auto& d : diagnosis) o << "  " << d << '\n';
    return o.str();
}

}  // namespace feedbench::worker
