// The worker's configuration: each knob does exactly what its name says (README.md, Vocabulary).
// Its words (read size, pool, the enum knobs) are repro/core's.
#pragma once

#include "repro/core/settings.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace feedbench::worker {

struct worker_config {
    std::string server_url;  // feed server base URL; "" = harness::run_worker starts an embedded one
    std::string server_corpus =
        "(remote)";                    // what that server serves, for meta.json (the harness names its embedded corpus)
    std::string corpus = "synthetic";  // for the embedded server: "synthetic" or a folder
    std::size_t corpus_feeds = 50;
    std::uint64_t corpus_seed = 2012;
    std::string formats = "rss+atom+jsonfeed";  // which manifest formats become jobs ("all" = every entry)
    std::string
        query;  // appended to every feed URL, e.g. "rate=2000000&delay=0-20"; "A|B": job n gets alternative n mod 2
    core::client_kind client = core::client_kind::beast;
    core::read_size reads{};  // whole
    core::consume_mode consume = core::consume_mode::eager;
    core::yield_policy yield = core::yield_policy::would_block;
    core::pool_spec pool{};
    core::charset_mode charset = core::charset_mode::content;
    std::size_t jobs = 0;                                  // 0 = one job per manifest entry; else ids repeated up to N
    std::string intake = "embedded";                       // "embedded" or "amqp://HOST:PORT/QUEUE"
    core::amqp_mode amqp_mode = core::amqp_mode::consume;  // get | consume
    std::size_t prefetch = 10;
    unsigned read_timeout_ms = 10'000;
    std::uint64_t max_body = std::uint64_t{64} << 20;  // limit: body bytes, declared or received -> "too-large"
    unsigned job_deadline_ms = 60'000;  // limit: connect to end of parse, whatever moves -> "deadline" (0 = none)
    int cpu = -1;                       // pin the worker thread(s) to this core (-1 = no pinning)
    int server_cpu = -1;                // pin the embedded feedserver's thread to this core (-1 = no pinning)
    std::filesystem::path out_dir;      // "" = write nothing
};

}  // namespace feedbench::worker
