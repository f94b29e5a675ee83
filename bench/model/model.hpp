// A first-principles model of the worker's throughput from the benchmark suites' constants:
// per-read cost at each read size (client stream, yield policy), parse cost per byte (eager, and
// lazy per pushed chunk), client CPU per request, and the server/network wait per request.
// It predicts jobs/s for each read size and pool of the reproduction's sweep (README.md, Vocabulary).
//
//   reads(B, r)   = ceil(B / r) body reads (r = B at whole)
//   read_cpu      = reads * read_ns(min(r, B))            read_ns interpolated over the measured sizes
//   parse_cpu     = eager: B * eager_ns_per_byte
//                   lazy:  B * lazy_base_ns_per_byte + reads * lazy_chunk_ns   (push-parser cost per chunk)
//   cpu_job       = request_cpu_ns + read_cpu + parse_cpu + yields * yield_ns
//   wait          = wait_ns + delay_mean + B / rate (paced server)
//   jobs/s        = min(1 / cpu_job, pool / (cpu_job + wait))   one OS thread, server on another core
//
// The read constants already contain the yield policy's own cost (the `always` stream measurements
// include the loop round trip per read); would-block yields (dry socket) are assumed rare with the
// whole response already in flight, which is the assumption to revisit where the model misses.
#pragma once

#include "bench/tools/bench_json.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace feedbench::bench_model {

struct constants {
    std::vector<std::pair<double, double>> read_ns;  // (bytes per read, ns per read), ascending bytes
    double eager_ns_per_byte = 0;                    // parse_eager, from memory
    double lazy_base_ns_per_byte = 0;                // lazy parse cost per byte, excluding per-chunk overhead
    double lazy_chunk_ns = 0;                        // extra cost per pushed chunk (one read = one chunk)
    double request_cpu_ns = 0;  // client CPU per request beyond the body reads (connect reuse, request, head)
    double wait_ns = 0;         // per request, time the client waits on the server (not CPU)
    double yield_ns = 0;        // one suspension and resumption through the loop (asio::spawn post+yield)
    std::string source;         // which measurements these came from
};

enum class consume { eager, lazy };

// What the scenario adds beyond an unpaced in-memory server (all optional).
struct scenario {
    double yields_per_job = 0;    // suspensions on a dry socket per job (a paced server makes them)
    double rate_bytes_per_s = 0;  // server pacing per connection (0 = unpaced): the body takes B / rate
    double delay_mean_ms = 0;     // mean first-byte delay of the server
};

struct prediction {
    std::size_t read_size = 0;  // 0 = whole
    std::size_t pool = 1;
    consume mode = consume::eager;
    double reads = 0;  // body reads per job
    double read_us = 0, parse_us = 0, request_us = 0, wait_us = 0;
    double cpu_us = 0;  // per job on the worker thread
    double jobs_per_s = 0;
    std::string bound;  // "cpu" or "latency"
};

double read_ns_at(const constants& c, double bytes_per_read);
prediction predict(const constants& c, std::size_t body_bytes, std::size_t read_size, std::size_t pool, consume mode,
                   const scenario& s = {});

// Constants from a bench run folder (parse.json, read_path.json, http.json as written by scripts/bench.sh).
// policy: "would-block" or "always" (which client-stream family to use; falls back to the bare recv family).
// Uses the median aggregates (or the mean of repetitions) of CPU-time measures. Throws std::runtime_error
// naming what is missing.
// read_family overrides which read_path family gives the per-read costs (e.g. "sender_thread": data
// streamed from another core, as when the server runs on the other core; "" = stream_<policy>).
constants constants_from_bench(const std::string& bench_dir, const std::string& policy = "would-block",
                               const std::string& parse_input = "synthetic-rss", const std::string& read_family = "");

std::string predictions_tsv(const std::vector<prediction>& p);

}  // namespace feedbench::bench_model
