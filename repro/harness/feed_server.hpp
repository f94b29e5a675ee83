// The feed server a run talks to: the one a --server URL names, or an embedded feedserver started on an
// ephemeral loopback port, pinned to server_cpu, and stopped when the run is over. Shared by feedworker,
// feedrepro and the tests, so the worker itself carries no feed server.
#pragma once

#include "data/corpus.hpp"
#include "feedserver/server.hpp"
#include "repro/worker/config.hpp"
#include "repro/worker/run.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace feedbench::harness {

// Starts the embedded feed server over `corpus` on 127.0.0.1, pinned to server_cpu (-1 = not pinned).
std::unique_ptr<feedserver::server_thread> start_embedded_server(data::corpus corpus, int server_cpu = -1);

class feed_server {
public:
    // cfg.server_url given: starts nothing. Else loads cfg.corpus ("synthetic" with cfg.corpus_feeds and
    // cfg.corpus_seed, or a folder) and starts the embedded server pinned to cfg.server_cpu.
    explicit feed_server(const worker::worker_config& cfg);
    const std::string& url() const { return url_; }
    const std::string& corpus_name() const { return corpus_name_; }              // "(remote)" for a given URL
    const feedserver::server_thread* embedded() const { return server_.get(); }  // nullptr for a given URL

private:
    std::unique_ptr<feedserver::server_thread> server_;
    std::string url_;
    std::string corpus_name_ = "(remote)";
};

// worker::run against the server cfg.server_url names, or an embedded one started for this run (after the
// configuration is checked, so a bad one starts nothing). Throws as worker::run does.
worker::run_output run_worker(const worker::worker_config& cfg,
                              const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace feedbench::harness
