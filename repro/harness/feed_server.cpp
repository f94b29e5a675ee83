// The embedded feed server of a run: started when no --server URL was given, pinned, stopped after.
#include "repro/harness/feed_server.hpp"

#include <utility>

namespace feedbench::harness {

std::unique_ptr<feedserver::server_thread> start_embedded_server(data::corpus corpus, int server_cpu) {
    feedserver::server_options opt;
    opt.cpu = server_cpu;
    return std::make_unique<feedserver::server_thread>(std::move(corpus), opt);
}

feed_server::feed_server(const worker::worker_config& cfg) : url_(cfg.server_url) {
    if (!url_.empty()) return;
    data::synthetic_options syn;
    syn.feeds = cfg.corpus_feeds;
    syn.seed = cfg.corpus_seed;
    server_ = start_embedded_server(data::load_corpus(cfg.corpus, syn), cfg.server_cpu);
    url_ = server_->base_url();
    corpus_name_ = server_->corpus().name;
}

worker::run_output run_worker(const worker::worker_config& cfg,
                              const std::function<void(std::size_t, std::size_t)>& progress) {
    worker::check_config(cfg);
    const feed_server server(cfg);
    worker::worker_config with_server = cfg;
    with_server.server_url = server.url();
    with_server.server_corpus = server.corpus_name();
    return worker::run(with_server, progress);
}

}  // namespace feedbench::harness
