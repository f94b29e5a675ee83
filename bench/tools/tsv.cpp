// Long and pivot TSV conversion of Google Benchmark runs.
#include "bench/tools/tsv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace feedbench::bench_tools {

namespace {

std::string cell(double v) {
    if (std::isnan(v)) return "NaN";
    std::ostringstream s;
    s.precision(10);
    s << v;
    return s.str();
}

}  // namespace

double value_of(const bench_run& r, const std::string& name) {
    if (name == "mb_per_s") {
        auto it = r.counters.find("bytes_per_second");
        return it == r.counters.end() ? std::numeric_limits<double>::quiet_NaN() : it->second / 1e6;
    }
    if (name == "real_ns") return r.real_ns();
    if (name == "cpu_ns") return r.cpu_ns();
    auto it = r.counters.find(name);
    return it == r.counters.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

std::string long_tsv(const bench_file& f) {
    std::set<std::string> counters;
    for (auto const& r : f.runs)
        for (auto const& [k, v] : r.counters) counters.insert(k);
    std::ostringstream out;
    out << "name\tsuite\tvariant\tinput\trun_type\taggregate\trepetition\titerations\treal_ns\tcpu_ns\tmb_per_s";
    for (auto const& c : counters) out << '\t' << c;
    out << '\n';
    for (auto const& r : f.runs) {
        if (r.error) continue;
        // The cv aggregate is a ratio, not a time: keep its numbers as they are.
        bool const ratio = r.aggregate_name == "cv";
        out << r.name << '\t' << r.part(0) << '\t' << r.part(1) << '\t' << r.part(2) << '\t' << r.run_type << '\t'
            << (r.aggregate_name.empty() ? "-" : r.aggregate_name) << '\t' << r.repetition_index << '\t'
            << cell(r.iterations) << '\t' << cell(ratio ? r.real_time : r.real_ns()) << '\t'
            << cell(ratio ? r.cpu_time : r.cpu_ns()) << '\t' << cell(value_of(r, "mb_per_s"));
        for (auto const& c : counters) {
            auto it = r.counters.find(c);
            out << '\t' << (it == r.counters.end() ? std::string("NaN") : cell(it->second));
        }
        out << '\n';
    }
    return out.str();
}

std::string pivot_tsv(const bench_file& f, const pivot_spec& spec) {
    std::vector<std::string> rows, cols;
    std::map<std::pair<std::string, std::string>, double> median;
    std::map<std::pair<std::string, std::string>, std::pair<double, int>> sum;
    auto remember = [](std::vector<std::string>& v, const std::string& k) {
        if (std::find(v.begin(), v.end(), k) == v.end()) v.push_back(k);
    };
    for (auto const& r : f.runs) {
        if (r.error || (!spec.suite.empty() && r.part(0) != spec.suite)) continue;
        std::string const row = r.part(spec.row_part), col = r.part(spec.col_part);
        double const v = value_of(r, spec.value);
        if (r.run_type == "aggregate") {
            if (r.aggregate_name == "median" && !std::isnan(v)) {
                remember(rows, row);
                remember(cols, col);
                median[{row, col}] = v;
            }
            continue;
        }
        if (std::isnan(v)) continue;
        remember(rows, row);
        remember(cols, col);
        auto& s = sum[{row, col}];
        s.first += v;
        s.second += 1;
    }
    std::ostringstream out;
    out << (spec.row_part == 2 ? "input" : spec.row_part == 1 ? "variant" : "suite");
    for (auto const& c : cols) out << '\t' << c;
    out << '\n';
    for (auto const& row : rows) {
        out << row;
        for (auto const& col : cols) {
            double v = std::numeric_limits<double>::quiet_NaN();
            if (auto it = median.find({row, col}); it != median.end())
                v = it->second;
            else if (auto s = sum.find({row, col}); s != sum.end())
                v = s->second.first / s->second.second;
            out << '\t' << cell(v);
        }
        out << '\n';
    }
    return out.str();
}

}  // namespace feedbench::bench_tools
