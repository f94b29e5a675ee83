// The progress line's text and the decision when to print it.
#include "repro/worker/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace feedbench::worker {

std::string clock_text(double s) {
    if (!(s >= 0) || !std::isfinite(s)) return "?";
    auto t = static_cast<long>(s + 0.5);
    return fmt::format("{}:{:02}", t / 60, t % 60);
}

std::string progress_text(std::size_t done, std::size_t total, double elapsed_s) {
    std::string s = total ? fmt::format("jobs {}/{}", done, total) : fmt::format("jobs {}", done);
    double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
    s += done && elapsed_s > 0 ? fmt::format("  {:.1f} jobs/s", rate) : "  - jobs/s";
    s += "  elapsed " + clock_text(elapsed_s);
    // ETA: the jobs left at the rate so far; unknown before the first job or without a total.
    if (total) s += "  ETA " + (rate > 0 ? clock_text(static_cast<double>(total - std::min(done, total)) / rate) : "?");
    return s;
}

progress_mode choose_progress_mode(bool quiet, bool terminal) {
    if (quiet) return progress_mode::off;
    return terminal ? progress_mode::live : progress_mode::heartbeat;
}

progress_reporter::progress_reporter(progress_mode mode, double start_s, double heartbeat_s)
    : mode_(mode), start_s_(start_s), last_s_(start_s), heartbeat_(start_s, heartbeat_s) {}

std::optional<std::string> progress_reporter::update(double now_s, std::size_t done, std::size_t total,
                                                     const std::string& prefix) {
    const bool last_job = total && done >= total;
    switch (mode_) {
        case progress_mode::off:
            return std::nullopt;
        case progress_mode::live:
            if (shown_ && !last_job && now_s - last_s_ < live_redraw_s) return std::nullopt;
            shown_ = true;
            last_s_ = now_s;
            return "\r\033[K" + prefix + progress_text(done, total, now_s - start_s_);
        case progress_mode::heartbeat:
            if (!heartbeat_.due(now_s)) return std::nullopt;
            return prefix + progress_text(done, total, now_s - start_s_) + "\n";
    }
    return std::nullopt;
}

std::string progress_reporter::finish() const { return mode_ == progress_mode::live && shown_ ? "\r\033[K" : ""; }

}  // namespace feedbench::worker
