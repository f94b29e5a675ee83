// The read-limited counting stream: exact recv sizes and honest counts for both clients.
#include "repro/net/read_limited_stream.hpp"

#include <poll.h>

namespace feedbench::client {

read_limited_stream::read_limited_stream(net::io_context& io, core::read_size reads, core::yield_policy policy,
                                         sched::job_meter& meter, std::chrono::milliseconds idle_timeout)
    : socket_(io), dog_(io, idle_timeout), reads_(reads), policy_(policy), meter_(meter) {}

read_limited_stream::~read_limited_stream() { close(); }

void read_limited_stream::connect(const tcp::endpoint& endpoint, net::yield_context yield, error_code& ec) {
    close();
    ++totals_.connects;
    sched::connect(socket_, endpoint, yield, dog_, ec);
    if (ec) {
        close();
        return;
    }
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    if (policy_ == core::yield_policy::would_block) socket_.non_blocking(true, ec);
    if (ec) close();
}

void read_limited_stream::close() {
    dog_.stop();
    if (!socket_.is_open()) return;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

bool read_limited_stream::idle_connection_usable() const {
    if (!socket_.is_open()) return false;
    pollfd p{};
    p.fd = const_cast<tcp::socket&>(socket_).native_handle();
    p.events = POLLIN;
    return ::poll(&p, 1, 0) == 0;
}

std::size_t read_limited_stream::read_some(char* dst, std::size_t want, net::yield_context yield, error_code& ec) {
    const std::size_t ask = limit(want);
    const std::size_t n = sched::read_some(socket_, dst, ask, policy_, yield, meter_, dog_, ec, &totals_.eagains);
    totals_.max_request = std::max<std::uint64_t>(totals_.max_request, ask);
    if (!ec || ec == net::error::eof) {
        ++totals_.reads;
        totals_.bytes += n;
    }
    return n;
}

void read_limited_stream::write_all(std::string_view data, net::yield_context yield, error_code& ec) {
    sched::write_all(socket_, data, policy_, yield, dog_, ec);
}

}  // namespace feedbench::client
