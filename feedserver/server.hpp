// The in-memory HTTP feed server: every response prebuilt at start, served over Boost.Beast.
// Query overrides (chunk, segment, rate, delay, nodelay, split, fault) let one server serve every scenario.
#pragma once

#include "data/corpus.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace feedbench::feedserver {

struct server_options {
    std::string host = "127.0.0.1";
    unsigned short port = 0;  // 0 = ephemeral
    unsigned threads = 1;
    int cpu = -1;  // pin server threads to this core (-1 = no pinning)
    // Defaults for the response modes; each one also a per-request query override.
    std::size_t chunk = 0;                        // 0 = Content-Length, else chunked with chunks of this many bytes
    std::size_t segment = 0;                      // 0 = one write, else bytes per write
    std::size_t rate = 0;                         // bytes/s per connection, 0 = unpaced
    unsigned delay_min_ms = 0, delay_max_ms = 0;  // first-byte delay, uniform in [min,max]
    bool nodelay = true;                          // TCP_NODELAY
    bool split = false;                           // headers and body in two writes
    std::size_t max_connections = 1024;
    unsigned idle_timeout_ms = 10'000;
    unsigned stop_grace_ms = 5'000;  // on stop, responses still in flight after this long are cut
    bool sendfile = true;            // plain responses: body by sendfile(2) from an in-memory file
};

struct server_stats {
    std::uint64_t connections = 0, requests = 0, bytes = 0;
    std::uint64_t bad_request = 0, header_too_large = 0, method_not_allowed = 0, not_found = 0, bad_query = 0,
                  timeouts = 0, rejected_connections = 0;
    std::uint64_t faults = 0;            // responses served with a fault= mode
    std::uint64_t open_connections = 0;  // connections open right now
};

class feed_server;  // implementation detail (listener + sessions)

// Runs a feed server on its own thread(s) until destroyed: the embedded server of tests,
// feedworker and feedrepro.
class server_thread {
public:
    server_thread(data::corpus corpus, server_options opt = {});
    ~server_thread();  // stops accepting, finishes in-flight responses, joins
    server_thread(const server_thread&) = delete;
    server_thread& operator=(const server_thread&) = delete;

    unsigned short port() const;
    std::string base_url() const;  // "http://127.0.0.1:PORT"
    server_stats stats() const;
    const data::corpus& corpus() const;

    // Blocks until pred(stats()) holds or the timeout passes; returns the last pred value. The
    // predicate is evaluated at once and again each time a connection closes: a session's counters
    // (bytes written, timeouts, faults) are final before it closes, so a test that closes its client
    // and waits for open_connections == 0 reads counts no write still in flight can change.
    bool wait_for(const std::function<bool(const server_stats&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    // wait_for(open_connections == 0).
    bool wait_idle(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

private:
    std::unique_ptr<struct server_thread_impl> impl_;
};

}  // namespace feedbench::feedserver
