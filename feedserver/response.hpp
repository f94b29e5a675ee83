// Response assembly of the feed server as pure functions (no sockets): prebuilt heads and canned
// error responses, the wire bytes of every response mode and fault, and the /stats JSON.
#pragma once

#include "feedserver/response_mode.hpp"
#include "feedserver/server.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace feedbench::feedserver {

// One servable thing (a feed, the manifest, /healthz): head and body built once at start.
struct resource {
    std::string content_type;
    std::string_view body;               // into the corpus or the server's own storage (never copied)
    std::string head_keep_alive;         // status line + headers, Content-Length, keep-alive
    std::string head_close;              // same with "Connection: close"
    std::int64_t file_offset = -1;       // where the body sits in the server's body file (-1: not there)
    std::int64_t head_file_offset = -1;  // where head_keep_alive sits there, right before the body
};

// "HTTP/1.1 200 OK\r\nServer: feedserver\r\n...\r\n\r\n"; `extra` is inserted as-is (whole header lines).
std::string make_head(int status, std::string_view reason, std::string_view content_type, std::size_t length,
                      bool close, std::string_view extra = {});

resource make_resource(std::string content_type, std::string_view body);

// A prebuilt error response: whole wire bytes (head and a one-line text body).
struct canned {
    std::string keep_alive, close;
};
canned make_canned(int status, std::string_view reason, std::string_view extra = {});

// Every canned response the server sends, built once.
struct canned_responses {
    canned bad_request = make_canned(400, "Bad Request");
    canned header_too_large = make_canned(431, "Request Header Fields Too Large");
    canned method_not_allowed = make_canned(405, "Method Not Allowed", "Allow: GET, HEAD\r\n");
    canned not_found = make_canned(404, "Not Found");
    canned service_unavailable = make_canned(503, "Service Unavailable");
    canned internal_error = make_canned(500, "Internal Server Error");
};

// The head of whole wire bytes (through the blank line): what a HEAD request gets of a canned response.
std::string_view head_of(std::string_view wire);

// What the session does once a response is written.
enum class after_write { keep_alive, close, stall, endless, reset };

// The wire bytes of one response in a non-default mode, as up to two pieces (one piece when head and
// body go as a single byte stream, so that write segments span the boundary), and what follows it.
struct assembled_response {
    std::array<std::string_view, 2> pieces{};
    std::size_t piece_count = 0;
    after_write then = after_write::keep_alive;
    bool fault = false;             // served with a fault= mode (counted in /stats)
    std::string_view endless_body;  // fault=endless: what is sent again and again after the response
    std::size_t endless_limit = 0;  // after_write::endless: the most bytes sent in all before the close
};

// What a response may need of its request besides the path: "http://host:port" of this server, and the
// request target (path + query), for fault=redirect-loop and fault=xxe-network.
struct request_info {
    std::string_view origin, target;
};

// Scratch storage the pieces may point into; reused across requests (capacity kept).
struct response_scratch {
    std::string head, body, endless;
};

// The response to a request for `res` served in `mode` (chunked framing, split writes, faults).
// The pieces point into `res`, `canned`, static storage or `scratch`.
assembled_response assemble_response(const resource& res, const response_mode& mode, bool keep_alive, bool head_only,
                                     const canned_responses& canned, response_scratch& scratch,
                                     const request_info& request = {});

// "hex-size\r\nbytes\r\n" per chunk of `chunk` bytes, then the last chunk "0\r\n\r\n", appended to `out`.
void append_chunked(std::string_view body, std::size_t chunk, std::string& out);

// The /stats body: one JSON object of the counters, one line.
std::string stats_json(const server_stats& s);

// The fault=html page.
std::string_view html_page();

}  // namespace feedbench::feedserver
