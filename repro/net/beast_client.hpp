// The Beast client: HTTP/1.1 GET over the read-limited stream, keep-alive per coroutine, with
// beast::http::response_parser driven by hand (parser.put over bytes this client read itself), so
// every recv's size is the read size's and nothing else's. Content-Length and chunked bodies.
#pragma once

#include "repro/net/http_client.hpp"

#include <memory>

namespace feedbench::client {

std::unique_ptr<http_client> make_beast_client(net::io_context& io, const client_options& opt, sched::job_meter& meter);

}  // namespace feedbench::client
