// The model hook's file form: predicted jobs/s per (read size, pool, consume) from a TSV such as
// bench_model writes (columns read_size, pool, consume, predicted_jobs_per_s; others ignored).
#pragma once

#include "repro/scenarios/results.hpp"
#include "repro/scenarios/scenario.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <tuple>

namespace feedbench::scenarios {

struct prediction_table {
    std::map<std::tuple<std::size_t, std::string, std::string>, double> jobs_per_s;  // (read bytes, pool, consume)
    std::string source;
    // The prediction for a configuration, or NaN. The model assumes an unpaced server, the synthetic corpus,
    // would-block reads and charset content, so other configurations get none.
    double predict(const configuration& c) const;
};

// Throws std::runtime_error naming the file, line or missing column.
prediction_table load_predictions_tsv(const std::filesystem::path& file);

}  // namespace feedbench::scenarios
