// The embedded intake: the job plan from the manifest and the in-process queue.
#include "repro/intake/embedded_source.hpp"

#include <stdexcept>

namespace feedbench::intake {

std::vector<job> plan_jobs(const std::vector<data::manifest_entry>& entries, std::string_view formats,
                           std::size_t jobs) {
    const auto wanted = data::format_set::parse(formats);
    std::vector<const data::manifest_entry*> kept;
    for (const auto& e : entries)
        if (wanted.contains(e.format)) kept.push_back(&e);
    if (kept.empty()) throw std::runtime_error("no manifest entry has a format in '" + std::string(formats) + "'");
    const std::size_t n = jobs == 0 ? kept.size() : jobs;
    std::vector<job> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& e = *kept[i % kept.size()];
        job j;
        j.seq = i;
        j.feed_id = e.id;
        j.path = e.path;
        out.push_back(std::move(j));
    }
    return out;
}

std::optional<job> embedded_source::next(boost::asio::yield_context) {
    std::lock_guard lock(mutex_);
    ++counters_.gets;
    if (next_ == jobs_.size()) {
        ++counters_.empty_gets;
        return std::nullopt;
    }
    ++counters_.deliveries;
    return jobs_[next_++];
}

void embedded_source::ack(const job&, boost::asio::yield_context) {
    std::lock_guard lock(mutex_);
    ++counters_.acks;
}

intake_counters embedded_source::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

}  // namespace feedbench::intake
