// Micro-calibration of the model's constants on this machine: recv(2) cost per read size on loopback
// TCP, one coroutine suspend+resume through the io_context, and parse ns per byte from memory.
#include "repro/model/model.hpp"
#include "repro/parse/feed_parser.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/spawn.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace feedbench::model {
namespace {

namespace net = boost::asio;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
std::int64_t thread_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct fd_guard {
    int fd = -1;
    ~fd_guard() { if (fd >= 0) ::close(fd); }
};

// A connected loopback TCP pair (client fd, server fd).
void loopback_pair(fd_guard& a, fd_guard& b) {
    fd_guard l;
    l.fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (l.fd < 0 || ::bind(l.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(l.fd, 1) != 0 ||
        ::getsockname(l.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::runtime_error("calibrate: cannot listen on loopback");
    a.fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(a.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("calibrate: cannot connect");
    b.fd = ::accept(l.fd, nullptr, nullptr);
    if (b.fd < 0) throw std::runtime_error("calibrate: accept failed");
    int one = 1;
    ::setsockopt(b.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// ns per recv of `size` bytes: a sender thread keeps the socket fed; the receiver asks `size` each time.
// When recv returns less than asked (the socket was not full enough), the cost is scaled per byte.
double measure_recv_ns(std::size_t size) {
    fd_guard rx, tx;
    loopback_pair(rx, tx);
    const std::size_t total = std::clamp<std::size_t>(size * 256, 256 * 1024, 16 * 1024 * 1024);
    std::thread sender([fd = tx.fd, total] {
        std::vector<char> chunk(64 * 1024, 'x');
        std::size_t sent = 0;
        while (sent < total) {
            auto n = ::send(fd, chunk.data(), std::min(chunk.size(), total - sent), MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
    });
    std::vector<char> buf(size);
    // Let the sender fill the socket first so most reads find data waiting.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::size_t got = 0, calls = 0;
    auto t0 = thread_cpu_ns();
    while (got < total) {
        auto n = ::recv(rx.fd, buf.data(), size, 0);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
        ++calls;
    }
    auto t1 = thread_cpu_ns();
    sender.join();
    if (calls == 0 || got == 0) throw std::runtime_error("calibrate: recv loop received nothing");
    double per_call = static_cast<double>(t1 - t0) / static_cast<double>(calls);
    double mean_got = static_cast<double>(got) / static_cast<double>(calls);
    return mean_got + 0.5 < static_cast<double>(size) ? per_call * static_cast<double>(size) / mean_got : per_call;
}

double measure_switch_ns() {
    net::io_context io;
    constexpr int rounds = 200'000;
    std::int64_t t0 = 0, t1 = 0;
    net::spawn(io, [&](net::yield_context yield) {
        t0 = thread_cpu_ns();
        for (int i = 0; i < rounds; ++i) net::post(io, yield);  // suspend, run through the queue, resume
        t1 = thread_cpu_ns();
    });
    io.run();
    return static_cast<double>(t1 - t0) / rounds;
}

double measure_parse_ns_per_byte(const std::vector<std::string>& bodies) {
    if (bodies.empty()) return 0;
    std::size_t bytes = 0;
    std::int64_t spent = 0;
    const std::int64_t budget = 300'000'000;  // 0.3 s of CPU at most
    do {
        auto t0 = thread_cpu_ns();
        for (auto& b : bodies) {
            auto r = parse::parse_eager(b);
            bytes += b.size();
            (void)r;
        }
        spent += thread_cpu_ns() - t0;
    } while (spent < budget / 3);
    return static_cast<double>(spent) / static_cast<double>(bytes);
}

}  // namespace

constants calibrate(const std::vector<std::string>& bodies, const std::vector<std::size_t>& read_sizes) {
    constants c;
    for (auto size : read_sizes)
        if (size > 0) c.recv_ns[size] = measure_recv_ns(size);
    c.switch_ns = measure_switch_ns();
    c.parse_ns_per_byte = measure_parse_ns_per_byte(bodies);
    (void)now_ns;
    return c;
}

}  // namespace feedbench::model
