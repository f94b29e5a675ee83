// The embedded intake: the job plan from the manifest, the in-process queue, the manifest fetch.
#include "repro/intake/embedded_source.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <set>
#include <stdexcept>
#include <sys/socket.h>

namespace feedbench::intake {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::vector<job> plan_jobs(const std::vector<data::manifest_entry>& entries, std::string_view formats, std::size_t jobs) {
    const bool all = formats == "all";
    std::set<data::feed_format> wanted;
    if (!all) {
        std::string_view rest = formats;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const std::string_view word = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            if (word.empty()) continue;
            auto f = data::parse_feed_format(word);
            if (!f) throw std::invalid_argument("'" + std::string(word) + "' is not a feed format (rss atom rdf jsonfeed json html unknown, or all)");
            wanted.insert(*f);
        }
    }
    std::vector<const data::manifest_entry*> kept;
    for (const auto& e : entries)
        if (all || wanted.count(e.format)) kept.push_back(&e);
    if (kept.empty()) throw std::runtime_error("no manifest entry has a format in '" + std::string(formats) + "'");
    const std::size_t n = jobs == 0 ? kept.size() : jobs;
    std::vector<job> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& e = *kept[i % kept.size()];
        job j;
        j.seq = i;
        j.feed_id = e.id;
        j.path = e.path;
        out.push_back(std::move(j));
    }
    return out;
}

std::optional<job> embedded_source::next(boost::asio::yield_context) {
    std::lock_guard lock(mutex_);
    ++counters_.gets;
    if (next_ == jobs_.size()) {
        ++counters_.empty_gets;
        return std::nullopt;
    }
    ++counters_.deliveries;
    return jobs_[next_++];
}

void embedded_source::ack(const job&, boost::asio::yield_context) {
    std::lock_guard lock(mutex_);
    ++counters_.acks;
}

intake_counters embedded_source::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
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
        throw std::runtime_error("GET /manifest from " + where + " answered " + std::to_string(parser.get().result_int()));
    return std::move(parser.get().body());
}

}  // namespace feedbench::intake
