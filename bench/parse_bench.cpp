// Parse suite: libxml2 DOM, xmlReader, push and SAX item counting, the project's feed parser
// (eager, the tree walk it replaced, and lazy fed in pieces of 1 B / 10 KiB / whole), and simdjson, on the synthetic corpus
// and ../shared/corpus. Throughput via SetBytesProcessed (JSON bytes_per_second; MB = 10^6 in TSV/plots).
// Before timing, every parser's item count must agree with libxml2 DOM's for every document.
#include "bench/common/inputs.hpp"
#include "bench/common/instructions.hpp"
#include "bench/common/usage.hpp"
#include "repro/parse/feed_parser.hpp"
#include "repro/parse/parser_variants.hpp"

#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fb = feedbench::bench;
namespace fp = feedbench::parse;
namespace pv = feedbench::parse::variants;

namespace {

using counter_fn = std::function<std::optional<std::size_t>(const fb::document&)>;

struct parser {
    std::string name;
    counter_fn count;
};

std::optional<std::size_t> items_of(const fp::parse_result& r) { return r.ok ? std::optional{r.items} : std::nullopt; }

std::optional<std::size_t> lazy_items(const fb::document& d, std::size_t piece) {
    fp::memory_source src(d.body, piece);
    return items_of(fp::parse_lazy(src, d.content_type));
}

const std::vector<parser>& xml_parsers() {
    static const std::vector<parser> all = {
        {"dom", [](auto const& d) { return pv::count_items_dom(d.body); }},
        {"reader", [](auto const& d) { return pv::count_items_reader(d.body); }},
        {"push", [](auto const& d) { return pv::count_items_push(d.body, 4096); }},
        {"sax", [](auto const& d) { return pv::count_items_sax(d.body); }},
        {"feed_eager", [](auto const& d) { return items_of(fp::parse_eager(d.body, d.content_type)); }},
        {"feed_eager_tree", [](auto const& d) { return items_of(pv::parse_eager_tree(d.body, d.content_type)); }},
        {"feed_lazy_whole", [](auto const& d) { return lazy_items(d, 0); }},
        {"feed_lazy_10k", [](auto const& d) { return lazy_items(d, 10240); }},
        {"feed_lazy_1", [](auto const& d) { return lazy_items(d, 1); }},
    };
    return all;
}

const std::vector<parser>& json_parsers() {
    static const std::vector<parser> all = {
        {"simdjson_dom", [](auto const& d) { return pv::count_json_dom(d.body); }},
        {"simdjson_ondemand", [](auto const& d) { return pv::count_jsonfeed_ondemand(d.body); }},
        {"feed_eager", [](auto const& d) { return items_of(fp::parse_eager(d.body, d.content_type)); }},
    };
    return all;
}

// The agreement check: nullopt when every document gives the reference count, else a message.
std::optional<std::string> disagreement(const parser& p, const fb::input_set& set, const counter_fn& reference) {
    for (auto const& d : set.docs) {
        auto const want = reference(d);
        auto const got = p.count(d);
        if (!want || got != want)
            return set.name + "/" + d.name + ": " + p.name + " counts " +
                   (got ? std::to_string(*got) : std::string("an error")) + ", reference " +
                   (want ? std::to_string(*want) : std::string("an error"));
    }
    return std::nullopt;
}

void run_parser(benchmark::State& state, const parser& p, const fb::input_set& set, const counter_fn& reference) {
    if (set.empty()) {
        state.SkipWithError(("input set " + set.name + " is empty (corpus missing?)").c_str());
        return;
    }
    if (auto const why = disagreement(p, set, reference)) {
        state.SkipWithError(("item counts disagree: " + *why).c_str());
        return;
    }
    fb::instruction_counter instructions;
    std::size_t items = 0;
    instructions.start();
    for (auto _ : state) {
        for (auto const& d : set.docs) {
            auto const n = p.count(d);
            items += n.value_or(0);
        }
        benchmark::DoNotOptimize(items);
    }
    instructions.stop();
    fb::report_instructions(state, instructions);
    auto const iterations = static_cast<double>(state.iterations());
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(set.bytes()));
    state.counters["docs_per_s"] =
        benchmark::Counter(iterations * static_cast<double>(set.docs.size()), benchmark::Counter::kIsRate);
    state.counters["items_per_s"] = benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
    state.counters["docs"] = static_cast<double>(set.docs.size());
    state.counters["bytes_per_doc"] = static_cast<double>(set.bytes()) / static_cast<double>(set.docs.size());
}

// Only the documents every parser can count (feeds-2012 holds 22 bad files; they are not timed).
fb::input_set well_formed(fb::input_set set) {
    std::erase_if(set.docs, [](auto const& d) { return !fp::parse_eager(d.body, d.content_type).ok; });
    return set;
}

}  // namespace

int main(int argc, char** argv) {
    fb::print_usage_on_help(
        argc, argv, "bench_parse",
        "parse MB/s per parser (libxml2 DOM, reader, push, SAX, feed parser, simdjson) and input",
        "bench_parse --benchmark_filter=parse/dom --benchmark_repetitions=3 --benchmark_out=parse.json");
    static std::vector<std::unique_ptr<fb::input_set>> sets;
    auto keep = [](fb::input_set s) { return sets.emplace_back(std::make_unique<fb::input_set>(std::move(s))).get(); };

    std::vector<fb::input_set*> xml_sets = {keep(fb::synthetic_set("-rss")), keep(fb::synthetic_set("-atom"))};
    std::vector<fb::input_set*> json_sets = {keep(fb::synthetic_set("-jsonfeed"))};
    if (auto const root = fb::shared_corpus()) {
        xml_sets.push_back(keep(well_formed(fb::load_directory_set(*root / "feeds-2012", "feeds-2012", ".dat"))));
        json_sets.push_back(
            keep(fb::load_file_set(*root / "json" / "twitter.json", "twitter.json", "application/json")));
        json_sets.push_back(
            keep(fb::load_file_set(*root / "json" / "citm_catalog.json", "citm_catalog.json", "application/json")));
    }

    counter_fn const xml_reference = xml_parsers().front().count;
    for (auto const& p : xml_parsers())
        for (fb::input_set* set : xml_sets) {
            if (set->empty()) continue;
            // Feeding 1 byte at a time costs ~20x; time it on the synthetic sets only.
            if (p.name == "feed_lazy_1" && !set->name.starts_with("synthetic")) continue;
            benchmark::RegisterBenchmark(("parse/" + p.name + "/" + set->name).c_str(), [&p, set, xml_reference](
                                                                                            benchmark::State& s) {
                run_parser(s, p, *set, xml_reference);
            })->Unit(benchmark::kMillisecond);
        }
    counter_fn const json_reference = json_parsers().front().count;
    for (auto const& p : json_parsers())
        for (fb::input_set* set : json_sets) {
            if (set->empty()) continue;
            if (p.name == "simdjson_ondemand" && !set->name.starts_with("synthetic"))
                continue;  // the On-Demand counter reads JSON Feed "items" only
            benchmark::RegisterBenchmark(("parse/" + p.name + "/" + set->name).c_str(), [&p, set, json_reference](
                                                                                            benchmark::State& s) {
                run_parser(s, p, *set, json_reference);
            })->Unit(benchmark::kMillisecond);
        }

    return fb::run_registered_benchmarks(argc, argv);
}
