// A tiny keep-alive HTTP server for the client tests: answers every GET with one canned response
// (Content-Length or chunked), optionally in timed pieces, and counts the bytes it sent.
#pragma once

#include <boost/asio.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace feedbench::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct canned_response {
    std::string head, body;              // body is the wire form (already chunked when chunked)
    std::size_t piece = 0;               // 0 = one write; else write this many bytes at a time...
    std::chrono::milliseconds pause{0};  // ...with this pause between pieces
    std::size_t split_at = 0;            // > 0: write [0, split_at), pause, then the rest in one write
    std::size_t send_limit = 0;          // > 0: send only this many bytes, then close (truncation)
    bool stall = false;                  // send the head only, then nothing until the client closes
    std::string all() const { return head + body; }
};

inline canned_response content_length_response(const std::string& body) {
    return {"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n",
            body};
}

inline canned_response chunked_response(const std::string& body, std::size_t chunk) {
    canned_response r{"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n", {}};
    for (std::size_t at = 0; at < body.size(); at += chunk) {
        const std::size_t n = std::min(chunk, body.size() - at);
        r.body += fmt::format("{:x}\r\n", n);
        r.body.append(body, at, n);
        r.body += "\r\n";
    }
    r.body += "0\r\n\r\n";
    return r;
}

class test_http_server {
public:
    explicit test_http_server(canned_response response)
        : response_(std::move(response)), acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        do_accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~test_http_server() {
        net::post(io_, [this] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            for (auto& s : sockets_) s->close(ignored);
        });
        thread_.join();
    }
    tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }
    std::uint64_t bytes_sent() const { return bytes_sent_; }
    std::uint64_t requests() const { return requests_; }

private:
    void do_accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec) return;
            auto sock = std::make_shared<tcp::socket>(std::move(s));
            sockets_.push_back(sock);
            net::spawn(io_, [this, sock](net::yield_context yield) { serve(sock, yield); });
            do_accept();
        });
    }
    void serve(std::shared_ptr<tcp::socket> sock, net::yield_context yield) {
        boost::system::error_code ec;
        std::string in;
        char buf[4096];
        for (;;) {
            while (in.find("\r\n\r\n") == std::string::npos) {
                const std::size_t n = sock->async_read_some(net::buffer(buf), yield[ec]);
                if (ec) return;
                in.append(buf, n);
            }
            in.erase(0, in.find("\r\n\r\n") + 4);
            ++requests_;
            std::string all = response_.all();
            if (response_.stall) all = response_.head;
            if (response_.send_limit) all.resize(std::min(all.size(), response_.send_limit));
            const std::size_t piece = response_.piece ? response_.piece : all.size();
            for (std::size_t at = 0; at < all.size();) {
                std::size_t n = std::min(piece, all.size() - at);
                if (response_.split_at) n = at == 0 ? std::min(response_.split_at, all.size()) : all.size() - at;
                // Counted before the write completes: the client may read the last byte (and the test
                // compare counts) before this coroutine resumes. A failed write takes back what it did not send.
                bytes_sent_ += n;
                const std::size_t written = net::async_write(*sock, net::buffer(all.data() + at, n), yield[ec]);
                if (ec) {
                    bytes_sent_ -= n - written;
                    return;
                }
                at += n;
                if (response_.pause.count() && at < all.size()) {
                    net::steady_timer t(io_, response_.pause);
                    t.async_wait(yield[ec]);
                }
            }
            if (response_.stall) {
                sock->async_read_some(net::buffer(buf), yield[ec]);  // until the client gives up
                return;
            }
            if (response_.send_limit) {
                sock->close(ec);
                return;
            }
        }
    }

    canned_response response_;
    net::io_context io_;
    tcp::acceptor acceptor_;
    std::vector<std::shared_ptr<tcp::socket>> sockets_;
    std::atomic<std::uint64_t> bytes_sent_{0}, requests_{0};
    std::thread thread_;
};

}  // namespace feedbench::test
