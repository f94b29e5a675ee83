// The worker's configuration: each knob does exactly what its name says (DESIGN.md §2).
// Strings parse with the same words the CLI, CSV columns and the report use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace feedbench::worker {

enum class client_kind { beast, curl };
enum class consume_mode { eager, lazy };
enum class yield_policy { would_block, always };   // "would-block" | "always"
enum class charset_mode { content, text };

// The most bytes any single recv may ask for. whole = the remaining Content-Length at once.
struct read_size {
    static constexpr std::size_t whole_value = 0;
    std::size_t bytes = whole_value;                 // 0 means whole
    bool is_whole() const { return bytes == whole_value; }
    std::string to_string() const;                  // "1", "10k", "500k", "whole", or the byte count
    static read_size parse(std::string_view s);      // "1", "64", "1k"(1024), "10k"(10240), "500k"(512000), "whole"; throws std::invalid_argument
};

struct pool_spec {
    std::size_t size = 1;                            // coroutines on one thread, or OS threads
    bool threads = false;                            // "threads:N"
    std::string to_string() const;                   // "20" or "threads:2"
    static pool_spec parse(std::string_view s);
};

std::string_view to_string(client_kind);
std::string_view to_string(consume_mode);
std::string_view to_string(yield_policy);
std::string_view to_string(charset_mode);
client_kind parse_client(std::string_view);     // each throws std::invalid_argument naming the bad value
consume_mode parse_consume(std::string_view);
yield_policy parse_yield(std::string_view);
charset_mode parse_charset(std::string_view);

struct worker_config {
    std::string server_url;            // "" = start an embedded feedserver on an ephemeral port
    std::string corpus = "synthetic";  // for the embedded server: "synthetic" or a folder
    std::size_t corpus_feeds = 50;
    std::uint64_t corpus_seed = 2012;
    std::string formats = "rss,atom,jsonfeed";  // which manifest formats become jobs ("all" = every entry)
    std::string query;                 // appended to every feed URL, e.g. "rate=2000000&delay=0-20"
    client_kind client = client_kind::beast;
    read_size reads{};                 // whole
    consume_mode consume = consume_mode::eager;
    yield_policy yield = yield_policy::would_block;
    pool_spec pool{};
    charset_mode charset = charset_mode::content;
    std::size_t jobs = 0;              // 0 = one job per manifest entry; else ids repeated up to N
    std::string intake = "embedded";   // "embedded" or "amqp://HOST:PORT/QUEUE"
    std::string amqp_mode = "consume"; // "get" | "consume"
    std::size_t prefetch = 10;
    unsigned read_timeout_ms = 10'000;
    std::uint64_t max_body = std::uint64_t{64} << 20;   // limit: body bytes, declared or received -> "too-large"
    unsigned job_deadline_ms = 60'000; // limit: connect to end of parse, whatever moves -> "deadline" (0 = none)
    int cpu = -1;                      // pin the worker thread(s) to this core (-1 = no pinning)
    int server_cpu = -1;               // pin the embedded feedserver's thread to this core (-1 = no pinning)
    std::filesystem::path out_dir;     // "" = write nothing
};

}  // namespace feedbench::worker
