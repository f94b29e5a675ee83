#include "repro/diag/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace feedbench::diag {

std::string to_string(verdict_kind v) {
    switch (v) {
        case verdict_kind::tiny_reads:
            return "TINY READS";
        case verdict_kind::waiting_in_reads:
            return "WAITING IN READS";
        case verdict_kind::healthy:
            return "HEALTHY";
    }
    return "HEALTHY";
}

verdict_inputs make_inputs(const trace_counts& counts, double wall_s, double cpu_s, double runnable_s) {
    verdict_inputs in;
    in.runnable_s = runnable_s;
    in.recv = summarize(counts);
    in.wall_s = wall_s;
    in.cpu_s = cpu_s;
    for (auto& [tid, t] : counts.threads) {
        bool received = !t.sizes.empty() || t.eagain > 0;
        if (received && wall_s > 0)
            in.max_wait_share = std::max(in.max_wait_share, static_cast<double>(t.wait_ns) / 1e9 / wall_s);
    }
    return in;
}

verdict decide(const verdict_inputs& in, const thresholds& t) {
    verdict v;
    double cpu_share = in.wall_s > 0 ? in.cpu_s / in.wall_s : 0;
    double busy_share = in.wall_s > 0 ? (in.cpu_s + in.runnable_s) / in.wall_s : 0;
    if (in.recv.calls == 0) {
        v.reason = "no receive call on a socket was seen";
        return v;
    }
    if (in.recv.data_calls >= t.min_calls && in.recv.p50 <= t.tiny_p50_bytes && busy_share >= t.busy_share) {
        v.kind = verdict_kind::tiny_reads;
        v.reason = fmt::format(
            "median {} B per receive call (<= {}) over {} calls while busy {:.0f}% of wall (>= {:.0f}%; "
            "CPU {:.0f}% + runnable {:.0f}%)",
            in.recv.p50, t.tiny_p50_bytes, in.recv.data_calls, 100 * busy_share, 100 * t.busy_share, 100 * cpu_share,
            100 * (busy_share - cpu_share));
        return v;
    }
    if (cpu_share <= t.waiting_cpu_share && in.max_wait_share >= t.waiting_wait_share) {
        v.kind = verdict_kind::waiting_in_reads;
        v.reason = fmt::format(
            "CPU is {:.0f}% of wall (<= {:.0f}%) and a receiving thread waits {:.0f}% of wall in "
            "epoll/poll/select (>= {:.0f}%)",
            100 * cpu_share, 100 * t.waiting_cpu_share, 100 * in.max_wait_share, 100 * t.waiting_wait_share);
        return v;
    }
    v.reason = fmt::format(
        "median {} B per receive call, busy {:.0f}% of wall (TINY READS needs <= {} B and >= {:.0f}%); CPU "
        "{:.0f}% of wall, longest wait share {:.0f}% (WAITING IN READS needs CPU <= {:.0f}% and wait >= {:.0f}%)",
        in.recv.p50, 100 * busy_share, t.tiny_p50_bytes, 100 * t.busy_share, 100 * cpu_share, 100 * in.max_wait_share,
        100 * t.waiting_cpu_share, 100 * t.waiting_wait_share);
    return v;
}

prediction predict(const trace_counts& counts, double cpu_s, const recv_cost& cost, const thresholds& t) {
    prediction p;
    double ns = 0, bytes = 0;
    for (auto& [tid, th] : counts.threads) {
        for (auto& [size, n] : th.sizes) ns += static_cast<double>(n) * cost.ns_for(static_cast<double>(size));
        ns += static_cast<double>(th.eagain + th.errors) * cost.ns_for(0);
    }
    auto size = static_cast<std::uint64_t>(t.predict_read_bytes);
    for (auto& [fd, f] : counts.fds) {
        p.calls_at_size += (f.bytes + size - 1) / size + 1;  // the data, then one call that sees EOF or EAGAIN
        bytes += static_cast<double>(f.bytes);
    }
    p.recv_cpu_s = ns / 1e9;
    double per_call_at_size = p.calls_at_size > 0 ? bytes / static_cast<double>(p.calls_at_size) : 0;
    p.recv_cpu_at_size_s = static_cast<double>(p.calls_at_size) * cost.ns_for(per_call_at_size) / 1e9;
    double saved = std::max(0.0, p.recv_cpu_s - p.recv_cpu_at_size_s);
    double left = cpu_s - saved;
    p.speedup = left > 0 && cpu_s > 0 ? cpu_s / left : 0;  // 0: the calls cost more than the CPU measured (tracer time)
    return p;
}

}  // namespace feedbench::diag
