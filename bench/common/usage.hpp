// --help for the benchmark programs: a usage line and a concrete example, then Google Benchmark's flags.
#pragma once

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

}  // namespace feedbench::bench
