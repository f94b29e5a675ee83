// Charset suite: uchardet detection and iconv transcoding, MB/s (JSON bytes_per_second).
//   charset/detect/<set>       detect_charset (uchardet) over every document: what chardet cost in 2012
//   charset/to_utf8/<set>      to_utf8 as `--charset text` runs it (header, BOM, declaration, else detection)
//   charset/transcode/<set>    to_utf8 with the charset given in the header: iconv (or UTF-8 validation) only
#include "bench/common/inputs.hpp"
#include "bench/common/instructions.hpp"
#include "bench/common/usage.hpp"
#include "repro/decode/charset.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

namespace fb = feedbench::bench;
namespace dc = feedbench::decode;

namespace {

enum class mode { detect, to_utf8, transcode };

void run(benchmark::State& state, const fb::input_set& set, mode m, const std::vector<std::string>& header_of) {
    if (set.empty()) {
        state.SkipWithError(("input set " + set.name + " is empty (corpus missing?)").c_str());
        return;
    }
    std::size_t detector_runs = 0, failures = 0;
    fb::instruction_counter instructions;
    instructions.start();
    for (auto _ : state) {
        for (std::size_t i = 0; i < set.docs.size(); ++i) {
            auto const& d = set.docs[i];
            if (m == mode::detect) {
                auto const name = dc::detect_charset(d.body);
                benchmark::DoNotOptimize(name.data());
                ++detector_runs;
                continue;
            }
            auto const r = dc::to_utf8(
                d.body, m == mode::transcode ? std::string_view(header_of[i]) : std::string_view(d.content_type));
            detector_runs += r.detector_ran ? 1 : 0;
            failures += r.ok ? 0 : 1;
            benchmark::DoNotOptimize(r.utf8.data());
        }
    }
    instructions.stop();
    fb::report_instructions(state, instructions);
    auto const iterations = static_cast<double>(state.iterations());
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(set.bytes()));
    state.counters["docs_per_s"] =
        benchmark::Counter(iterations * static_cast<double>(set.docs.size()), benchmark::Counter::kIsRate);
    state.counters["detector_runs_per_doc"] =
        static_cast<double>(detector_runs) / (iterations * static_cast<double>(set.docs.size()));
    state.counters["decode_failures_per_doc"] =
        static_cast<double>(failures) / (iterations * static_cast<double>(set.docs.size()));
}

}  // namespace

int main(int argc, char** argv) {
    fb::print_usage_on_help(argc, argv, "bench_charset",
                            "uchardet detection and iconv transcoding MB/s on synthetic variants and the shared corpus",
                            "bench_charset --benchmark_filter=charset/detect --benchmark_repetitions=3");
    static std::vector<std::unique_ptr<fb::input_set>> sets;
    auto keep = [](fb::input_set s) { return sets.emplace_back(std::make_unique<fb::input_set>(std::move(s))).get(); };
    std::vector<fb::input_set*> all = {keep(fb::synthetic_set("-rss")), keep(fb::synthetic_set("legacy"))};
    if (auto const root = fb::shared_corpus()) {
        all.push_back(keep(fb::load_directory_set(*root / "feeds-2012", "feeds-2012", ".dat")));
        all.push_back(keep(fb::load_directory_set(*root / "encodings", "encodings", ".xml")));
    }
    for (fb::input_set* set : all) {
        if (set->empty()) continue;
        // The header a correct server would send: the charset the resolution finds anyway.
        auto headers = std::make_shared<std::vector<std::string>>();
        for (auto const& d : set->docs) {
            auto const r = dc::to_utf8(d.body, d.content_type);
            headers->push_back("application/xml; charset=" + (r.ok ? r.charset : std::string("utf-8")));
        }
        benchmark::RegisterBenchmark(("charset/detect/" + set->name).c_str(), [set, headers](benchmark::State& s) {
            run(s, *set, mode::detect, *headers);
        })->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("charset/to_utf8/" + set->name).c_str(), [set, headers](benchmark::State& s) {
            run(s, *set, mode::to_utf8, *headers);
        })->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("charset/transcode/" + set->name).c_str(), [set, headers](benchmark::State& s) {
            run(s, *set, mode::transcode, *headers);
        })->Unit(benchmark::kMillisecond);
    }
    return fb::run_registered_benchmarks(argc, argv);
}
