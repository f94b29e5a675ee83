// feedrepro: reproduces the 2012 regression scenario by scenario (S1-S11) and writes results/<run-id>/
// with CSVs, plots, verdicts, REPORT.md and index.html. Logic lives in repro/scenarios.
#include "repro/cli/cli.hpp"
#include "repro/scenarios/compare.hpp"
#include "repro/scenarios/predictions.hpp"
#include "repro/scenarios/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

namespace cli = feedbench::cli;
namespace sc = feedbench::scenarios;

int main(int argc, char** argv) {
    CLI::App app;
    cli::describe(
        app, {"feedrepro: reproduce the 2012 lazy 1-byte read regression on this machine, with verdicts.",
              "feedrepro [--full] [--scenarios S3,S4] [--repeat N] [--out DIR] [--server URL] [--strict] | "
              "--compare DIR... | --list | compare A B [--threshold PCT] [--out DIR]",
              "feedrepro --scenarios S3,S4 --repeat 5 --out results/s3-s4\n"
              "         feedrepro --compare results/stress/idle results/stress/both-cores-busy\n"
              "         feedrepro compare results/before results/after --threshold 5",
              "Without --out the run goes to results/<run-id>/ and results/latest points at it.\n"
              "Scenarios are data files: repro/scenarios/data/*.scn (see the README there).\n"
              "`compare A B`: baseline A against B, jobs/s per configuration and the headline ratios; writes\n"
              "  compare.md and compare.html into B (or --out). See `feedrepro compare --help`.\n"
              "Exit status: 0 ok, 1 the run failed (or --compare found a must-reproduce failure, or compare found a\n"
              "  regression), 2 bad arguments, 3 --strict and a must-reproduce scenario did not reproduce."});
    sc::runner_options opt;
    std::string only;
    std::string predictions;
    bool list = false, strict = false, quiet = false;
    std::vector<std::string> compare;
    app.add_flag("--full", opt.full, "the complete matrix (default: the quick matrix, about 5 minutes)");
    app.add_option("--scenarios", only, "comma-separated scenario ids to run (default: all)");
    app.add_option("--repeat", opt.repeat, "repetitions of each configuration (median, min and max)")
        ->check(CLI::Range(1, 100));
    app.add_option("--out", opt.out_dir, "output folder (default: results/<run-id>)");
    app.add_option("--server", opt.server_url, "measure against this feed server instead of the embedded ones");
    app.add_option("--scenario-dir", opt.scenario_dir, "folder of *.scn scenario files");
    app.add_option("--scripts", opt.scripts_dir, "folder of the gnuplot scripts (*.gp)");
    app.add_option("--corpus-root", opt.shared_corpus, "the shared corpus folder (feeds-2012 ...)");
    app.add_option("--predictions", predictions,
                   "TSV of predicted jobs/s (bench_model output) for the predicted_jobs_per_s column");
    app.add_flag("--list", list, "list the scenarios and their configuration counts, run nothing");
    app.add_flag("--strict", strict,
                 "exit 3 when a must-reproduce scenario does not reproduce or a plot is missing (CI)");
    app.add_flag("--quiet", quiet, "no progress line or heartbeat and no per-scenario log lines");
    bool check_spread = false;
    app.add_option("--compare", compare,
                   "run nothing: print these run folders' verdicts and checks side by side with the spread of each "
                   "value; exit 1 when a must scenario failed in one of them (NO DATA under heavy load excepted)")
        ->check(CLI::ExistingDirectory);
    app.add_flag("--check-spread", check_spread,
                 "with --compare: also exit 1 when a thresholded value spreads more than 10% across the runs");
    std::filesystem::path compare_a, compare_b, compare_out;
    double threshold = sc::default_regression_threshold_pct;
    auto* cmp = app.add_subcommand("compare", "compare run B against baseline run A (exit 1 on a regression)");
    cmp->add_option("A", compare_a, "baseline run folder (a results/<run-id>)")->required();
    cmp->add_option("B", compare_b, "run folder compared with A")->required();
    cmp->add_option("--threshold", threshold, "a slowdown smaller than this % of A is never a regression")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    cmp->add_option("--out", compare_out, "write compare.md and compare.html here (default: B)");
    cmp->fallthrough();
    if (auto code = cli::parse(app, argc, argv)) return *code;

    if (*cmp) {
        try {
            auto [a, b] = sc::load_run_pair(compare_a, compare_b);
            auto c = sc::compare_two(a, b, threshold, sc::load_scenario_dir(opt.scenario_dir));
            std::cout << sc::comparison_text(c);
            auto dir = compare_out.empty() ? compare_b : compare_out;
            sc::write_comparison(c, dir);
            std::cout << "Wrote " << (dir / "compare.md").string() << " and compare.html\n";
            return c.regression() ? cli::exit_failed : cli::exit_ok;
        } catch (const sc::compare_input_error& e) {
            return cli::fail(app, std::string("compare: ") + e.what(), cli::exit_bad_arguments);
        } catch (const std::exception& e) {
            return cli::fail(app, std::string("compare: ") + e.what(), cli::exit_failed);
        }
    }

    try {
        for (auto& id : sc::split(only, ','))
            if (!id.empty()) opt.only.push_back(id);
        if (compare.empty() && !opt.only.empty()) {
            std::string known;
            auto scenarios = sc::load_scenario_dir(opt.scenario_dir);
            for (auto& s : scenarios) known += " " + s.id;
            for (auto& id : opt.only)
                if (std::none_of(scenarios.begin(), scenarios.end(), [&](const sc::scenario& s) { return s.id == id; }))
                    return cli::fail(app, "--scenarios: unknown scenario '" + id + "' (known:" + known + ")",
                                     cli::exit_bad_arguments);
        }
        if (!compare.empty()) {
            std::vector<sc::compared_run> runs;
            for (auto& d : compare)
                runs.push_back({std::filesystem::path(d).lexically_normal().filename().string(),
                                sc::read_checks_tsv(std::filesystem::path(d) / "checks.tsv")});
            for (auto& r : runs)
                if (r.label.empty()) r.label = "run";
            auto c = sc::compare_runs(runs);
            std::cout << c.text;
            for (auto& f : c.must_failures) std::cout << "must-reproduce failure: " << f << "\n";
            for (auto& f : c.wide_spreads) std::cout << "wide spread: " << f << "\n";
            return c.must_failures.empty() && (!check_spread || c.wide_spreads.empty()) ? cli::exit_ok
                                                                                        : cli::exit_failed;
        }
        if (list) {
            for (auto& s : sc::load_scenario_dir(opt.scenario_dir)) {
                if (!opt.only.empty() && std::find(opt.only.begin(), opt.only.end(), s.id) == opt.only.end()) continue;
                std::cout << s.id << "  " << s.title << "  [" << sc::expand(s, false).size() << " quick, "
                          << sc::expand(s, true).size() << " full configurations"
                          << (s.must_reproduce ? ", must reproduce" : "")
                          << (s.needs_corpus.empty() ? "" : ", needs " + s.needs_corpus)
                          << (s.in_quick ? "" : ", with --full or --scenarios only") << "]\n";
            }
            return cli::exit_ok;
        }
        if (!predictions.empty()) {
            auto table = std::make_shared<sc::prediction_table>(sc::load_predictions_tsv(predictions));
            opt.predict = [table](const sc::configuration& c, const sc::rep_result&) { return table->predict(c); };
        }
        opt.progress = !quiet && ::isatty(STDERR_FILENO);
        opt.heartbeat = !quiet && !opt.progress;
        opt.log_lines = !quiet;
        for (int i = 0; i < argc; ++i) opt.command += (i ? " " : "") + std::string(i ? argv[i] : "feedrepro");
        auto result = sc::run_reproduction(opt);
        std::cout << "\n"
                  << sc::verdict_table(result.report) << "\nRun time " << sc::format_number(result.report.seconds)
                  << " s. Report: " << (result.dir / "REPORT.md").string() << " (and index.html)\n";
        if (!result.ci_failures.empty()) {
            for (auto& f : result.ci_failures) std::cerr << "feedrepro: " << f << "\n";
            if (strict) return cli::exit_strict;
        }
        return cli::exit_ok;
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_failed);
    }
}
