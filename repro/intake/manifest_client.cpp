// GET /manifest with a blocking Beast client; the server URL parsed and resolved.
#include "repro/intake/manifest_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstdlib>
#include <stdexcept>
#include <sys/socket.h>

namespace feedbench::intake {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

server_address parse_server_url(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    if (url.substr(0, scheme.size()) != scheme)
        throw std::invalid_argument("--server: '" + std::string(url) +
                                    "' is not an http:// URL (use http://HOST:PORT)");
    std::string_view rest = url.substr(scheme.size());
    rest = rest.substr(0, rest.find('/'));
    server_address a;
    const auto colon = rest.rfind(':');
    a.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
        const std::string port(rest.substr(colon + 1));
        char* end = nullptr;
        const long p = std::strtol(port.c_str(), &end, 10);
        if (port.empty() || *end != '\0' || p <= 0 || p > 65535)
            throw std::invalid_argument("--server: '" + std::string(url) + "' has a bad port");
        a.port = static_cast<unsigned short>(p);
    }
    if (a.host.empty()) throw std::invalid_argument("--server: '" + std::string(url) + "' has no host");
    return a;
}

tcp::endpoint resolve(const server_address& a) {
    net::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(a.host, std::to_string(a.port), ec);
    if (ec || results.empty()) throw std::runtime_error("cannot resolve " + a.host + ": " + ec.message());
    return results.begin()->endpoint();
}

std::string fetch_manifest(const tcp::endpoint& server, std::string_view host, std::chrono::milliseconds timeout) {
    const std::string where = server.address().to_string() + ":" + std::to_string(server.port());
    net::io_context io;
    tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect(server, ec);
    if (ec) throw std::runtime_error("cannot fetch /manifest from " + where + ": " + ec.message());
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    http::request<http::empty_body> req{http::verb::get, "/manifest", 11};
    req.set(http::field::host, host);
    req.set(http::field::connection, "close");
    http::write(socket, req, ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t(1) << 30);
    if (!ec) http::read(socket, buffer, parser, ec);
    if (ec) throw std::runtime_error("cannot fetch /manifest from " + where + ": " + ec.message());
    if (parser.get().result() != http::status::ok)
        throw std::runtime_error("GET /manifest from " + where + " answered " +
                                 std::to_string(parser.get().result_int()));
    return std::move(parser.get().body());
}

std::string fetch_manifest(std::string_view server_url) {
    const auto address = parse_server_url(server_url);
    return fetch_manifest(resolve(address), address.host_port());
}

}  // namespace feedbench::intake
