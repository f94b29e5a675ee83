// The scheduler's suspension points for sockets: the yield policy lives here and only here.
// would-block: try the non-blocking recv/send; on EAGAIN wait for readiness on the loop (gevent's rule).
// always: every read and write completes through the io_context's queue (Asio's own rule).
#pragma once

#include "repro/sched/job_meter.hpp"
#include "repro/core/settings.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

namespace feedbench::sched {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// Idle timeout and job deadline for one connection. Idle: while a job waits on the socket and that one
// wait has lasted a whole idle_timeout, the socket's waits are cancelled and the waiting call reports
// timed_out_error(). Deadline: once the steady clock passes it, waits are cancelled (or the next one
// refused) with deadline_error(). One timer per connection; a wait costs one clock read where it
// begins, never a timer operation, and a recv that finds data costs nothing (the timer checks when it
// expires and re-arms itself for the exact moment the current wait would run out).
class watchdog {
public:
    using clock = std::chrono::steady_clock;
    watchdog(net::io_context& io, std::chrono::milliseconds idle_timeout);
    ~watchdog();
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;

    void watch(tcp::socket& socket);  // start watching (again); clears fired()
    void stop();
    void progress();       // a byte moved
    void waiting(bool w);  // a wait on the socket begins (true) or ends (false)
    // The job's deadline (clock::time_point::max() = none); clears a fired deadline of an earlier job.
    void deadline(clock::time_point at);
    bool fired() const;        // idle timeout or deadline: the socket's waits were cut short
    error_code error() const;  // timed_out_error() or deadline_error(); {} when not fired
    std::chrono::milliseconds idle_timeout() const { return idle_timeout_; }

private:
    struct state;
    static void arm(const std::shared_ptr<state>& st, std::uint64_t generation);
    std::chrono::milliseconds idle_timeout_;
    std::shared_ptr<state> state_;
};

// Error for a wait the watchdog cut short: the idle timeout, or the job's deadline.
inline error_code timed_out_error() { return make_error_code(boost::system::errc::timed_out); }
inline error_code deadline_error() { return make_error_code(boost::system::errc::stream_timeout); }

// One recv of at most `ask` bytes under the yield policy (would-block: the socket must be in
// non-blocking mode). Counts into meter: one read per recv that returned bytes or end of stream
// (ec = net::error::eof), one eagain per dry recv; the yields are counted by the metered executor.
// Returns the byte count; ec set on failure (the watchdog's error() when it fired).
std::size_t read_some(tcp::socket& socket, char* dst, std::size_t ask, core::yield_policy policy,
                      net::yield_context yield, job_meter& meter, watchdog& dog, error_code& ec,
                      std::uint64_t* eagains = nullptr);

// Sends all of data under the yield policy.
void write_all(tcp::socket& socket, std::string_view data, core::yield_policy policy, net::yield_context yield,
               watchdog& dog, error_code& ec);

// Connects (suspends until the connection is established or refused).
void connect(tcp::socket& socket, const tcp::endpoint& endpoint, net::yield_context yield, watchdog& dog,
             error_code& ec);

}  // namespace feedbench::sched
