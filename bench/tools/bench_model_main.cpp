// bench_model: predicted jobs/s per read size and pool from a benchmark run's constants (TSV on stdout).
#include "bench/model/model.hpp"
#include "repro/cli/cli.hpp"
#include "repro/core/settings.hpp"

#include <fmt/format.h>

int main(int argc, char** argv) {
    namespace bm = feedbench::bench_model;
    namespace cli = feedbench::cli;
    namespace core = feedbench::core;
    CLI::App app;
    cli::describe(
        app, {"bench_model: predict the worker's jobs/s for each read size and pool from measured costs (bench JSON).",
              "bench_model BENCH_DIR [--body-bytes N] [--read-sizes 1,10k,...] [--pools 1,20] [--consume eager,lazy] "
              "[--yield would-block|always]",
              "bench_model results/latest/bench --body-bytes 54000 --read-sizes 1,10240,512000,whole --pools 1,20",
              "Exit status: 0 ok, 1 the constants could not be derived from the bench JSON, 2 bad arguments."});
    std::string dir, input = "synthetic-rss", family;
    std::size_t body = 50'000;
    std::vector<std::string> sizes = {"1", "10240", "512000", "whole"}, modes = {"lazy", "eager"};
    std::vector<std::size_t> pools = {1, 20};
    auto policy = core::yield_policy::would_block;
    bm::scenario extra;
    app.add_option("bench_dir", dir, "folder with parse.json, read_path.json, http.json")
        ->required()
        ->check(CLI::ExistingDirectory);
    app.add_option("--body-bytes", body, "body size of a job")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--read-sizes", sizes, "read sizes (" + std::string(core::read_size::usage) + ")")
        ->delimiter(',')
        ->check(cli::parsed_by(core::read_size::parse, std::string(core::read_size::usage)));
    app.add_option("--pools", pools, "pool sizes")
        ->delimiter(',')
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
    app.add_option("--consume", modes, core::consume_words.usage() + ", or both")
        ->delimiter(',')
        ->check(cli::parsed_by(core::parse_consume, core::consume_words.usage()));
    cli::add_setting(app, "--yield", policy, core::parse_yield, core::yield_words.usage(),
                     "yield policy of the read path");
    app.add_option("--read-family", family,
                   "read_path family for per-read costs (default stream_<yield>; e.g. sender_thread)");
    app.add_option("--yields-per-job", extra.yields_per_job,
                   "suspensions on a dry socket per job (0 for an unpaced server)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--rate", extra.rate_bytes_per_s, "server pacing, bytes/s per connection (0 = unpaced)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--delay-ms", extra.delay_mean_ms, "mean first-byte delay of the server, ms")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--parse-input", input, "parse benchmark input whose cost per byte to use")->capture_default_str();
    if (auto code = cli::parse(app, argc, argv)) return *code;
    try {
        auto const c = bm::constants_from_bench(dir, std::string(core::to_string(policy)), input, family);
        std::vector<bm::prediction> out;
        for (auto const& m : modes)
            for (auto const& s : sizes)
                for (std::size_t pool : pools)
                    out.push_back(bm::predict(
                        c, body, core::read_size::parse(s).bytes, pool,
                        core::parse_consume(m) == core::consume_mode::lazy ? bm::consume::lazy : bm::consume::eager,
                        extra));
        fmt::print(
            "# constants: {}; eager {} ns/B, lazy {} ns/B + {} ns/chunk, request {} ns CPU + {} ns wait, yield {} ns\n",
            c.source, c.eager_ns_per_byte, c.lazy_base_ns_per_byte, c.lazy_chunk_ns, c.request_cpu_ns, c.wait_ns,
            c.yield_ns);
        fmt::print("{}", bm::predictions_tsv(out));
        return cli::exit_ok;
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_failed);
    }
}
