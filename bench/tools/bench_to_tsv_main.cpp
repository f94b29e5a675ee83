// bench_to_tsv: Google Benchmark JSON -> TSV (long table, or a pivot for gnuplot histograms).
#include "bench/tools/tsv.hpp"
#include "repro/cli/cli.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
    namespace bt = feedbench::bench_tools;
    namespace cli = feedbench::cli;
    CLI::App app;
    cli::describe(
        app, {"bench_to_tsv: Google Benchmark JSON to TSV (mb_per_s = bytes_per_second / 10^6).",
              "bench_to_tsv INPUT.json [-o FILE] [--check] [--pivot [--pivot-out FILE] [--suite S] [--rows K] [--cols "
              "K] [--value V]]",
              "bench_to_tsv parse.json -o parse.tsv --pivot --suite parse --value mb_per_s --pivot-out parse_mbps.tsv",
              "Exit status: 0 ok, 1 --check found a failed benchmark (or none ran) or a file could not be written,\n"
              "2 bad arguments (an input that cannot be read)."});
    std::string in, out, pivot_out;
    bool pivot = false, check = false;
    bt::pivot_spec spec;
    app.add_option("input", in, "Google Benchmark JSON (--benchmark_out_format=json)")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("-o,--output", out, "long TSV file (default: stdout)");
    app.add_flag("--check", check, "exit 1 when a benchmark reported an error (SkipWithError) or none ran");
    app.add_flag("--pivot", pivot, "also write a pivot table (rows x columns of one value)");
    app.add_option("--pivot-out", pivot_out, "pivot TSV file (default: stdout)");
    app.add_option("--suite", spec.suite, "pivot only runs of this suite (first name part)");
    app.add_option("--rows", spec.row_part, "name part for pivot rows (0 suite, 1 variant, 2 input)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{15}))
        ->capture_default_str();
    app.add_option("--cols", spec.col_part, "name part for pivot columns")
        ->check(CLI::Range(std::size_t{0}, std::size_t{15}))
        ->capture_default_str();
    app.add_option("--value", spec.value, "mb_per_s | real_ns | cpu_ns | a counter name")->capture_default_str();
    if (auto code = cli::parse(app, argc, argv)) return *code;

    bt::bench_file f;
    try {
        f = bt::load_bench_json(in);
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_bad_arguments);
    }
    if (check) {
        std::size_t errors = 0;
        for (auto const& r : f.runs)
            if (r.error) {
                std::cerr << "bench_to_tsv: " << r.name << ": " << r.error_message << "\n";
                ++errors;
            }
        if (errors > 0 || f.runs.empty()) {
            return cli::fail(app, fmt::format("{} failed benchmark(s), {} run(s)", errors, f.runs.size()),
                             cli::exit_failed);
        }
    }
    auto write = [](const std::string& path, const std::string& text) {
        if (path.empty()) {
            std::cout << text;
            return true;
        }
        std::ofstream o(path, std::ios::binary);
        o << text;
        return static_cast<bool>(o);
    };
    if (!write(out, bt::long_tsv(f))) return cli::fail(app, "cannot write " + out, cli::exit_failed);
    if (pivot && !write(pivot_out, bt::pivot_tsv(f, spec)))
        return cli::fail(app, "cannot write " + pivot_out, cli::exit_failed);
    return cli::exit_ok;
}
