// Calibration: a scenario whose mechanism needs a rate takes it from the machine at hand, not from a
// constant that holds only on a fast idle machine. A scenario's query names a calibrated value in braces
// (query=rate={dry_rate}, query=delay=0-{wait_ms}); the runner measures the worker on this machine just
// before such a scenario and substitutes the value per configuration. The measurement lives in the
// runner; what is derived from it lives here (pure, tested).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::scenarios {

// What the runner measured: two short worker runs against the unpaced embedded server, on the
// scenario's pinned cores.
struct calibration {
    bool measured = false;
    // Run A: read size 1, lazy, pool 1: every body byte is one recv made inside the parse.
    double consume_bytes_per_cpu_s = 0;  // body bytes consumed per second of worker-thread CPU
    double read_cpu_ns = 0;              // worker CPU per recv (body + parse stages / their reads)
    double body_bytes_mean = 0;          // mean body size of the jobs
    double body_bytes_max = 0;           // largest body of the jobs
    // Run B: whole body, eager, pool 1: one job's round trip plus its parse.
    double job_wall_us = 0;    // wall time per job
    double job_cpu_us = 0;     // worker CPU per job
    double load_average = -1;  // 1-min load average when it ran
    double seconds = 0;        // how long the calibration took
    std::string error;         // why there are no usable values ("" = fine)
};

// The rules, with the factors written next to them.
//
// {dry_rate}: bytes/s per connection. A pool of P connections paced at r delivers P*r bytes/s; the worker
// consumes them at read size 1 at consume_bytes_per_cpu_s. For the sockets to run dry (the 2012
// mechanism: the parse suspends between arrivals), arrival must stay well below consumption:
// P * r = consume / dry_factor, so each connection's socket is empty ~(1 - 1/dry_factor) of the time.
// Capped at the 2012 WAN's 100 kB/s: a faster machine only runs drier.
inline constexpr double dry_factor = 4;
inline constexpr double dry_rate_cap = 100'000;
// Out of range: a rate the server cannot pace (below 100 B/s) or a mean body that would take longer
// than this to arrive: the machine is too slow (or too loaded) for a run of bounded length.
inline constexpr double dry_max_seconds_per_job = 30;
//
// {wait_ms}: the upper bound of a uniform first-byte delay: its mean (wait_ms / 2) is wait_factor times
// a whole-body job's wall time, so a serial worker waits most of the time whatever the machine's speed.
// At least 20 ms (the value a fast idle machine gives).
inline constexpr double wait_factor = 20;
inline constexpr double wait_min_ms = 20;
inline constexpr double wait_max_ms = 2000;

// The names a query may carry in braces.
inline constexpr std::string_view calibrated_names[] = {"dry_rate", "wait_ms"};
bool is_calibrated_name(std::string_view name);
// True when a query value names at least one calibrated value ("rate={dry_rate}").
bool needs_calibration(std::string_view query);

struct resolved_value {
    double value = 0;
    std::string error;  // "" = fine; else why the machine cannot give this value
};
resolved_value calibrated_value(const calibration& cal, std::string_view name, std::size_t pool);

// Replaces every {name} of a query with its value for a pool of this size. On failure returns "" and sets
// why (the calibration's error, or the value's out-of-range reason).
std::string resolve_query(std::string_view query, const calibration& cal, std::size_t pool, std::string& why);

// The query with every {name} replaced by what a fast idle machine gives ({dry_rate} 40000, {wait_ms} 20):
// for checking the rest of the query and for run-time estimates before anything is measured. Returns false
// (query untouched) when a brace is unclosed or names no calibrated value.
bool with_typical_values(std::string& query);

// One line for reports: "1-byte recv 0.31 µs of worker CPU (3.2 MB/s consumed at read size 1), ..."
std::string describe(const calibration& cal);

}  // namespace feedbench::scenarios
