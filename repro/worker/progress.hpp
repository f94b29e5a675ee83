// What a long run prints while it works, and when: on a terminal a live line redrawn in place (jobs done,
// jobs/s so far, ETA); elsewhere (CI logs, files) one heartbeat line every few seconds. The decision is a
// pure function of the time it is given, so tests drive it with their own clock.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace feedbench::worker {

// "jobs 120/500  40.0 jobs/s  elapsed 0:03  ETA 0:09"; total 0 (unknown): no "/total" and no ETA.
std::string progress_text(std::size_t done, std::size_t total, double elapsed_s);
// Seconds as m:ss ("?" when not a finite non-negative number).
std::string clock_text(double s);

enum class progress_mode { off, live, heartbeat };
inline constexpr double live_redraw_s = 0.2;     // a live line is redrawn at most this often
inline constexpr double worker_heartbeat_s = 5;  // feedworker off a terminal
inline constexpr double repro_heartbeat_s = 10;  // feedrepro off a terminal

// live when quiet is off and the stream is a terminal, heartbeat when it is not; off when quiet.
progress_mode choose_progress_mode(bool quiet, bool terminal);

// Due once every interval_s on the caller's clock, the first time interval_s after start_s.
class interval_timer {
public:
    interval_timer(double start_s, double interval_s) : last_s_(start_s), interval_s_(interval_s) {}
    bool due(double now_s) {
        if (now_s - last_s_ < interval_s_) return false;
        last_s_ = now_s;
        return true;
    }

private:
    double last_s_, interval_s_;
};

class progress_reporter {
public:
    // start_s: the run's start on the caller's clock (any origin, seconds).
    progress_reporter(progress_mode mode, double start_s, double heartbeat_s = worker_heartbeat_s);
    // Jobs done out of total at now_s: the text to write to the stream now, or nothing. Live: "\r\033[K" + the
    // line (no newline), at most every live_redraw_s, and always for the last job. Heartbeat: the line and a
    // newline once heartbeat_s has passed since the start or the last one. prefix goes before the line.
    std::optional<std::string> update(double now_s, std::size_t done, std::size_t total,
                                      const std::string& prefix = {});
    // What ends the display: live, the erase of the line; otherwise nothing.
    std::string finish() const;
    progress_mode mode() const { return mode_; }

private:
    progress_mode mode_;
    double start_s_, last_s_;
    interval_timer heartbeat_;
    bool shown_ = false;
};

}  // namespace feedbench::worker
