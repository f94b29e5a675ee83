// The one manifest client: the feed server's address from its URL, and GET /manifest with a plain blocking
// Beast client before a run (not measured). The worker and feedpublish both fetch through it.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace feedbench::intake {

struct server_address {
    std::string host;
    unsigned short port = 80;
    std::string host_port() const { return host + ":" + std::to_string(port); }  // the Host header
};

// "http://HOST:PORT" (a trailing path is ignored). Throws std::invalid_argument naming --server.
server_address parse_server_url(std::string_view url);

// Throws std::runtime_error when the host does not resolve.
boost::asio::ip::tcp::endpoint resolve(const server_address& a);

// GET /manifest. Throws std::runtime_error naming the server when it cannot be fetched.
std::string fetch_manifest(const boost::asio::ip::tcp::endpoint& server, std::string_view host,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
// The same from the server's URL ("http://HOST:PORT").
std::string fetch_manifest(std::string_view server_url);

}  // namespace feedbench::intake
