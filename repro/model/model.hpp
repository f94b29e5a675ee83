// A first-principles model of the read-size sweep: from measured constants (parse ns per byte, ns per
// recv at each read size, coroutine switch ns, per-request overhead) predict jobs/s for a configuration.
// The reproduction report shows predicted beside measured; where they part, it names the missing cost.
#pragma once

#include "repro/worker/config.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace feedbench::model {

struct constants {
    double parse_ns_per_byte = 0;            // eager parse of the corpus from memory, one core
    std::map<std::size_t, double> recv_ns;    // ns per recv(2) with data waiting, by bytes asked (loopback TCP)
    double switch_ns = 0;                    // one suspend + resume of a coroutine through the io_context
    double request_cpu_ns = 0;               // worker CPU per request beyond parse and reads (anchored, see below)
    double request_wall_ns = 0;              // serial wall per request beyond the worker's CPU (server + loopback)
    std::string anchor;                      // which measured configuration the request costs came from
};

struct workload {
    double body_bytes = 0;                   // mean body bytes per job
    double header_bytes = 200;               // mean response header bytes per job
};

struct prediction {
    double reads_per_job = 0;
    double cpu_ns_per_job = 0;               // worker CPU
    double wall_ns_per_job = 0;              // serial wall (pool 1)
    double jobs_per_s = 0;
    double cpu_util = 0;                     // predicted worker CPU share (1.0 = one core)
    std::string bound;                       // "cpu" (the worker's core is the limit) or "latency"
};

// ns per recv at `bytes`, interpolated log-log between the measured sizes (clamped at the ends).
double recv_ns_at(const constants& c, double bytes);

// Reads one job needs at a read size: ceil((header+body)/r); whole: one header read of up to 64 KiB
// and the rest of the body in one read.
double reads_per_job(const workload& w, const worker::read_size& r);

// Pool 1 pays CPU + request wall per job; a cooperative pool of N on one thread overlaps the waiting:
// jobs/s = min(1e9 / cpu, N * 1e9 / (cpu + request_wall)). threads:N scale the CPU bound by
// min(N, cores available to the worker).
prediction predict(const constants& c, const workload& w, const worker::read_size& r, const worker::pool_spec& p,
                   unsigned worker_cores = 1);

// Anchors request_cpu_ns / request_wall_ns on one measured configuration (whole body, eager), so every
// other point of the sweep is a prediction: cpu_per_job and wall_per_job are the measured means.
void anchor_request_costs(constants& c, const workload& w, double measured_cpu_ns_per_job,
                          double measured_wall_ns_per_job_serial, const std::string& anchor_name);

// Micro-calibration on this machine (a second or two): recv ns at each read size on a loopback TCP
// pair with the data already waiting, coroutine switch ns, and parse ns/byte over the given bodies.
constants calibrate(const std::vector<std::string>& bodies, const std::vector<std::size_t>& read_sizes);

}  // namespace feedbench::model
