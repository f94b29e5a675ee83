// A mix of queries for one run: `--query 'fault=stall|fault=html|'` gives job n the alternative
// n mod count (an empty alternative: the plain feed), so one worker meets several response modes.
#pragma once

#include <cstdint>
#include <string_view>

namespace feedbench::worker {

// The alternative of a '|'-separated query list that job `job` uses; a query without '|' is itself.
std::string_view query_for_job(std::string_view queries, std::uint64_t job);

}  // namespace feedbench::worker
