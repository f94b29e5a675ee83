#include "repro/worker/query_mix.hpp"

#include <algorithm>

namespace feedbench::worker {

std::string_view query_for_job(std::string_view queries, std::uint64_t job) {
    const auto count = std::uint64_t(std::count(queries.begin(), queries.end(), '|')) + 1;
    for (std::uint64_t skip = job % count; skip > 0; --skip) queries.remove_prefix(queries.find('|') + 1);
    return queries.substr(0, queries.find('|'));
}

}  // namespace feedbench::worker
