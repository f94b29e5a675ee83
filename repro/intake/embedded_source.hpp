// The embedded intake (the default): an in-process queue filled from the feed server's /manifest,
// feed ids repeated up to the job count. next() never suspends; safe to share across threads:N.
#pragma once

#include "data/corpus.hpp"
#include "repro/intake/job_source.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::intake {

// The manifest entries whose format is listed in `formats` ("rss,atom,jsonfeed"; "all" keeps every
// entry), as jobs: one per entry when jobs == 0, else the ids repeated in manifest order up to `jobs`.
// Throws std::invalid_argument naming an unknown format, std::runtime_error when nothing is left.
std::vector<job> plan_jobs(const std::vector<data::manifest_entry>& entries, std::string_view formats,
                           std::size_t jobs);

class embedded_source final : public job_source {
public:
    explicit embedded_source(std::vector<job> jobs) : jobs_(std::move(jobs)) {}
    std::optional<job> next(boost::asio::yield_context yield) override;
    void ack(const job& j, boost::asio::yield_context yield) override;
    intake_counters counters() const override;
    std::size_t size() const { return jobs_.size(); }

private:
    mutable std::mutex mutex_;
    std::vector<job> jobs_;
    std::size_t next_ = 0;
    intake_counters counters_;
};

}  // namespace feedbench::intake
