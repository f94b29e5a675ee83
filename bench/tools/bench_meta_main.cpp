// bench_meta: writes meta.json for a benchmark run (feedbench_meta) and prints the run id.
#include "repro/meta/meta.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"Write meta.json (commit, compiler, CPU, kernel, library versions) for a benchmark run.\n"
                 "example: bench_meta --run-id   |   bench_meta --out results/RUN/bench/meta.json --config mode=quick"};
    std::string out;
    std::vector<std::string> config;
    bool print_run_id = false;
    app.add_flag("--run-id", print_run_id, "print a run id (UTC time + commit) and exit");
    app.add_option("--out", out, "meta.json path");
    app.add_option("--config", config, "key=value entries recorded under the configuration");
    CLI11_PARSE(app, argc, argv);
    auto const m = feedbench::meta::collect();
    if (print_run_id) {
        std::cout << feedbench::meta::make_run_id(m) << "\n";
        return 0;
    }
    if (out.empty()) {
        std::cerr << "bench_meta: --out or --run-id required\n";
        return 2;
    }
    std::vector<std::pair<std::string, std::string>> entries;
    for (auto const& kv : config) {
        auto const eq = kv.find('=');
        entries.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
    }
    feedbench::meta::write_json(out, m, entries);
    return 0;
}
