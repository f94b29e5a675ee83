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

// Idle timeout for one connection: while a job waits on the socket and no byte moved for a whole
// period, the socket's waits are cancelled and the waiting call reports timed_out. One timer per
// connection, re-armed once per period (not per read), so the per-read cost stays a recv.
class watchdog {
public:
    watchdog(net::io_context& io, std::chrono::milliseconds idle_timeout);
    ~watchdog();
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;

    void watch(tcp::socket& socket);   // start watching (again); clears fired()
    void stop();
    void progress();                   // a byte moved
    void waiting(bool w);              // a wait on the socket is (not) pending
    bool fired() const;
    std::chrono::milliseconds idle_timeout() const { return idle_timeout_; }

private:
    struct state;
    static void arm(const std::shared_ptr<state>& st, std::uint64_t generation);
    std::chrono::milliseconds idle_timeout_;
    std::shared_ptr<state> state_;
};

// Error for a wait the watchdog cut short.
inline error_code timed_out_error() { return make_error_code(boost::system::errc::timed_out); }

// One recv of at most `ask` bytes under the yield policy (would-block: the socket must be in
// non-blocking mode). Counts into meter: one read per recv that returned bytes or end of stream
// (ec = net::error::eof), one eagain per dry recv; the yields are counted by the metered executor.
// Returns the byte count; ec set on failure (timed_out_error() when the watchdog fired).
std::size_t read_some(tcp::socket& socket, char* dst, std::size_t ask, core::yield_policy policy,
                      net::yield_context yield, job_meter& meter, watchdog& dog, error_code& ec,
                      std::uint64_t* eagains = nullptr);

// Sends all of data under the yield policy.
void write_all(tcp::socket& socket, std::string_view data, core::yield_policy policy,
               net::yield_context yield, watchdog& dog, error_code& ec);

// Connects (suspends until the connection is established or refused).
void connect(tcp::socket& socket, const tcp::endpoint& endpoint, net::yield_context yield, watchdog& dog, error_code& ec);

}  // namespace feedbench::sched
