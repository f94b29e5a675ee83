// Socket suspension points under the yield policy, and the per-connection idle watchdog.
#include "repro/sched/io.hpp"

#include <boost/asio/write.hpp>

#include <cerrno>
#include <sys/socket.h>

namespace feedbench::sched {

struct watchdog::state {
    explicit state(net::io_context& io, std::chrono::milliseconds t) : timer(io), timeout(t) {}
    net::steady_timer timer;
    std::chrono::milliseconds timeout;
    tcp::socket* socket = nullptr;
    std::uint64_t generation = 0;
    std::uint64_t progress = 0, seen = 0;
    bool active = false, waiting = false, fired = false;
};

watchdog::watchdog(net::io_context& io, std::chrono::milliseconds idle_timeout)
    : idle_timeout_(idle_timeout), state_(std::make_shared<state>(io, idle_timeout)) {}

watchdog::~watchdog() { stop(); }

void watchdog::watch(tcp::socket& socket) {
    stop();
    state_->socket = &socket;
    state_->active = true;
    state_->fired = false;
    state_->seen = state_->progress;
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
void watchdog::waiting(bool w) { state_->waiting = w; }
bool watchdog::fired() const { return state_->fired; }

void watchdog::arm(const std::shared_ptr<state>& st, std::uint64_t generation) {
    st->timer.expires_after(st->timeout);
    // Bound to the plain io_context executor: the watchdog is not any job's work.
    st->timer.async_wait([st, generation](const error_code& ec) {
        if (ec || !st->active || generation != st->generation) return;
        if (st->progress != st->seen || !st->waiting) {
            st->seen = st->progress;
            arm(st, generation);
            return;
        }
        st->fired = true;
        error_code ignored;
        if (st->socket) st->socket->cancel(ignored);
    });
}

namespace {

// Suspends until the socket is ready for `what`; the metered executor counts the yield.
void wait_ready(tcp::socket& socket, tcp::socket::wait_type what, net::yield_context& yield, watchdog& dog, error_code& ec) {
    if (dog.fired()) {
        ec = timed_out_error();
        return;
    }
    dog.waiting(true);
    socket.async_wait(what, yield[ec]);
    dog.waiting(false);
    if (dog.fired()) ec = timed_out_error();
}

}  // namespace

std::size_t read_some(tcp::socket& socket, char* dst, std::size_t ask, core::yield_policy policy,
                      net::yield_context yield, job_meter& meter, watchdog& dog, error_code& ec,
                      std::uint64_t* eagains) {
    ec = {};
    if (policy == core::yield_policy::always) {
        if (dog.fired()) {
            ec = timed_out_error();
            return 0;
        }
        dog.waiting(true);
        const std::size_t n = socket.async_read_some(net::buffer(dst, ask), yield[ec]);
        dog.waiting(false);
        if (dog.fired()) {
            ec = timed_out_error();
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

void write_all(tcp::socket& socket, std::string_view data, core::yield_policy policy,
               net::yield_context yield, watchdog& dog, error_code& ec) {
    ec = {};
    if (policy == core::yield_policy::always) {
        dog.waiting(true);
        net::async_write(socket, net::buffer(data.data(), data.size()), yield[ec]);
        dog.waiting(false);
        if (dog.fired()) ec = timed_out_error();
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

void connect(tcp::socket& socket, const tcp::endpoint& endpoint, net::yield_context yield, watchdog& dog, error_code& ec) {
    ec = {};
    socket.open(endpoint.protocol(), ec);
    if (ec) return;
    dog.watch(socket);
    dog.waiting(true);
    socket.async_connect(endpoint, yield[ec]);
    dog.waiting(false);
    if (dog.fired()) ec = timed_out_error();
    if (!ec) dog.progress();
}

}  // namespace feedbench::sched
