// The memory client (--client memory): a job's response comes from memory, no socket. The bodies are
// fetched once from the feed server before the run (fetch_into_memory), so a memory run parses exactly
// the bytes a socket run parses, through the same stages, decode, parse and accounting, on the same pool.
// It is the parse-only baseline of a worker run: what a job costs when no byte crosses a socket.
#pragma once

#include "repro/net/http_client.hpp"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace feedbench::client {

// One response held in memory, as the server sent it for a target.
struct memory_response {
    unsigned status = 200;
    std::string content_type;
    std::string body;
};

// Responses by request target (path + query).
using memory_responses = std::unordered_map<std::string, memory_response>;

// GETs every target once from opt.endpoint over one kept-alive connection (the Beast client, whole
// reads), before any job runs. Throws std::runtime_error naming the target when a fetch fails below
// HTTP (a non-2xx status is kept: the job fails with class "status" as it would on the socket).
memory_responses fetch_into_memory(const client_options& opt, const std::vector<std::string>& targets);

// A client over `responses` (which must outlive it). connect, send_request and finish do no I/O;
// read_head looks the target up ("read" class when the target was never fetched) and yields the
// coroutine once through the loop, as a socket job waits once for its response; read_body hands out the
// body in memory (no copy); body_source hands it out piece by piece (lazy). The meter gets no reads (no recv is made): the
// job's bytes are the body's.
std::unique_ptr<http_client> make_memory_client(const memory_responses& responses);

}  // namespace feedbench::client
