// The one stream layer under the clients: owns the TCP socket, caps every recv at the read size
// (header and body alike), and counts recv calls, bytes, EAGAINs into the stage that is running
// (yields are counted by the metered executor). Suspends only through sched::read_some/write_all.
#pragma once

#include "repro/sched/io.hpp"
#include "repro/sched/job_meter.hpp"
#include "repro/core/settings.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/spawn.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace feedbench::client {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// How much the client asks for when the read size is `whole` and no Content-Length tells it:
// before the headers are parsed, up to 64 KiB per recv; a chunked (or read-until-close) body,
// up to 1 MiB per recv. With a Content-Length, `whole` asks for exactly the remaining bytes.
inline constexpr std::size_t whole_header_ask = 64 * 1024;
inline constexpr std::size_t whole_unframed_ask = 1024 * 1024;

class read_limited_stream {
public:
    struct totals {  // over the stream's life (all jobs, all connections)
        std::uint64_t reads = 0, bytes = 0, eagains = 0, max_request = 0, connects = 0;
    };

    read_limited_stream(net::io_context& io, core::read_size reads, core::yield_policy policy, sched::job_meter& meter,
                        std::chrono::milliseconds idle_timeout);
    ~read_limited_stream();

    // Opens a connection: TCP_NODELAY, and non-blocking mode for the would-block policy.
    void connect(const tcp::endpoint& endpoint, net::yield_context yield, error_code& ec);
    void close();
    bool is_open() const { return socket_.is_open(); }
    // An idle kept-alive connection is reusable when nothing is pending on it (no stray bytes,
    // no end of stream): one poll(2) with a zero timeout, no recv.
    bool idle_connection_usable() const;

    // The byte count one recv may ask for when the caller wants `want`: min(want, read size);
    // at `whole`, want itself.
    std::size_t limit(std::size_t want) const { return reads_.is_whole() ? want : std::min(want, reads_.bytes); }
    // Exactly one successful recv (plus any EAGAINs before it) of at most limit(want) bytes.
    std::size_t read_some(char* dst, std::size_t want, net::yield_context yield, error_code& ec);
    void write_all(std::string_view data, net::yield_context yield, error_code& ec);
    // The running job's deadline (time_point::max() = none): a wait past it fails with sched::deadline_error().
    void deadline(sched::watchdog::clock::time_point at) { dog_.deadline(at); }

    core::read_size read_size() const { return reads_; }
    core::yield_policy policy() const { return policy_; }
    const totals& stream_totals() const { return totals_; }
    tcp::socket& socket() { return socket_; }

private:
    tcp::socket socket_;
    sched::watchdog dog_;
    core::read_size reads_;
    core::yield_policy policy_;
    sched::job_meter& meter_;
    totals totals_;
};

}  // namespace feedbench::client
