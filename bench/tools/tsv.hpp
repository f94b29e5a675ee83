// Google Benchmark JSON -> TSV for gnuplot: a long table (one row per run) and a pivot
// (rows x columns of one value, from the median aggregate when repetitions were run).
#pragma once

#include "bench/tools/bench_json.hpp"

#include <string>

namespace feedbench::bench_tools {

// Columns: name suite variant input run_type aggregate repetition iterations real_ns cpu_ns mb_per_s
// then every counter seen (sorted by name; empty cell when a run lacks it). mb_per_s = bytes/s / 10^6.
std::string long_tsv(const bench_file& f);

struct pivot_spec {
    std::string suite;               // keep runs whose first name part is this ("" = all)
    std::size_t row_part = 2;        // name part for rows (0 suite, 1 variant, 2 input)
    std::size_t col_part = 1;        // name part for columns
    std::string value = "mb_per_s";  // mb_per_s | real_ns | cpu_ns | any counter name
};

// First column is the row key, then one column per distinct column key (first-seen order); cells
// hold the median aggregate if present, else the mean over repetitions; "NaN" when missing.
std::string pivot_tsv(const bench_file& f, const pivot_spec& spec);

// The value a run reports for `name` (mb_per_s, real_ns, cpu_ns, or a counter); NaN when absent.
double value_of(const bench_run& r, const std::string& name);

}  // namespace feedbench::bench_tools
