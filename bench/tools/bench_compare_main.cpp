// bench_compare: a run against a saved baseline; exit 1 on a significant slowdown, 2 on bad input.
#include "bench/tools/compare.hpp"
#include "repro/cli/cli.hpp"

#include <iostream>

int main(int argc, char** argv) {
    namespace bt = feedbench::bench_tools;
    namespace cli = feedbench::cli;
    CLI::App app;
    cli::describe(
        app,
        {"bench_compare: compare Google Benchmark JSON runs: median change, Mann-Whitney U over repetitions, geometric "
         "mean.",
         "bench_compare BASELINE.json NEW.json [--threshold PERCENT] [--alpha P] [--metric NAME]",
         "bench_compare results/baseline/bench/parse.json results/latest/bench/parse.json --threshold 10",
         "Exit status: 0 no significant slowdown, 1 a benchmark is slower by more than --threshold with p < --alpha,\n"
         "2 bad arguments (an input that cannot be read, or no benchmark in common)."});
    std::string base, next;
    double threshold_percent = 10;
    bt::compare_options opt;
    app.add_option("baseline", base, "baseline JSON")->required()->check(CLI::ExistingFile);
    app.add_option("new", next, "new JSON")->required()->check(CLI::ExistingFile);
    app.add_option("--threshold", threshold_percent, "slowdown that matters, percent")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    app.add_option("--alpha", opt.alpha, "significance level")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    app.add_option("--metric", opt.metric,
                   "auto (cpu_ns; real_ns for real/manual-time benchmarks) | real_ns | cpu_ns | instructions | a "
                   "counter (lower is better)")
        ->capture_default_str();
    if (auto code = cli::parse(app, argc, argv)) return *code;
    opt.threshold = threshold_percent / 100;
    try {
        auto const c = bt::compare(bt::load_bench_json(base), bt::load_bench_json(next), opt);
        std::cout << bt::format_comparison(c, opt);
        if (c.rows.empty()) return cli::fail(app, "no benchmark in common", cli::exit_bad_arguments);
        return c.slowdowns > 0 ? cli::exit_failed : cli::exit_ok;
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_bad_arguments);
    }
}
