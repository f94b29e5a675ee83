// The libcurl client: one easy handle per coroutine, its transfers driven by the multi socket interface
// on the coroutine's own io_context (socket and timer callbacks). The read size becomes CURLOPT_BUFFERSIZE;
// each write-callback chunk is counted as one read (libcurl's recv calls are not observable).
#pragma once

#include "repro/net/http_client.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace feedbench::client {

// libcurl refuses smaller buffers (it silently raises them to this), so such a read size cannot be
// honoured: make_curl_client throws std::invalid_argument for it (the scenario marks it not applicable).
inline constexpr std::size_t curl_min_buffer_bytes = 1024;
// What `whole` asks for: CURL_MAX_READ_SIZE, libcurl's largest CURLOPT_BUFFERSIZE (10 MiB since 7.88).
std::size_t curl_whole_buffer_bytes();
// Whatever the read size, libcurl hands the write callback at most CURL_MAX_WRITE_SIZE (16 KiB) at once.
std::size_t curl_max_write_bytes();

// CURLOPT_BUFFERSIZE for a read size; throws std::invalid_argument below curl_min_buffer_bytes with a
// message saying libcurl's minimum CURLOPT_BUFFERSIZE is 1024 bytes.
std::size_t curl_buffer_size(core::read_size reads);

// The http_client seam plus what only libcurl can tell: the chunk sizes its write callback received.
//
// How the seam maps onto libcurl (documented differences from the Beast client):
//  - connect() only prepares the job: libcurl opens the connection (or reuses the kept-alive one) when
//    the transfer starts in send_request(), which waits until the connection is ready and the request
//    written (CURLOPT_PREREQFUNCTION). A refused connection is therefore reported by send_request(), with
//    error class "connect"; connection time lands in the request stage.
//  - reads = write-callback chunks of the body (raw wire bytes: transfer decoding is off and the client
//    dechunks itself, so bytes equal what the server sent), asked = CURLOPT_BUFFERSIZE; the response head
//    counts as one read of its header bytes when its blank line arrives. eagains stay 0.
//  - yield policy: libcurl reads when the io_context reports the socket readable (always); under
//    would-block the job first lets libcurl try the receive on its socket and suspends only if that
//    made no progress (gevent's rule, as far as libcurl allows: the EAGAIN happens inside libcurl).
//  - lazy: the write callback returns CURL_WRITEFUNC_PAUSE while body bytes the parser has not taken are
//    buffered, so the body is pulled from the socket during the parse stage, chunk by chunk.
//  - errors: COULDNT_CONNECT -> connect; no byte for read_timeout while waiting -> timeout (the transfer
//    is aborted); PARTIAL_FILE -> truncated (read before the head is complete); broken chunk framing ->
//    truncated (as Beast's "broken body framing"); RECV_ERROR, GOT_NOTHING, SEND_ERROR, others -> read.
//    An HTTP status >= 400 is reported in response_head::status; the worker classifies it.
//  - one multi handle per client (all driven by the same io_context): libcurl's connection cache belongs
//    to the multi handle, so this keeps Beast's "one kept-alive connection per coroutine", makes
//    connections() this client's own count and lets finish(false) really close the connection.
class curl_client : public http_client {
public:
    virtual std::uint64_t buffer_size() const = 0;    // CURLOPT_BUFFERSIZE in use
    virtual std::uint64_t write_chunks() const = 0;   // write-callback chunks accepted over the client's life
    virtual std::uint64_t largest_chunk() const = 0;  // the largest of them
};

// Throws std::invalid_argument when opt.reads is below curl_min_buffer_bytes.
std::unique_ptr<curl_client> make_curl_client(net::io_context& io, const client_options& opt, sched::job_meter& meter);

}  // namespace feedbench::client
