// Socket suspension points under the yield policy, and the per-connection idle watchdog.
#include "repro/sched/io.hpp"

#include <boost/asio/write.hpp>

#include <cerrno>
#include <sys/socket.h>

namespace feedbench::sched {

struct watchdog::state {
    explicit state(net::io_context& io, std::chrono::milliseconds t) : timer(io), timeout(t) {}
    enum class cause { none, idle, deadline };
    net::steady_timer timer;
    std::chrono::milliseconds timeout;
    tcp::socket* socket = nullptr;
    std::uint64_t generation = 0;
    std::uint64_t progress = 0;
    clock::time_point wait_start{};
    clock::time_point deadline = clock::time_point::max();
    bool active = false, waiting = false;
    cause fired = cause::none;
};

watchdog::watchdog(net::io_context& io, std::chrono::milliseconds idle_timeout)
    : idle_timeout_(idle_timeout), state_(std::make_shared<state>(io, idle_timeout)) {}

watchdog::~watchdog() { stop(); }

void watchdog::watch(tcp::socket& socket) {
    stop();
    state_->socket = &socket;
    state_->active = true;
    state_->fired = state::cause::none;
    arm(state_, state_->generation);
}

void watchdog::stop() {
    if (!state_->active) return;
    state_->active = false;
    state_->socket = nullptr;
    ++state_->generation;
    state_->timer.cancel();
}

void watchdog::progress() { ++state_->progress; }

void watchdog::waiting(bool w) {
    state_->waiting = w;
    if (w) state_->wait_start = clock::now();
}

void watchdog::deadline(clock::time_point at) {
    state_->deadline = at;
    if (state_->fired == state::cause::deadline) state_->fired = state::cause::none;
    if (!state_->active) return;
    ++state_->generation;  // re-arm for the earlier of the two moments
    state_->timer.cancel();
    arm(state_, state_->generation);
}

bool watchdog::fired() const { return state_->fired != state::cause::none; }

error_code watchdog::error() const {
    switch (state_->fired) {
        case state::cause::none:
            return {};
        case state::cause::idle:
            return timed_out_error();
        case state::cause::deadline:
            return deadline_error();
    }
    return {};
}

void watchdog::arm(const std::shared_ptr<state>& st, std::uint64_t generation) {
    // Expire when the current wait would have lasted the whole idle timeout (not waiting: a period
    // from now, when the next check is due anyway), or at the deadline if that comes first.
    const auto now = clock::now();
    auto at = (st->waiting ? st->wait_start : now) + st->timeout;
    if (st->deadline < at) at = st->deadline;
    st->timer.expires_at(at);
    // Bound to the plain io_context executor: the watchdog is not any job's work.
    st->timer.async_wait([st, generation](const error_code& ec) {
        if (ec || !st->active || generation != st->generation) return;
        const auto now = clock::now();
        if (now >= st->deadline) {
            st->fired = state::cause::deadline;  // waiting or not: the job's next wait is refused
        } else if (st->waiting && now - st->wait_start >= st->timeout) {
            st->fired = state::cause::idle;
        } else {
            arm(st, generation);
            return;
        }
        error_code ignored;
        if (st->socket && st->waiting) st->socket->cancel(ignored);
    });
}

namespace {

// Suspends until the socket is ready for `what`; the metered executor counts the yield.
void wait_ready(tcp::socket& socket, tcp::socket::wait_type what, net::yield_context& yield, watchdog& dog,
                error_code& ec) {
    if (dog.fired()) {
        ec = dog.error();
        return;
    }
    dog.waiting(true);
    socket.async_wait(what, yield[ec]);
    dog.waiting(false);
    if (dog.fired()) ec = dog.error();
}

}  // namespace

std::size_t read_some(tcp::socket& socket, char* dst, std::size_t ask, core::yield_policy policy,
                      net::yield_context yield, job_meter& meter, watchdog& dog, error_code& ec,
                      std::uint64_t* eagains) {
    ec = {};
    if (dog.fired()) {  // a deadline passed while the job was busy elsewhere (one load per read)
        ec = dog.error();
        return 0;
    }
    if (policy == core::yield_policy::always) {
        dog.waiting(true);
        const std::size_t n = socket.async_read_some(net::buffer(dst, ask), yield[ec]);
        dog.waiting(false);
        if (dog.fired()) {
            ec = dog.error();
            return 0;
        }
        if (!ec || ec == net::error::eof) {
            meter.count_read(ask, n);
            dog.progress();
        }
        return n;
    }
    const int fd = socket.native_handle();
    for (;;) {
        const ssize_t r = ::recv(fd, dst, ask, 0);
        if (r > 0) {
            meter.count_read(ask, std::size_t(r));
            dog.progress();
            return std::size_t(r);
        }
        if (r == 0) {
            meter.count_read(ask, 0);
            ec = net::error::eof;
            return 0;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            ec = error_code(errno, boost::system::system_category());
            return 0;
        }
        meter.count_eagain(ask);
        if (eagains) ++*eagains;
        wait_ready(socket, tcp::socket::wait_read, yield, dog, ec);
        if (ec) return 0;
    }
}

void write_all(tcp::socket& socket, std::string_view data, core::yield_policy policy, net::yield_context yield,
               watchdog& dog, error_code& ec) {
    ec = {};
    if (dog.fired()) {
        ec = dog.error();
        return;
    }
    if (policy == core::yield_policy::always) {
        dog.waiting(true);
        net::async_write(socket, net::buffer(data.data(), data.size()), yield[ec]);
        dog.waiting(false);
        if (dog.fired()) ec = dog.error();
        if (!ec) dog.progress();
        return;
    }
    const int fd = socket.native_handle();
    while (!data.empty()) {
        const ssize_t r = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (r >= 0) {
            data.remove_prefix(std::size_t(r));
            dog.progress();
            continue;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            ec = error_code(errno, boost::system::system_category());
            return;
        }
        wait_ready(socket, tcp::socket::wait_write, yield, dog, ec);
        if (ec) return;
    }
}

void connect(tcp::socket& socket, const tcp::endpoint& endpoint, net::yield_context yield, watchdog& dog,
             error_code& ec) {
    ec = {};
    socket.open(endpoint.protocol(), ec);
    if (ec) return;
    dog.watch(socket);
    dog.waiting(true);
    socket.async_connect(endpoint, yield[ec]);
    dog.waiting(false);
    if (dog.fired()) ec = dog.error();
    if (!ec) dog.progress();
}

}  // namespace feedbench::sched
