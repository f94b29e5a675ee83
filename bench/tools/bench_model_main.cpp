// bench_model: predicted jobs/s per read size and pool from a benchmark run's constants (TSV on stdout).
#include "bench/model/model.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

int main(int argc, char** argv)
{
    namespace bm = feedbench::bench_model;
    CLI::App app{"Predict the worker's jobs/s for each read size and pool from measured costs (bench JSON).\n"
                 "example: bench_model results/latest/bench --body-bytes 54000 --read-sizes 1,10240,512000,whole --pools 1,20"};
    std::string dir, policy = "would-block", input = "synthetic-rss", family;
    std::size_t body = 50'000;
    std::vector<std::string> sizes = {"1", "10240", "512000", "whole"}, modes = {"lazy", "eager"};
    std::vector<std::size_t> pools = {1, 20};
    bm::scenario extra;
    app.add_option("bench_dir", dir, "folder with parse.json, read_path.json, http.json")->required();
    app.add_option("--body-bytes", body, "body size of a job")->capture_default_str();
    app.add_option("--read-sizes", sizes, "read sizes (bytes or whole)")->delimiter(',');
    app.add_option("--pools", pools, "pool sizes")->delimiter(',');
    app.add_option("--consume", modes, "eager and/or lazy")->delimiter(',');
    app.add_option("--yield", policy, "would-block | always")->capture_default_str();
    app.add_option("--read-family", family, "read_path family for per-read costs (default stream_<yield>; e.g. sender_thread)");
    app.add_option("--yields-per-job", extra.yields_per_job, "suspensions on a dry socket per job (0 for an unpaced server)");
    app.add_option("--rate", extra.rate_bytes_per_s, "server pacing, bytes/s per connection (0 = unpaced)");
    app.add_option("--delay-ms", extra.delay_mean_ms, "mean first-byte delay of the server, ms");
    app.add_option("--parse-input", input, "parse benchmark input whose cost per byte to use")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    try {
        auto const c = bm::constants_from_bench(dir, policy, input, family);
        std::vector<bm::prediction> out;
        for (auto const& m : modes)
            for (auto const& s : sizes)
                for (std::size_t pool : pools) {
                    std::size_t const r = s == "whole" ? 0 : std::stoul(s);
                    out.push_back(bm::predict(c, body, r, pool, m == "lazy" ? bm::consume::lazy : bm::consume::eager, extra));
                }
        std::cout << "# constants: " << c.source << "; eager " << c.eager_ns_per_byte << " ns/B, lazy " << c.lazy_base_ns_per_byte
                  << " ns/B + " << c.lazy_chunk_ns << " ns/chunk, request " << c.request_cpu_ns << " ns CPU + " << c.wait_ns << " ns wait, yield " << c.yield_ns << " ns\n";
        std::cout << bm::predictions_tsv(out);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "bench_model: " << e.what() << "\n";
        return 2;
    }
}
