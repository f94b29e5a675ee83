// Loopback TCP pair for the read-path and scheduler benchmarks.
#include "bench/common/socket_pair.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace feedbench::bench {

tcp_pair::tcp_pair() {
    int const listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener, 1) != 0 || getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        error = std::string("listen on 127.0.0.1: ") + std::strerror(errno);
        if (listener >= 0) close(listener);
        return;
    }
    receiver = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(receiver, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        error = std::string("connect: ") + std::strerror(errno);
        close(listener);
        return;
    }
    sender = accept(listener, nullptr, nullptr);
    close(listener);
    if (sender < 0) {
        error = std::string("accept: ") + std::strerror(errno);
        return;
    }
    int one = 1;
    setsockopt(sender, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

tcp_pair::~tcp_pair() {
    if (sender >= 0) close(sender);
    if (receiver >= 0) close(receiver);
}

std::size_t tcp_pair::send_some(const char* data, std::size_t n) const {
    std::size_t sent = 0;
    while (sent < n) {
        ssize_t const rc = send(sender, data + sent, n - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (rc <= 0) break;
        sent += static_cast<std::size_t>(rc);
    }
    return sent;
}

}  // namespace feedbench::bench
