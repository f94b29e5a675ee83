// Tidy CSVs of a scenario's repetitions and their median / min / max per configuration.
#include "repro/scenarios/results.hpp"

#include "repro/core/csv.hpp"
#include "repro/core/stats.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace feedbench::scenarios {
namespace {

std::string number(double v) {
    if (std::isnan(v)) return "";
    return fmt::format("{:.9g}", v);
}

std::ofstream open_out(const std::filesystem::path& file) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(file.string() + ": cannot write");
    return out;
}

}  // namespace

namespace {
constexpr std::string_view corpus_absent_prefix = "n/a: corpus folder ";
}

std::string corpus_absent_status(const std::string& folder) {
    return std::string(corpus_absent_prefix) + folder + " absent";
}

bool is_corpus_absent(const std::string& status) { return status.rfind(corpus_absent_prefix, 0) == 0; }

spread median_min_max(std::vector<double> values, const std::vector<int>& reps) {
    spread s;
    auto flags = core::outlier_flags(values);
    for (std::size_t i = 0; i < flags.size() && i < reps.size(); ++i)
        if (flags[i]) s.outlier_reps.push_back(reps[i]);
    s.spread_pct = core::robust_spread_pct(values);
    for (std::size_t i = 0; i < values.size() && i < reps.size(); ++i)
        if (!std::isnan(values[i])) s.by_rep[reps[i]] = values[i];
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    s.n = values.size();
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    s.min = values.front();
    s.max = values.back();
    s.median = core::median(values);
    return s;
}

double percentile_sorted(const std::vector<double>& sorted, double p) {
    return core::nearest_rank(sorted, p, no_value);
}

std::vector<config_summary> summarize(const std::vector<rep_result>& reps) {
    std::vector<config_summary> out;
    std::map<std::string, std::size_t> index;
    std::vector<std::map<std::string, std::pair<std::vector<double>, std::vector<int>>>> values;
    for (auto& r : reps) {
        auto [it, fresh] = index.emplace(r.config.key(), out.size());
        if (fresh) {
            out.push_back({r.config, 0, {}, {}});
            values.emplace_back();
        }
        auto& cs = out[it->second];
        ++cs.reps;
        if (cs.status.empty()) cs.status = r.status;
        for (auto& [m, v] : r.metrics) {
            auto& [vs, rs] = values[it->second][m];
            vs.push_back(v);
            rs.push_back(r.rep);
        }
    }
    for (std::size_t i = 0; i < out.size(); ++i)
        for (auto& [m, v] : values[i]) out[i].metrics[m] = median_min_max(v.first, v.second);
    return out;
}

void write_rep_csv(const std::filesystem::path& file, const std::string& scenario_id,
                   const std::vector<rep_result>& reps) {
    auto out = open_out(file);
    out << "scenario,config,label,series,rep,status";
    for (auto a : axis_names) out << ',' << a;
    out << ",read_x";
    for (auto& m : metric_names()) out << ',' << m;
    out << '\n';
    std::map<std::string, std::size_t> config_index;
    for (auto& r : reps) {
        auto [it, fresh] = config_index.emplace(r.config.key(), config_index.size() + 1);
        out << core::csv_field(scenario_id) << ',' << it->second << ',' << core::csv_field(r.config.label) << ','
            << core::csv_field(r.config.series) << ',' << r.rep << ',' << core::csv_field(r.status);
        for (auto& v : r.config.values) out << ',' << core::csv_field(v);
        out << ',' << number(read_size_plot_x(r.config.get(axis::read_size)));
        for (auto& m : metric_names()) out << ',' << number(r.get(m));
        out << '\n';
    }
}

std::vector<rep_result> read_rep_csv(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot read");
    core::csv_reader reader(in);
    std::vector<std::string> header, f;
    if (!reader.next(header)) throw std::runtime_error(file.string() + ": empty (no header row)");
    auto col = [&](std::string_view name) -> int {
        auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? -1 : static_cast<int>(it - header.begin());
    };
    int label_col = col("label"), series_col = col("series"), rep_col = col("rep"), status_col = col("status");
    std::array<int, axis_count> axis_cols{};
    for (std::size_t i = 0; i < axis_count; ++i) axis_cols[i] = col(axis_names[i]);
    std::vector<std::pair<std::string, int>> metric_cols;
    for (auto& m : metric_names())
        if (int c = col(m); c >= 0) metric_cols.emplace_back(m, c);

    std::vector<rep_result> out;
    while (reader.next(f)) {
        const auto line_no = reader.line();
        if (f.size() != header.size())
            throw std::runtime_error(file.string() + ":" + std::to_string(line_no) + ": " + std::to_string(f.size()) +
                                     " fields, the header has " + std::to_string(header.size()));
        rep_result r;
        for (std::size_t i = 0; i < axis_count; ++i)
            r.config.values[i] = axis_cols[i] >= 0 ? f[axis_cols[i]] : std::string(axis_defaults[i]);
        if (label_col >= 0) r.config.label = f[label_col];
        if (series_col >= 0) r.config.series = f[series_col];
        if (status_col >= 0) r.status = f[status_col];
        if (rep_col >= 0) r.rep = std::atoi(f[rep_col].c_str());
        for (auto& [m, c] : metric_cols) {
            auto& s = f[c];
            double v = no_value;
            if (!s.empty()) {
                auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
                if (ec != std::errc{} || p != s.data() + s.size())
                    throw std::runtime_error(file.string() + ":" + std::to_string(line_no) + ": column " + m + ": '" +
                                             s + "' is not a number");
            }
            r.metrics[m] = v;
        }
        out.push_back(std::move(r));
    }
    return out;
}

void write_summary_csv(const std::filesystem::path& file, const std::vector<config_summary>& configs) {
    auto out = open_out(file);
    out << "config,label,series,reps,status";
    for (auto a : axis_names) out << ',' << a;
    out << ",read_x";
    for (auto& m : metric_names())
        out << ',' << m << "_median," << m << "_min," << m << "_max," << m << "_spread_pct," << m << "_outliers";
    out << '\n';
    std::size_t i = 0;
    for (auto& c : configs) {
        out << ++i << ',' << core::csv_field(c.config.label) << ',' << core::csv_field(c.config.series) << ',' << c.reps
            << ',' << core::csv_field(c.status);
        for (auto& v : c.config.values) out << ',' << core::csv_field(v);
        out << ',' << number(read_size_plot_x(c.config.get(axis::read_size)));
        for (auto& m : metric_names()) {
            auto it = c.metrics.find(m);
            spread s = it == c.metrics.end() ? spread{} : it->second;
            out << ',' << number(s.median) << ',' << number(s.min) << ',' << number(s.max) << ','
                << number(s.spread_pct) << ',' << (s.n ? std::to_string(s.outlier_reps.size()) : "");
        }
        out << '\n';
    }
}

void write_results_json(const std::filesystem::path& file, const std::vector<scenario_reps>& scenarios) {
    auto rows = nlohmann::json::array();
    for (auto& sc : scenarios) {
        if (!sc.reps) continue;
        std::map<std::string, int> config_index;  // the same numbering as <id>.csv's config column
        for (auto& r : *sc.reps) {
            auto [it, fresh] = config_index.emplace(r.config.key(), static_cast<int>(config_index.size()) + 1);
            for (auto& m : metric_names()) {
                double v = r.get(m);
                if (std::isnan(v) || std::isinf(v)) continue;
                rows.push_back({{"scenario", sc.scenario},
                                {"config", it->second},
                                {"label", r.config.label},
                                {"rep", r.rep},
                                {"metric", m},
                                {"value", v}});
            }
        }
    }
    auto out = open_out(file);
    out << rows.dump(1) << '\n';
    if (!out) throw std::runtime_error(file.string() + ": write failed");
}

std::vector<long_row> read_results_json(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot read");
    std::vector<long_row> out;
    try {
        auto doc = nlohmann::json::parse(in);
        if (!doc.is_array()) throw std::runtime_error("expected an array of rows");
        for (auto& j : doc)
            out.push_back({j.at("scenario").get<std::string>(), j.at("label").get<std::string>(),
                           j.at("metric").get<std::string>(), j.at("config").get<int>(), j.at("rep").get<int>(),
                           j.at("value").get<double>()});
    } catch (const std::exception& e) {
        throw std::runtime_error(file.string() + ": not a results.json: " + e.what());
    }
    return out;
}

void write_cdf_csv(const std::filesystem::path& file, const std::vector<latency_series>& data) {
    auto out = open_out(file);
    out << "series,latency_ms,fraction\n";
    for (auto& s : data) {
        auto v = s.latency_ms;
        v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
        std::sort(v.begin(), v.end());
        for (std::size_t i = 0; i < v.size(); ++i)
            out << core::csv_field(s.series) << ',' << number(v[i]) << ',' << number(double(i + 1) / double(v.size()))
                << '\n';
    }
}

void write_requests_csv(const std::filesystem::path& file, const std::vector<latency_series>& data) {
    auto out = open_out(file);
    out << "series,request,latency_ms\n";
    for (auto& s : data)
        for (std::size_t i = 0; i < s.latency_ms.size(); ++i)
            out << core::csv_field(s.series) << ',' << i + 1 << ',' << number(s.latency_ms[i]) << '\n';
}

std::string format_number(double v) {
    if (std::isnan(v)) return "-";
    double a = std::fabs(v);
    if (a < 1e6 && v == std::floor(v)) return fmt::format("{:.0f}", v);
    if (a >= 1e6) return fmt::format("{:.3g}", v);
    if (a >= 100) return fmt::format("{:.0f}", v);
    if (a >= 10) return fmt::format("{:.1f}", v);
    if (a >= 1) return fmt::format("{:.2f}", v);
    return fmt::format("{:.3g}", v);
}

}  // namespace feedbench::scenarios
