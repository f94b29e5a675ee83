// The benchmark programs' shared driver parts: --help with a usage line and a concrete example, and the run itself.
#pragma once

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <string_view>

namespace feedbench::bench {

inline void print_usage_on_help(int argc, char** argv, std::string_view program, std::string_view what,
                                std::string_view example) {
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            fmt::print(
                "{}: {}\nUsage: {} [google benchmark flags]\nExample: {}\n"
                "(throughput in JSON is bytes_per_second; bench_to_tsv reports MB/s with MB = 10^6)\n"
                "Exit status: 0 ok, 2 bad arguments (an unrecognized flag).\n\n",
                program, what, program, example);
            return;
        }
    }
}

// The driver's tail (what BENCHMARK_MAIN does, after the suite registered its benchmarks).
inline int run_registered_benchmarks(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;  // bad arguments, as for every program (README.md, Exit status)
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace feedbench::bench
