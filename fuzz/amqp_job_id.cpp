// AMQP message bodies (repro/intake): a message body is the job's feed id, any bytes the broker hands
// over. The worker turns an id it does not know into a path (intake::feed_path), appends the run's query
// (client::append_query) and writes the request line the Beast client writes. Properties: no crash;
// feedserver's request parser reads exactly one request head from it, ending where the request ends,
// whose target is the one built and decodes back to "/feeds/" + the id. Also amqp_options::parse_url on
// the same bytes: a URL it accepts has a host and a queue, and bad input throws std::invalid_argument.
#include "feedserver/request.hpp"
#include "fuzz/fuzz_check.hpp"
#include "repro/intake/feed_path.hpp"
#include "repro/net/http_client.hpp"
#include "repro/intake/amqp_source.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace fz = feedbench::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const std::string target = feedbench::client::append_query(feedbench::intake::feed_path(body), "fault=none");
    std::string request = "GET " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: feedbench-worker\r\n"
                          "Accept: */*\r\nConnection: keep-alive\r\n\r\n";
    feedbench::feedserver::request_head_parser p;
    p.eager(false);
    boost::beast::error_code ec;
    const std::size_t used = p.put(boost::asio::buffer(request), ec);
    if (target.size() > 8 * 1024) {  // feedserver's target limit: refused, never split
        fz::require(ec.failed(), "an over-long target was accepted");
        return 0;
    }
    fz::require(!ec && p.is_header_done(), "the request for a message body does not parse: " + ec.message());
    fz::require(used == request.size(), "the request for a message body parses as more than one request");
    fz::require(p.target() == target, "the parsed target differs from the one built");
    std::array<char, 8 * 1024> decoded{};
    std::size_t n = 0;
    const std::string_view path = p.target().substr(0, p.target().find('?'));
    const bool decodes = feedbench::feedserver::percent_decode(path, decoded, n);
    const bool has_nul = body.find('\0') != std::string_view::npos;  // an encoded NUL is refused, by design
    fz::require(decodes != has_nul, "the path does not decode back to the message body");
    if (decodes)
        fz::require(std::string_view(decoded.data(), n) == "/feeds/" + std::string(body),
                    "the path decodes to another id");
    try {
        const auto opt = feedbench::intake::amqp_options::parse_url(body);
        fz::require(!opt.host.empty(), "parse_url accepted an empty host");
    } catch (const std::invalid_argument&) {}
    return 0;
}
