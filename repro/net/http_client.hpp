// The client seam: what the worker asks of an HTTP client, stage by stage. Implemented by the Beast
// client (beast_client.hpp) and the libcurl client (curl_client.hpp, multi interface on the same
// io_context). The worker switches stages on the job_meter between calls; the client counts.
#pragma once

#include "repro/parse/body_source.hpp"
#include "repro/sched/job_meter.hpp"
#include "repro/core/error_class.hpp"
#include "repro/core/settings.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/spawn.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace feedbench::client {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct client_options {
    tcp::endpoint endpoint;          // resolved once before the run: no DNS in the measured path
    std::string host = "127.0.0.1";  // Host header
    core::read_size reads{};         // whole
    core::yield_policy yield = core::yield_policy::would_block;
    std::chrono::milliseconds read_timeout{10'000};  // idle: no byte moved while waiting this long -> "timeout"
    // Limits (README.md, Vocabulary): a body longer than max_body, declared or received -> "too-large" (checked
    // against the Content-Length before any buffer is sized; buffers grow with the bytes that arrive);
    // a job still waiting job_deadline after connect() began -> "deadline" (0 = no deadline).
    std::uint64_t max_body = std::uint64_t{64} << 20;
    std::chrono::milliseconds job_deadline{60'000};
};

// The most bytes of response headers a client reads, interim 1xx responses included: past it the job fails
// with "read" (both clients).
inline constexpr std::uint32_t max_header_bytes = 64 * 1024;

struct response_head {
    unsigned status = 0;
    std::string content_type;  // "" when absent
    std::optional<std::uint64_t> content_length;
    bool chunked = false;
    std::uint64_t header_bytes = 0;  // bytes of the status line + header fields
};

// Ok, or a failure with its error class (connect read status truncated timeout too-large deadline).
struct fetch_status {
    core::error_class error_class = core::error_class::none;
    std::string message;
    bool ok() const { return error_class == core::error_class::none; }
    static fetch_status failure(core::error_class cls, std::string msg) { return {cls, std::move(msg)}; }
};

// One client per coroutine (one kept-alive connection). Every call may suspend the coroutine through
// `yield`; every call counts into the job_meter given at construction, into whatever stage the worker
// has entered. Call order per job: connect, send_request, read_head, then either read_body (eager) or
// body_source + drain (lazy), then finish.
//
// What an implementation must count (job_meter):
//  - count_read(asked, got) once per recv(2) that returned data or end of stream, with `asked` the
//    byte count that recv asked for (never more than the read size; at `whole` see
//    read_limited_stream.hpp). A libcurl client cannot see its recv calls: it counts one read per
//    write-callback chunk (got = the chunk size, asked = CURLOPT_BUFFERSIZE), and the header bytes too.
//  - count_eagain(asked) once per recv that found the socket dry (curl: not observable, leave 0).
//  - yields and CPU are counted for it by the metered executor, as long as every suspension goes
//    through the job's yield_context (or a handler bound to the job's executor).
//  - record bytes as received from the socket (header + body, before dechunking), so that the job's
//    bytes equal what the server sent.
class http_client {
public:
    virtual ~http_client() = default;
    virtual std::string_view name() const = 0;

    // connect stage: reuse the kept-alive connection when it is still good, else open a new one. The job's
    // deadline (client_options::job_deadline) starts here and holds until finish().
    virtual fetch_status connect(net::yield_context yield) = 0;
    // request stage: send GET target (path + query).
    virtual fetch_status send_request(std::string_view target, net::yield_context yield) = 0;
    // headers stage: read and parse the status line and header fields. A reused connection the server
    // had closed is reopened and the request resent once, in this stage.
    virtual fetch_status read_head(net::yield_context yield, response_head& head) = 0;
    // body stage (eager): the whole decoded (dechunked) body, in the client's own buffer: valid until
    // finish() or the next call on this client. On a failure, what arrived of it.
    virtual fetch_status read_body(std::string_view& body, net::yield_context yield) = 0;
    // lazy: a source the parser pulls from; each read() may recv and suspend the coroutine through yield.
    // After a failed read(), error_class() says why ("read", "truncated", "timeout", "too-large", "deadline").
    virtual parse::body_source& body_source(net::yield_context yield) = 0;
    // lazy, after the parse: read what the parser left of the body, so the connection can be reused.
    virtual fetch_status drain(net::yield_context yield) = 0;
    // end of job: keep the connection when reuse is true and the response was read completely;
    // otherwise (any error) close it, so the next job reconnects.
    virtual void finish(bool reuse) = 0;

    // Largest byte count any recv asked for over this client's life, and its connection count.
    virtual std::uint64_t max_read_request() const = 0;
    virtual std::uint64_t connections() const = 0;
};

// "?" or "&" join of a path and an extra query ("" leaves the path alone).
std::string append_query(std::string_view path, std::string_view query);

}  // namespace feedbench::client
