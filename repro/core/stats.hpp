// The statistics every summary uses: the median and the nearest-rank percentile.
#pragma once

#include <limits>
#include <vector>

namespace feedbench::core {

inline constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

// Nearest-rank percentile of already sorted values, p in [0,1] (p = 0.5 is the lower middle of an even
// count; p = 1 the maximum); `empty` when there are none.
double nearest_rank(const std::vector<double>& sorted, double p, double empty = no_value);

// The middle value (the mean of the two middle ones for an even count); `empty` when there are none.
double median(std::vector<double> values, double empty = no_value);

}  // namespace feedbench::core
