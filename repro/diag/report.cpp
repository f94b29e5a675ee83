#include "repro/diag/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace feedbench::diag {

namespace {

std::string human_bytes(double b) {
    if (b >= 1e9) return fmt::format("{:.2f} GB", b / 1e9);
    if (b >= 1e6) return fmt::format("{:.2f} MB", b / 1e6);
    if (b >= 1e3) return fmt::format("{:.1f} kB", b / 1e3);
    return fmt::format("{:.0f} B", b);
}

// "0", "1", then "2-4", "4-8", ..., "1k-2k": the bucket holds [low, 2 x low).
std::string bucket_label(std::size_t b) {
    auto k = [](std::int64_t v) {
        return v >= 1024 && v % 1024 == 0 ? fmt::format("{}k", v / 1024) : std::to_string(v);
    };
    auto lo = log2_bucket_low(b);
    if (b <= 1) return std::to_string(lo);
    return k(lo) + "-" + k(2 * lo);
}

nlohmann::json summary_json(const recv_summary& s) {
    nlohmann::json j;
    j["calls"] = s.calls;
    j["data_calls"] = s.data_calls;
    j["bytes"] = s.bytes;
    j["eagain"] = s.eagain;
    j["errors"] = s.errors;
    j["bytes_per_call_p50"] = s.p50;
    j["bytes_per_call_p99"] = s.p99;
    j["bytes_per_call_max"] = s.max;
    j["waits"] = s.waits;
    j["wait_s"] = static_cast<double>(s.wait_ns) / 1e9;
    auto hist = nlohmann::json::array();
    for (std::size_t b = 0; b < s.log2_calls.size(); ++b)
        hist.push_back({{"low", log2_bucket_low(b)},
                        {"high", log2_bucket_high(b)},
                        {"calls", s.log2_calls[b]},
                        {"bytes", s.log2_bytes[b]}});
    j["log2_histogram"] = hist;
    return j;
}

nlohmann::json cpu_json(const cpu_times& c) {
    return {{"cpu_s", c.cpu_s()},
            {"user_s", c.user_s},
            {"system_s", c.system_s},
            {"runnable_s", c.run_delay_s},
            {"voluntary_switches", c.voluntary},
            {"involuntary_switches", c.involuntary}};
}

}  // namespace

void conclude(diagnosis& d) {
    d.result = decide(make_inputs(d.counts, d.wall_s, d.cpu.cpu_s(), d.cpu.run_delay_s), d.limits);
    if (d.result.kind == verdict_kind::tiny_reads && d.cost) {
        d.result.has_prediction = true;
        d.result.predicted = predict(d.counts, d.cpu.cpu_s(), *d.cost, d.limits);
    }
}

std::string text_report(const diagnosis& d) {
    auto s = summarize(d.counts);
    std::string out;
    auto who = d.command.empty() ? fmt::format("pid {} ({})", d.pid, d.comm)
                                 : fmt::format("pid {} ({})", d.pid, d.command.front());
    out += fmt::format("feeddiag: {} traced {:.2f} s with {} ({}); ended: {}{}\n", who, d.wall_s, d.backend,
                       d.backend_detail, d.ended, d.exit_status ? fmt::format(", exit status {}", *d.exit_status) : "");
    out += fmt::format(
        "  receives   {} calls on {} sockets, {} ({} B); bytes per call p50 {}  p99 {}  max {}; EAGAIN {}, errors {}\n",
        s.calls, d.counts.fds.size(), human_bytes(static_cast<double>(s.bytes)), s.bytes, s.p50, s.p99, s.max, s.eagain,
        s.errors);
    out +=
        fmt::format("  waits      {} in epoll/poll/select, {:.3f} s{}\n", s.waits, static_cast<double>(s.wait_ns) / 1e9,
                    d.waits_sampled ? " (sampled from /proc every 10 ms: waits seen, time)" : "");
    double share = d.wall_s > 0 ? d.cpu.cpu_s() / d.wall_s : 0;
    out += fmt::format(
        "  cpu        {:.3f} s of {:.3f} s wall ({:.0f}%): user {:.3f} s, system {:.3f} s; runnable waiting for a CPU "
        "{:.3f} s; context switches voluntary {}, involuntary {}\n",
        d.cpu.cpu_s(), d.wall_s, 100 * share, d.cpu.user_s, d.cpu.system_s, d.cpu.run_delay_s, d.cpu.voluntary,
        d.cpu.involuntary);
    // The threads that received anything, busiest first (at most 8).
    std::vector<std::pair<int, recv_summary>> rows;
    for (auto& [tid, t] : d.counts.threads) rows.emplace_back(tid, summarize(t));
    std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.second.calls > b.second.calls; });
    if (!rows.empty()) {
        out += fmt::format("  {:>8} {:<16} {:>10} {:>12} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8}\n", "tid", "thread",
                           "receives", "bytes", "p50", "p99", "EAGAIN", "waits", "wait s", "cpu s");
        for (std::size_t i = 0; i < rows.size() && i < 8; ++i) {
            auto& [tid, r] = rows[i];
            auto th = d.threads.find(tid);
            out += fmt::format("  {:>8} {:<16} {:>10} {:>12} {:>6} {:>6} {:>8} {:>8} {:>8.3f} {:>8}\n", tid,
                               th != d.threads.end() ? th->second.comm : "?", r.calls, r.bytes, r.p50, r.p99, r.eagain,
                               r.waits, static_cast<double>(r.wait_ns) / 1e9,
                               th != d.threads.end() ? fmt::format("{:.3f}", th->second.cpu.cpu_s()) : "?");
        }
        if (rows.size() > 8) out += fmt::format("  ... {} more threads in diag.json\n", rows.size() - 8);
    }
    out += fmt::format("  verdict    {}: {}\n", to_string(d.result.kind), d.result.reason);
    if (d.result.has_prediction && d.cost) {
        auto& p = d.result.predicted;
        out += fmt::format(
            "  prediction the receive calls cost ~{:.3f} s CPU here ({:.0f} ns per 1-byte recv, measured: {}); "
            "reading {} B per call: {} calls, ~{:.3f} s -> ",
            p.recv_cpu_s, d.cost->ns_per_call_1b, "loopback at start-up", d.limits.predict_read_bytes, p.calls_at_size,
            p.recv_cpu_at_size_s);
        out += p.speedup > 0
                   ? fmt::format("{:.1f}x the throughput if CPU-bound\n", p.speedup)
                   : std::string("more CPU than was measured (the tracer's own cost is in it): cannot tell\n");
    }
    return out;
}

std::string json_report(const diagnosis& d) {
    nlohmann::json j;
    j["backend"] = d.backend;
    j["backend_detail"] = d.backend_detail;
    j["pid"] = d.pid;
    j["comm"] = d.comm;
    j["command"] = d.command;
    j["wall_s"] = d.wall_s;
    j["ended"] = d.ended;
    if (d.exit_status) j["exit_status"] = *d.exit_status;
    j["cpu"] = cpu_json(d.cpu);
    j["cpu_share_of_wall"] = d.wall_s > 0 ? d.cpu.cpu_s() / d.wall_s : 0;
    j["busy_share_of_wall"] = d.wall_s > 0 ? (d.cpu.cpu_s() + d.cpu.run_delay_s) / d.wall_s : 0;
    j["receives"] = summary_json(summarize(d.counts));
    j["waits_sampled"] = d.waits_sampled;
    auto threads = nlohmann::json::array();
    std::vector<int> tids;
    for (auto& [tid, t] : d.counts.threads) tids.push_back(tid);
    for (auto& [tid, t] : d.threads)
        if (!d.counts.threads.contains(tid)) tids.push_back(tid);
    std::sort(tids.begin(), tids.end());
    for (int tid : tids) {
        nlohmann::json t{{"tid", tid}};
        if (auto it = d.threads.find(tid); it != d.threads.end()) {
            t["comm"] = it->second.comm;
            t["cpu"] = cpu_json(it->second.cpu);
        }
        if (auto it = d.counts.threads.find(tid); it != d.counts.threads.end())
            t["receives"] = summary_json(summarize(it->second));
        threads.push_back(t);
    }
    j["threads"] = threads;
    auto fds = nlohmann::json::array();
    for (auto& [id, f] : d.counts.fds)
        fds.push_back({{"socket", d.counts.socket_key == "sk" ? fmt::format("sk {:#x}", id) : fmt::format("fd {}", id)},
                       {"calls", f.calls},
                       {"bytes", f.bytes},
                       {"eagain", f.eagain}});
    j["connections"] = fds;
    if (d.cost)
        j["recv_cost"] = {{"ns_per_call_1b", d.cost->ns_per_call_1b},
                          {"ns_per_call_64k", d.cost->ns_per_call_64k},
                          {"bytes_per_call_64k", d.cost->bytes_per_call_64k},
                          {"method", d.cost->method}};
    j["thresholds"] = {{"tiny_p50_bytes", d.limits.tiny_p50_bytes},
                       {"busy_share", d.limits.busy_share},
                       {"min_calls", d.limits.min_calls},
                       {"waiting_cpu_share", d.limits.waiting_cpu_share},
                       {"waiting_wait_share", d.limits.waiting_wait_share},
                       {"predict_read_bytes", d.limits.predict_read_bytes}};
    j["verdict"] = to_string(d.result.kind);
    j["reason"] = d.result.reason;
    if (d.result.has_prediction) {
        auto& p = d.result.predicted;
        j["prediction"] = {{"recv_cpu_s", p.recv_cpu_s},
                           {"calls_at_read_size", p.calls_at_size},
                           {"recv_cpu_at_read_size_s", p.recv_cpu_at_size_s},
                           {"speedup", p.speedup}};
    }
    return j.dump(2) + "\n";
}

std::string recv_sizes_tsv(const diagnosis& d) {
    auto s = summarize(d.counts);
    std::string out = "bucket\tlow\thigh\tlabel\tcalls\tbytes\tcalls_pct\tbytes_pct\n";
    for (std::size_t b = 0; b < s.log2_calls.size(); ++b) {
        double cp = s.data_calls ? 100.0 * static_cast<double>(s.log2_calls[b]) / static_cast<double>(s.data_calls) : 0;
        double bp = s.bytes ? 100.0 * static_cast<double>(s.log2_bytes[b]) / static_cast<double>(s.bytes) : 0;
        out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{:.3f}\t{:.3f}\n", b, log2_bucket_low(b), log2_bucket_high(b),
                           bucket_label(b), s.log2_calls[b], s.log2_bytes[b], cp, bp);
    }
    return out;
}

}  // namespace feedbench::diag
