// The throughput model: interpolation of measured per-read costs, per-job CPU, jobs/s, and loading
// the constants from a benchmark run's JSON files.
#include "bench/model/model.hpp"

#include "bench/tools/tsv.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

namespace feedbench::bench_model {

namespace bt = feedbench::bench_tools;

double read_ns_at(const constants& c, double bytes) {
    auto const& t = c.read_ns;
    if (t.empty()) return 0;
    if (bytes <= t.front().first) return t.front().second;
    if (bytes >= t.back().first)
        return t.back().second * bytes / t.back().first;  // beyond the table: proportional to bytes
    for (std::size_t i = 1; i < t.size(); ++i)
        if (bytes <= t[i].first) {
            // linear in log(bytes): the table spans 1 B .. 500 KiB
            double const x0 = std::log(t[i - 1].first), x1 = std::log(t[i].first);
            double const f = x1 == x0 ? 0 : (std::log(bytes) - x0) / (x1 - x0);
            return t[i - 1].second + f * (t[i].second - t[i - 1].second);
        }
    return t.back().second;
}

prediction predict(const constants& c, std::size_t body_bytes, std::size_t read_size, std::size_t pool, consume mode,
                   const scenario& s) {
    prediction p;
    p.read_size = read_size;
    p.pool = std::max<std::size_t>(pool, 1);
    p.mode = mode;
    double const b = static_cast<double>(body_bytes);
    double const r = read_size == 0 ? b : std::min(b, static_cast<double>(read_size));
    p.reads = b == 0 ? 0 : std::ceil(b / r);
    p.read_us = p.reads * read_ns_at(c, r) / 1e3;
    p.parse_us =
        (mode == consume::eager ? b * c.eager_ns_per_byte : b * c.lazy_base_ns_per_byte + p.reads * c.lazy_chunk_ns) /
        1e3;
    p.request_us = c.request_cpu_ns / 1e3;
    p.wait_us = c.wait_ns / 1e3 + s.delay_mean_ms * 1e3 + (s.rate_bytes_per_s > 0 ? b / s.rate_bytes_per_s * 1e6 : 0);
    p.cpu_us = p.read_us + p.parse_us + p.request_us + s.yields_per_job * c.yield_ns / 1e3;
    double const cpu_bound = 1e6 / p.cpu_us;
    double const latency_bound = static_cast<double>(p.pool) * 1e6 / (p.cpu_us + p.wait_us);
    p.jobs_per_s = std::min(cpu_bound, latency_bound);
    p.bound = cpu_bound <= latency_bound ? "cpu" : "latency";
    return p;
}

namespace {

// Median aggregate of `value` per run name, else the mean over repetitions.
std::map<std::string, double> medians(const bt::bench_file& f, const std::string& value) {
    std::map<std::string, double> med;
    std::map<std::string, std::pair<double, int>> sum;
    for (auto const& r : f.runs) {
        if (r.error) continue;
        double const v = bt::value_of(r, value);
        if (std::isnan(v)) continue;
        if (r.run_type == "aggregate") {
            if (r.aggregate_name == "median") med[r.run_name] = v;
        } else {
            auto& s = sum[r.run_name];
            s.first += v;
            s.second += 1;
        }
    }
    for (auto const& [k, s] : sum)
        if (!med.count(k)) med[k] = s.first / s.second;
    return med;
}

// The value for the run whose name parts are (suite, variant, input); throws when absent.
double find(const std::map<std::string, double>& m, const std::string& suite, const std::string& variant,
            const std::string& input, const std::string& what) {
    for (auto const& [name, v] : m) {
        bt::bench_run probe;
        probe.run_name = name;
        if (probe.part(0) == suite && probe.part(1) == variant && probe.part(2) == input) return v;
    }
    throw std::runtime_error("model: no measurement " + suite + "/" + variant + "/" + input + " (" + what + ")");
}

}  // namespace

constants constants_from_bench(const std::string& dir, const std::string& policy, const std::string& parse_input,
                               const std::string& read_family) {
    namespace fs = std::filesystem;
    auto load = [&](const char* name) {
        fs::path const p = fs::path(dir) / name;
        if (!fs::exists(p)) throw std::runtime_error("model: " + p.string() + " missing (run scripts/bench.sh first)");
        return bt::load_bench_json(p.string());
    };
    constants c;
    c.source = dir;

    // Reads: the client stream under the policy, else the bare recv loop (50 kB body family).
    auto const read_file = load("read_path.json");
    auto const per_read = medians(read_file, "cpu_ns_per_read");
    auto const bytes_per_read = medians(read_file, "bytes_per_read");
    std::string family = read_family.empty() ? "stream_" + policy : read_family;
    bool have_stream = false;
    for (auto const& [name, v] : per_read) {
        bt::bench_run probe;
        probe.run_name = name;
        if (probe.part(1) == family) have_stream = true;
    }
    if (!have_stream && !read_family.empty())
        throw std::runtime_error("model: no read_path/" + read_family + " measurements in " + dir);
    if (!have_stream) family = "body_50k";  // no client-stream runs (bench_read_path built without feedbench_net)
    std::map<double, double> table;
    for (auto const& [name, ns] : per_read) {
        bt::bench_run probe;
        probe.run_name = name;
        if (probe.part(1) != family) continue;
        auto const b = bytes_per_read.find(name);
        if (b != bytes_per_read.end())
            table[b->second] = ns;  // several sizes end at the same bytes/read (>= body): keep one
    }
    if (table.empty()) throw std::runtime_error("model: no read_path/" + family + " measurements in " + dir);
    c.read_ns.assign(table.begin(), table.end());
    c.source += " reads=" + family;

    // Parse: CPU ns per byte from MB/s (CPU-time based in Google Benchmark).
    auto const parse_file = load("parse.json");
    auto const mbps = medians(parse_file, "mb_per_s");
    auto ns_per_byte = [&](const std::string& variant) {
        return 1e3 / find(mbps, "parse", variant, parse_input, "MB/s");
    };
    c.eager_ns_per_byte = ns_per_byte("feed_eager");
    double const lazy_whole = ns_per_byte("feed_lazy_whole");
    double const lazy_one = ns_per_byte("feed_lazy_1");
    c.lazy_base_ns_per_byte = lazy_whole;
    c.lazy_chunk_ns = std::max(0.0, lazy_one - lazy_whole);  // per byte at 1-byte chunks = per chunk

    // Request: client CPU of a tiny keep-alive request; wait: its wall time minus that CPU.
    try {
        auto const http_file = load("http.json");
        auto const cpu = medians(http_file, "cpu_ns");
        auto const wall = medians(http_file, "real_ns");
        double const tiny_cpu = find(cpu, "http", "beast", "tiny", "client CPU");
        double const tiny_wall = find(wall, "http", "beast", "tiny", "round trip");
        c.request_cpu_ns = tiny_cpu;
        c.wait_ns = std::max(0.0, tiny_wall - tiny_cpu);
        c.source += " request=http/beast/tiny";
    } catch (const std::runtime_error&) {
        c.source += " request=unmeasured(0)";
    }
    try {
        auto const sched_file = load("sched.json");
        c.yield_ns = find(medians(sched_file, "cpu_ns"), "sched", "switch", "spawn_post_yield", "yield cost");
    } catch (const std::runtime_error&) {
        c.source += " yield=unmeasured(0)";
    }
    return c;
}

std::string predictions_tsv(const std::vector<prediction>& ps) {
    std::ostringstream out;
    out << "read_size\tpool\tconsume\treads\tread_us\tparse_us\trequest_us\twait_us\tcpu_us\tpredicted_jobs_per_"
           "s\tbound\n";
    for (auto const& p : ps)
        out << (p.read_size == 0 ? std::string("whole") : std::to_string(p.read_size)) << '\t' << p.pool << '\t'
            << (p.mode == consume::eager ? "eager" : "lazy") << '\t' << p.reads << '\t' << p.read_us << '\t'
            << p.parse_us << '\t' << p.request_us << '\t' << p.wait_us << '\t' << p.cpu_us << '\t' << p.jobs_per_s
            << '\t' << p.bound << '\n';
    return out.str();
}

}  // namespace feedbench::bench_model
