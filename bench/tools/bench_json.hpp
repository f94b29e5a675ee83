// Reading Google Benchmark's JSON output (--benchmark_out_format=json) into plain structs.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::bench_tools {

struct bench_run {
    std::string name;            // full name, e.g. "parse/dom/feeds-2012/repeats:3_median"
    std::string run_name;        // name without the aggregate suffix
    std::string run_type;        // "iteration" or "aggregate"
    std::string aggregate_name;  // "mean", "median", "stddev", "cv" (aggregates only)
    int repetition_index = -1;
    double iterations = 0;
    double real_time = 0, cpu_time = 0;  // in time_unit
    std::string time_unit = "ns";
    std::string label;
    bool error = false;
    std::string error_message;
    std::map<std::string, double> counters;  // bytes_per_second, items_per_second and user counters

    double real_ns() const;
    double cpu_ns() const;
    // "suite", "variant", "input": the '/'-separated parts of run_name, without Google Benchmark's
    // own suffixes (repeats:N, real_time, manual_time, min_time:...); "" when absent.
    std::string part(std::size_t index) const;
};

struct bench_file {
    std::map<std::string, std::string> context;  // string fields of "context"
    std::vector<bench_run> runs;
};

bench_file parse_bench_json(std::string_view json);   // throws std::runtime_error on malformed input
bench_file load_bench_json(const std::string& path);  // throws std::runtime_error (cannot read / malformed)

double to_ns(double value, std::string_view unit);

}  // namespace feedbench::bench_tools
