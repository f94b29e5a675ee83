// Median and nearest-rank percentile.
#include "repro/core/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace feedbench::core {

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

}  // namespace feedbench::core
