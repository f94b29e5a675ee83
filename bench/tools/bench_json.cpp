// Google Benchmark JSON reader (simdjson DOM).
#include "bench/tools/bench_json.hpp"

#include "repro/core/strings.hpp"

#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace feedbench::bench_tools {

double to_ns(double value, std::string_view unit) {
    if (unit == "us") return value * 1e3;
    if (unit == "ms") return value * 1e6;
    if (unit == "s") return value * 1e9;
    return value;
}

double bench_run::real_ns() const { return to_ns(real_time, time_unit); }
double bench_run::cpu_ns() const { return to_ns(cpu_time, time_unit); }

std::string bench_run::part(std::size_t index) const {
    std::vector<std::string> parts;
    std::string_view rest = run_name;
    while (!rest.empty()) {
        auto const slash = rest.find('/');
        std::string_view piece = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (piece.find(':') != std::string_view::npos || piece == "real_time" || piece == "manual_time") continue;
        parts.emplace_back(piece);
    }
    return index < parts.size() ? parts[index] : std::string{};
}

namespace {

// Google Benchmark writes NaN and inf as bare words (e.g. the cv of an all-zero counter), which is not
// JSON: outside string literals they become null.
std::string without_bare_nan(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    bool in_string = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        char const c = json[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < json.size())
                out += json[++i];
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
            out += c;
            continue;
        }
        bool replaced = false;
        for (std::string_view word : {"-nan", "-NaN", "NaN", "nan", "-inf", "-Infinity", "Infinity", "inf"}) {
            if (json.substr(i, word.size()) == word) {
                out += "null";
                i += word.size() - 1;
                replaced = true;
                break;
            }
        }
        if (!replaced) out += c;
    }
    return out;
}

}  // namespace

bench_file parse_bench_json(std::string_view json) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(without_bare_nan(json));
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root); err)
        throw std::runtime_error(std::string("not JSON: ") + simdjson::error_message(err));
    bench_file out;
    simdjson::dom::object context;
    if (root["context"].get_object().get(context) == simdjson::SUCCESS)
        for (auto kv : context) {
            std::string_view s;
            if (kv.value.get_string().get(s) == simdjson::SUCCESS) out.context[std::string(kv.key)] = std::string(s);
        }
    simdjson::dom::array benchmarks;
    if (root["benchmarks"].get_array().get(benchmarks) != simdjson::SUCCESS)
        throw std::runtime_error("no \"benchmarks\" array: not Google Benchmark JSON");
    for (simdjson::dom::element b : benchmarks) {
        simdjson::dom::object obj;
        if (b.get_object().get(obj) != simdjson::SUCCESS)
            throw std::runtime_error("a benchmark entry is not an object");
        bench_run run;
        for (auto kv : obj) {
            std::string_view const key = kv.key;
            std::string_view s;
            double d = 0;
            bool const is_string = kv.value.get_string().get(s) == simdjson::SUCCESS;
            bool const is_number = !is_string && kv.value.get_double().get(d) == simdjson::SUCCESS;
            bool flag = false;
            bool const is_bool = kv.value.get_bool().get(flag) == simdjson::SUCCESS;
            if (key == "name" && is_string)
                run.name = s;
            else if (key == "run_name" && is_string)
                run.run_name = s;
            else if (key == "run_type" && is_string)
                run.run_type = s;
            else if (key == "aggregate_name" && is_string)
                run.aggregate_name = s;
            else if (key == "time_unit" && is_string)
                run.time_unit = s;
            else if (key == "label" && is_string)
                run.label = s;
            else if (key == "error_message" && is_string)
                run.error_message = s;
            else if (key == "error_occurred" && is_bool)
                run.error = flag;
            else if (key == "repetition_index" && is_number)
                run.repetition_index = static_cast<int>(d);
            else if (key == "iterations" && is_number)
                run.iterations = d;
            else if (key == "real_time" && is_number)
                run.real_time = d;
            else if (key == "cpu_time" && is_number)
                run.cpu_time = d;
            else if (is_number && key != "family_index" && key != "per_family_instance_index" && key != "repetitions" &&
                     key != "threads")
                run.counters[std::string(key)] = d;
        }
        if (run.run_name.empty()) run.run_name = run.name;
        if (run.run_type.empty()) run.run_type = "iteration";
        out.runs.push_back(std::move(run));
    }
    return out;
}

bench_file load_bench_json(const std::string& path) {
    auto const text = core::read_file(path);
    if (!text) throw std::runtime_error("cannot read " + path);
    try {
        return parse_bench_json(*text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace feedbench::bench_tools
