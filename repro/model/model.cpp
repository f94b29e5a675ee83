// The model's arithmetic: reads per job, CPU per job, and the pool's overlap of waiting.
#include "repro/model/model.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

namespace feedbench::model {

namespace {
constexpr double header_read_cap = 64 * 1024;  // read_limited_stream: `whole` asks up to 64 KiB before the headers
}

double recv_ns_at(const constants& c, double bytes) {
    if (c.recv_ns.empty()) throw std::invalid_argument("model: no recv costs measured");
    bytes = std::max(bytes, 1.0);
    auto hi = c.recv_ns.lower_bound(static_cast<std::size_t>(std::ceil(bytes)));
    if (hi == c.recv_ns.begin()) return hi->second;
    if (hi == c.recv_ns.end()) {
        // Beyond the largest measured size: scale by bytes (copy bound).
        auto last = std::prev(hi);
        return last->second * bytes / static_cast<double>(last->first);
    }
    auto lo = std::prev(hi);
    double x0 = std::log(static_cast<double>(lo->first)), x1 = std::log(static_cast<double>(hi->first));
    double y0 = std::log(lo->second), y1 = std::log(hi->second);
    double t = x1 == x0 ? 0 : (std::log(bytes) - x0) / (x1 - x0);
    return std::exp(y0 + t * (y1 - y0));
}

double reads_per_job(const workload& w, const worker::read_size& r) {
    double total = w.header_bytes + w.body_bytes;
    if (r.is_whole()) return total <= header_read_cap ? 1.0 : 2.0;
    return std::ceil(total / static_cast<double>(r.bytes));
}

static double read_cost_ns(const constants& c, const workload& w, const worker::read_size& r) {
    double total = w.header_bytes + w.body_bytes;
    if (r.is_whole()) {
        if (total <= header_read_cap) return recv_ns_at(c, total);
        return recv_ns_at(c, header_read_cap) + recv_ns_at(c, total - header_read_cap);
    }
    double size = static_cast<double>(r.bytes);
    double full = std::floor(total / size);
    double rest = total - full * size;
    return full * recv_ns_at(c, size) + (rest > 0 ? recv_ns_at(c, rest) : 0.0);
}

prediction predict(const constants& c, const workload& w, const worker::read_size& r, const worker::pool_spec& p,
                   unsigned worker_cores) {
    prediction out;
    out.reads_per_job = reads_per_job(w, r);
    // Two suspensions per job at least (wait for headers, wait for the connection to be writable/readable).
    double switches = 2.0;
    out.cpu_ns_per_job = c.request_cpu_ns + c.parse_ns_per_byte * w.body_bytes + read_cost_ns(c, w, r) + switches * c.switch_ns;
    out.wall_ns_per_job = out.cpu_ns_per_job + c.request_wall_ns;
    double n = static_cast<double>(std::max<std::size_t>(p.size, 1));
    double cpu_bound, latency_bound;
    if (p.threads) {
        double cores = std::min(n, static_cast<double>(std::max(worker_cores, 1u)));
        cpu_bound = cores * 1e9 / out.cpu_ns_per_job;
        latency_bound = n * 1e9 / out.wall_ns_per_job;
    } else {
        cpu_bound = 1e9 / out.cpu_ns_per_job;
        latency_bound = n * 1e9 / out.wall_ns_per_job;
    }
    out.jobs_per_s = std::min(cpu_bound, latency_bound);
    out.bound = cpu_bound <= latency_bound ? "cpu" : "latency";
    out.cpu_util = out.jobs_per_s * out.cpu_ns_per_job / 1e9;
    return out;
}

void anchor_request_costs(constants& c, const workload& w, double measured_cpu_ns_per_job,
                          double measured_wall_ns_per_job_serial, const std::string& anchor_name) {
    worker::read_size whole{};
    double modelled = c.parse_ns_per_byte * w.body_bytes + read_cost_ns(c, w, whole) + 2.0 * c.switch_ns;
    c.request_cpu_ns = std::max(0.0, measured_cpu_ns_per_job - modelled);
    c.request_wall_ns = std::max(0.0, measured_wall_ns_per_job_serial - measured_cpu_ns_per_job);
    c.anchor = anchor_name;
}

}  // namespace feedbench::model
