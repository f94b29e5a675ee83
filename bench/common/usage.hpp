// The benchmark programs' shared driver parts: --help with a usage line and a concrete example, and the run itself.
#pragma once

#include <benchmark/benchmark.h>

#include <iostream>
#include <string_view>

namespace feedbench::bench {

inline void print_usage_on_help(int argc, char** argv, std::string_view program, std::string_view what, std::string_view example)
{
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << "usage: " << program << " [google benchmark flags]\n  " << what << "\n  example: " << example
                      << "\n  (throughput in JSON is bytes_per_second; bench_to_tsv reports MB/s with MB = 10^6)\n\n";
            return;
        }
    }
}

// The driver's tail (what BENCHMARK_MAIN does, after the suite registered its benchmarks).
inline int run_registered_benchmarks(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace feedbench::bench
