// Test helpers: libcurl fetches (one easy handle = one keep-alive connection) and raw-socket requests.
#pragma once

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace feedbench::test {

struct fetch_result {
    long status = 0;
    CURLcode code = CURLE_OK;
    std::string body;
    std::string content_type;
    double seconds = 0;
};

class curl_client {
public:
    curl_client() : easy_(curl_easy_init()) {}
    ~curl_client() { curl_easy_cleanup(easy_); }
    curl_client(const curl_client&) = delete;
    curl_client& operator=(const curl_client&) = delete;

    fetch_result get(const std::string& url, bool head = false, long timeout_ms = 10'000) {
        fetch_result r;
        curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy_, CURLOPT_NOBODY, head ? 1L : 0L);
        curl_easy_setopt(easy_, CURLOPT_HTTPGET, head ? 0L : 1L);
        if (head) curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
        curl_easy_setopt(easy_, CURLOPT_PATH_AS_IS, 1L);
        curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &curl_client::on_data);
        curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &r.body);
        auto start = std::chrono::steady_clock::now();
        r.code = curl_easy_perform(easy_);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &r.status);
        char* ct = nullptr;
        curl_easy_getinfo(easy_, CURLINFO_CONTENT_TYPE, &ct);
        if (ct) r.content_type = ct;
        return r;
    }
    CURL* handle() { return easy_; }

private:
    static size_t on_data(char* p, size_t size, size_t n, void* user) {
        static_cast<std::string*>(user)->append(p, size * n);
        return size * n;
    }
    CURL* easy_;
};

// A raw TCP connection to 127.0.0.1:port for requests libcurl would refuse to send.
class raw_connection {
public:
    explicit raw_connection(unsigned short port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~raw_connection() {
        if (fd_ >= 0) ::close(fd_);
    }
    raw_connection(const raw_connection&) = delete;
    raw_connection& operator=(const raw_connection&) = delete;
    bool connected() const { return connected_; }
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    // Reads until the peer closes or `timeout_ms` passes; returns what arrived.
    std::string read_until_close(int timeout_ms = 5000, bool* closed = nullptr) {
        std::string out;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        for (;;) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buf[65536];
            auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                if (closed) *closed = true;
                return out;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        if (closed) *closed = false;
        return out;
    }
    // Reads one response whose head ends in CRLFCRLF and whose body is Content-Length long.
    std::string read_response(int timeout_ms = 5000) {
        std::string out;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        for (;;) {
            auto end = out.find("\r\n\r\n");
            if (end != std::string::npos) {
                auto cl = out.find("Content-Length: ");
                std::size_t length = cl < end ? std::stoul(out.substr(cl + 16)) : 0;
                if (out.size() >= end + 4 + length) return out;
            }
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return out;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
            char buf[65536];
            auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return out;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
    bool connected_ = false;
};

inline std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

}  // namespace feedbench::test
