// What one job produces: per stage metrics and the job's outcome. Field names are the CSV's (jobs.csv).
#pragma once

#include "repro/core/error_class.hpp"
#include "repro/core/stage.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace feedbench::core {

struct stage_metrics {
    std::int64_t wall_ns = 0;       // steady clock
    std::int64_t cpu_ns = 0;        // thread CPU time while this job was running
    std::int64_t suspended_ns = 0;  // wall minus time this job ran
    std::uint64_t yields = 0;       // suspensions of this job's coroutine
    std::uint64_t reads = 0;        // recv calls (curl: write-callback chunks)
    std::uint64_t bytes = 0;        // bytes received
    std::uint64_t eagains = 0;      // recv calls that found the socket dry (would-block policy); not in reads
};

struct job_record {
    std::uint64_t job = 0;
    std::string feed;  // manifest id
    bool ok = false;
    error_class error = error_class::none;  // why the job failed; none when ok
    std::string message;
    std::uint64_t bytes = 0;  // body bytes
    std::size_t items = 0;
    std::uint64_t items_digest = 0;  // FNV-1a over every item's title, link and date: equal digests = identical items
    bool redelivered = false;
    std::string charset;                    // charset used in text mode
    std::int64_t start_ns = 0, end_ns = 0;  // steady clock, relative to run start
    std::uint64_t max_read_request = 0;     // largest byte count any recv asked for
    std::array<stage_metrics, stage_count> stages{};
    stage_metrics& at(stage s) { return stages[static_cast<std::size_t>(s)]; }
    const stage_metrics& at(stage s) const { return stages[static_cast<std::size_t>(s)]; }
};

}  // namespace feedbench::core
