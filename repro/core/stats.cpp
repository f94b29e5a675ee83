// Median, nearest-rank percentile, MAD spread and outliers.
#include "repro/core/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace feedbench::core {
namespace {

std::vector<double> without_nan(std::vector<double> v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    return v;
}

}  // namespace

double nearest_rank(const std::vector<double>& sorted, double p, double empty) {
    if (sorted.empty()) return empty;
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double median(std::vector<double> values, double empty) {
    if (values.empty()) return empty;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double scaled_mad(std::vector<double> values) {
    values = without_nan(std::move(values));
    if (values.empty()) return no_value;
    const double m = median(values);
    for (auto& v : values) v = std::fabs(v - m);
    return mad_to_sigma * median(std::move(values));
}

double robust_spread_pct(const std::vector<double>& values) {
    auto v = without_nan(values);
    if (v.size() < 2) return no_value;
    const double m = median(v);
    if (m == 0) return no_value;
    return 100 * scaled_mad(std::move(v)) / std::fabs(m);
}

std::vector<bool> outlier_flags(const std::vector<double>& values) {
    std::vector<bool> flags(values.size(), false);
    auto v = without_nan(values);
    if (v.size() < min_outlier_values) return flags;
    const double m = median(v);
    const double limit = outlier_mads * scaled_mad(std::move(v));
    for (std::size_t i = 0; i < values.size(); ++i)
        flags[i] = !std::isnan(values[i]) && std::fabs(values[i] - m) > limit;
    return flags;
}

}  // namespace feedbench::core
