// bench_meta: writes meta.json for a benchmark run (feedbench_meta) and prints the run id.
#include "repro/cli/cli.hpp"
#include "repro/meta/meta.hpp"

#include <iostream>

int main(int argc, char** argv) {
    namespace cli = feedbench::cli;
    CLI::App app;
    cli::describe(app,
                  {"bench_meta: write meta.json (commit, compiler, CPU, kernel, library versions) for a benchmark run.",
                   "bench_meta --run-id | --out FILE [--config KEY=VALUE ...]",
                   "bench_meta --out results/RUN/bench/meta.json --config mode=quick",
                   "Exit status: 0 ok, 1 meta.json could not be written, 2 bad arguments."});
    std::string out;
    std::vector<std::string> config;
    bool print_run_id = false;
    app.add_flag("--run-id", print_run_id, "print a run id (UTC time + commit) and exit");
    app.add_option("--out", out, "meta.json path");
    app.add_option("--config", config, "key=value entries recorded under the configuration")
        ->check(CLI::Validator(
            [](std::string& kv) {
                return kv.find('=') == std::string::npos ? "'" + kv + "' is not KEY=VALUE" : std::string();
            },
            "KEY=VALUE"));
    if (auto code = cli::parse(app, argc, argv)) return *code;
    auto const m = feedbench::meta::collect();
    if (print_run_id) {
        std::cout << feedbench::meta::make_run_id(m) << "\n";
        return 0;
    }
    if (out.empty()) return cli::fail(app, "--out or --run-id required", cli::exit_bad_arguments);
    std::vector<std::pair<std::string, std::string>> entries;
    for (auto const& kv : config) {
        auto const eq = kv.find('=');
        entries.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
    }
    try {
        feedbench::meta::write_json(out, m, entries);
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_failed);
    }
    return cli::exit_ok;
}
