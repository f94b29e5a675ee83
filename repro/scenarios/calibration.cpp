// Calibrated values of scenario queries: derived from what the runner measured on this machine.
#include "repro/scenarios/calibration.hpp"

#include "repro/scenarios/results.hpp"

#include <algorithm>
#include <cmath>

namespace feedbench::scenarios {

bool is_calibrated_name(std::string_view name) {
    return std::find(std::begin(calibrated_names), std::end(calibrated_names), name) != std::end(calibrated_names);
}

bool needs_calibration(std::string_view query) {
    for (auto open = query.find('{'); open != std::string_view::npos; open = query.find('{', open + 1)) {
        auto close = query.find('}', open);
        if (close != std::string_view::npos && is_calibrated_name(query.substr(open + 1, close - open - 1)))
            return true;
    }
    return false;
}

resolved_value calibrated_value(const calibration& cal, std::string_view name, std::size_t pool) {
    if (!cal.measured) return {0, "no calibration ran"};
    if (!cal.error.empty()) return {0, cal.error};
    if (name == "dry_rate") {
        if (!(cal.consume_bytes_per_cpu_s > 0)) return {0, "calibration measured no consumption rate"};
        double rate = cal.consume_bytes_per_cpu_s / (static_cast<double>(std::max<std::size_t>(pool, 1)) * dry_factor);
        rate = std::floor(std::min(rate, dry_rate_cap));
        double seconds = rate > 0 ? cal.body_bytes_mean / rate : INFINITY;
        if (rate < 100 || seconds > dry_max_seconds_per_job)
            return {0, "calibration out of range: the worker consumes " +
                           format_number(cal.consume_bytes_per_cpu_s / 1e6) + " MB/s at read size 1, so a pool of " +
                           std::to_string(pool) + " would need a pacing rate of " + format_number(rate) +
                           " B/s per connection (a " + format_number(seconds) + " s body; limit " +
                           format_number(dry_max_seconds_per_job) + " s)"};
        return {rate, {}};
    }
    if (name == "wait_ms") {
        if (!(cal.job_wall_us > 0)) return {0, "calibration measured no job time"};
        double ms = 2 * wait_factor * cal.job_wall_us / 1000;
        if (ms > wait_max_ms)
            return {0, "calibration out of range: a whole-body job takes " + format_number(cal.job_wall_us / 1000) +
                           " ms, so the delay would reach " + format_number(ms) + " ms (limit " +
                           format_number(wait_max_ms) + ")"};
        return {std::ceil(std::max(ms, wait_min_ms)), {}};
    }
    return {0, "unknown calibrated value {" + std::string(name) + "}"};
}

std::string resolve_query(std::string_view query, const calibration& cal, std::size_t pool, std::string& why) {
    std::string out;
    std::size_t at = 0;
    while (at < query.size()) {
        auto open = query.find('{', at);
        if (open == std::string_view::npos) break;
        auto close = query.find('}', open);
        if (close == std::string_view::npos) break;
        out.append(query.substr(at, open - at));
        auto v = calibrated_value(cal, query.substr(open + 1, close - open - 1), pool);
        if (!v.error.empty()) {
            why = v.error;
            return {};
        }
        out += std::to_string(static_cast<long long>(v.value));
        at = close + 1;
    }
    out.append(query.substr(std::min(at, query.size())));
    return out;
}

bool with_typical_values(std::string& query) {
    std::string out = query;
    for (auto open = out.find('{'); open != std::string::npos; open = out.find('{')) {
        auto close = out.find('}', open);
        if (close == std::string::npos) return false;
        auto name = std::string_view(out).substr(open + 1, close - open - 1);
        if (!is_calibrated_name(name)) return false;
        out.replace(open, close - open + 1, name == "dry_rate" ? "40000" : "20");
    }
    query = std::move(out);
    return true;
}

std::string describe(const calibration& cal) {
    if (!cal.measured) return "not measured";
    std::string s = "1-byte lazy reads: " + format_number(cal.read_cpu_ns / 1000) + " µs of worker CPU per recv, " +
                    format_number(cal.consume_bytes_per_cpu_s / 1e6) +
                    " MB of body per CPU second; whole-body job: " + format_number(cal.job_wall_us) + " µs wall, " +
                    format_number(cal.job_cpu_us) + " µs CPU; mean body " + format_number(cal.body_bytes_mean / 1000) +
                    " kB; load " + format_number(cal.load_average) + "; took " + format_number(cal.seconds) + " s";
    if (!cal.error.empty()) s += "; unusable: " + cal.error;
    return s;
}

}  // namespace feedbench::scenarios
