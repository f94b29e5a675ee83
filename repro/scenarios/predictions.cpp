// Reads predicted jobs/s from a TSV (bench_model's output) for the predicted_jobs_per_s column.
#include "repro/scenarios/predictions.hpp"

#include "repro/core/csv.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <stdexcept>

namespace feedbench::scenarios {

double prediction_table::predict(const configuration& c) const {
    if (c.get(axis::query) != "none" || c.get(axis::corpus) != "synthetic" || c.get(axis::yield) != "would-block" ||
        c.get(axis::charset) != "content")
        return no_value;
    auto it = jobs_per_s.find({read_size_bytes(c.get(axis::read_size)), c.get(axis::pool), c.get(axis::consume)});
    return it == jobs_per_s.end() ? no_value : it->second;
}

prediction_table load_predictions_tsv(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot read");
    std::string line;
    if (!std::getline(in, line)) throw std::runtime_error(file.string() + ": empty (no header row)");
    auto header = core::split_tsv(line);
    auto col = [&](std::string_view name) {
        auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end()) throw std::runtime_error(file.string() + ": no column '" + std::string(name) + "'");
        return static_cast<std::size_t>(it - header.begin());
    };
    auto rs = col("read_size"), pool = col("pool"), consume = col("consume"), jps = col("predicted_jobs_per_s");
    prediction_table t;
    t.source = file.string();
    int line_no = 1;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty()) continue;
        auto f = core::split_tsv(line);
        auto where = file.string() + ":" + std::to_string(line_no) + ": ";
        if (f.size() < header.size()) throw std::runtime_error(where + "fewer fields than the header");
        double v = 0;
        auto& s = f[jps];
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc{} || p != s.data() + s.size())
            throw std::runtime_error(where + "predicted_jobs_per_s '" + s + "' is not a number");
        std::size_t bytes = 0;
        try {
            bytes = read_size_bytes(f[rs]);
        } catch (const std::invalid_argument&) {
            throw std::runtime_error(where + "read_size '" + f[rs] + "' is not a read size");
        }
        t.jobs_per_s[{bytes, f[pool], f[consume]}] = v;
    }
    return t;
}

}  // namespace feedbench::scenarios
