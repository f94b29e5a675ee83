// bench_compare: a run against a saved baseline; exit 1 on a significant slowdown, 2 on bad input.
#include "bench/tools/compare.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    namespace bt = feedbench::bench_tools;
    CLI::App app{"Compare Google Benchmark JSON runs: median change, Mann-Whitney U over repetitions, geometric mean.\n"
                 "Exit status 1 when a benchmark is slower by more than --threshold with p < --alpha.\n"
                 "example: bench_compare results/baseline/bench/parse.json results/latest/bench/parse.json --threshold 10"};
    std::string base, next;
    double threshold_percent = 10;
    bt::compare_options opt;
    app.add_option("baseline", base, "baseline JSON")->required();
    app.add_option("new", next, "new JSON")->required();
    app.add_option("--threshold", threshold_percent, "slowdown that matters, percent")->capture_default_str();
    app.add_option("--alpha", opt.alpha, "significance level")->capture_default_str();
    app.add_option("--metric", opt.metric, "auto (cpu_ns; real_ns for real/manual-time benchmarks) | real_ns | cpu_ns | instructions | a counter (lower is better)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    opt.threshold = threshold_percent / 100;
    try {
        auto const c = bt::compare(bt::load_bench_json(base), bt::load_bench_json(next), opt);
        std::cout << bt::format_comparison(c, opt);
        if (c.rows.empty()) {
            std::cerr << "bench_compare: no benchmark in common\n";
            return 2;
        }
        return c.slowdowns > 0 ? 1 : 0;
    } catch (const std::exception& e) {
        std::cerr << "bench_compare: " << e.what() << "\n";
        return 2;
    }
}
