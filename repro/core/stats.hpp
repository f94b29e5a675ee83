// The statistics every summary uses: the median, the nearest-rank percentile, a robust spread (the median
// absolute deviation as a share of the median) and the outlier rule built on it.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace feedbench::core {

inline constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

// Nearest-rank percentile of already sorted values, p in [0,1] (p = 0.5 is the lower middle of an even
// count; p = 1 the maximum); `empty` when there are none.
double nearest_rank(const std::vector<double>& sorted, double p, double empty = no_value);

// The middle value (the mean of the two middle ones for an even count); `empty` when there are none.
double median(std::vector<double> values, double empty = no_value);

// Median absolute deviation: median(|x - median(x)|), scaled by 1.4826 so that it estimates the standard
// deviation of normally distributed values. NaN values are left out; NaN when none is left.
inline constexpr double mad_to_sigma = 1.4826;
double scaled_mad(std::vector<double> values);

// The spread figure of repetitions: scaled_mad / |median| x 100. Unlike (max - min), one bad repetition
// does not set it. NaN with fewer than 2 values or a median of 0.
double robust_spread_pct(const std::vector<double>& values);

// The outlier rule: a value further than outlier_mads scaled MADs from the median (about 3 standard
// deviations for normal noise). Needs at least min_outlier_values values, else nothing is flagged (with 3
// values the MAD is the smaller of two gaps, and ordinary noise would flag the third value). When the
// MAD is 0 (most values equal), any value different from the median is flagged. NaN values are never
// flagged. Returns one flag per value, in order.
inline constexpr double outlier_mads = 3;
inline constexpr std::size_t min_outlier_values = 5;
std::vector<bool> outlier_flags(const std::vector<double>& values);

}  // namespace feedbench::core
