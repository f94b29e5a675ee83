#include "repro/diag/recv_cost.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace feedbench::diag {

namespace {

struct fd_guard {
    int fd = -1;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
};

void fail(const char* what) {
    throw std::runtime_error(std::string("recv cost: ") + what + ": " + std::strerror(errno));
}

void send_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        auto w = ::send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) fail("send");
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

double recv_cost::ns_for(double bytes) const {
    double per_byte =
        bytes_per_call_64k > 1 ? std::max(0.0, (ns_per_call_64k - ns_per_call_1b) / (bytes_per_call_64k - 1)) : 0;
    return ns_per_call_1b + per_byte * std::max(0.0, bytes - 1);
}

recv_cost measure_recv_cost() {
    using clock = std::chrono::steady_clock;
    fd_guard lst{::socket(AF_INET, SOCK_STREAM, 0)}, out{::socket(AF_INET, SOCK_STREAM, 0)}, in;
    if (lst.fd < 0 || out.fd < 0) fail("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(lst.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || ::listen(lst.fd, 1) < 0 ||
        ::getsockname(lst.fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0)
        fail("listen");
    int big = 4 << 20;
    ::setsockopt(out.fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (::connect(out.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) fail("connect");
    in.fd = ::accept(lst.fd, nullptr, nullptr);
    if (in.fd < 0) fail("accept");
    ::setsockopt(in.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);

    constexpr std::size_t chunk = 64 * 1024;
    std::vector<char> data(chunk, 'x'), buf(chunk);
    // Each round: write the data, wait until all of it is in the receive queue, then time the receives only.
    auto round = [&](std::size_t read_size, std::size_t& calls) {
        send_all(out.fd, data.data(), data.size());
        std::size_t got = 0;
        ::recv(in.fd, buf.data(), 1, MSG_PEEK);  // blocks until the first byte is there
        for (int spin = 0; spin < 100000; ++spin) {
            int avail = 0;
            ::ioctl(in.fd, FIONREAD, &avail);
            if (static_cast<std::size_t>(avail) >= chunk) break;
            ::usleep(50);
        }
        calls = 0;
        auto t0 = clock::now();
        while (got < chunk) {
            auto r = ::recv(in.fd, buf.data(), std::min(read_size, chunk - got), 0);
            if (r <= 0) fail("recv");
            got += static_cast<std::size_t>(r);
            ++calls;
        }
        return std::chrono::duration<double, std::nano>(clock::now() - t0).count();
    };
    std::vector<double> one, big_calls, big_bytes;
    for (int i = 0; i < 3; ++i) {
        std::size_t calls = 0;
        double ns = round(1, calls);
        one.push_back(ns / static_cast<double>(calls));
    }
    for (int i = 0; i < 15; ++i) {
        std::size_t calls = 0;
        double ns = round(chunk, calls);
        big_calls.push_back(ns / static_cast<double>(calls));
        big_bytes.push_back(static_cast<double>(chunk) / static_cast<double>(calls));
    }
    recv_cost c;
    c.ns_per_call_1b = median(one);
    c.ns_per_call_64k = median(big_calls);
    c.bytes_per_call_64k = median(big_bytes);
    c.method = "loopback TCP, data waiting: 3 x 65536 recv(1), 15 x recv(65536); median";
    return c;
}

}  // namespace feedbench::diag
