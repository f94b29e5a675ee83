// run(): the server's manifest, job source(s), the pool, the records, the files.
#include "repro/worker/run.hpp"

#include "data/corpus.hpp"
#include "repro/intake/embedded_source.hpp"
#include "repro/intake/feed_path.hpp"
#include "repro/intake/manifest_client.hpp"
#include "repro/intake/source_factory.hpp"
#include "repro/meta/meta.hpp"
#include "repro/net/beast_client.hpp"
#include "repro/net/memory_client.hpp"
#include "repro/sched/pool.hpp"
#include "repro/worker/job_runner.hpp"
#include "repro/worker/query_mix.hpp"

#include "repro/net/curl_client.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace feedbench::worker {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::unique_ptr<client::http_client> make_client(const worker_config& cfg, net::io_context& io,
                                                 const client::client_options& opt, sched::job_meter& meter,
                                                 const client::memory_responses& in_memory) {
    if (cfg.client == core::client_kind::curl) return client::make_curl_client(io, opt, meter);
    if (cfg.client == core::client_kind::memory) return client::make_memory_client(in_memory);
    return client::make_beast_client(io, opt, meter);
}

// --client memory: every target a job may ask for (each manifest entry of the run's formats, with each
// query alternative), fetched once before the run.
client::memory_responses fetch_bodies(const worker_config& cfg, const client::client_options& opt,
                                      const std::vector<data::manifest_entry>& entries) {
    std::vector<std::string> targets;
    const std::size_t alternatives = std::size_t(std::count(cfg.query.begin(), cfg.query.end(), '|')) + 1;
    for (const auto& j : intake::plan_jobs(entries, cfg.formats, 0))
        for (std::size_t k = 0; k < alternatives; ++k)
            targets.push_back(client::append_query(j.path, query_for_job(cfg.query, k)));
    return client::fetch_into_memory(opt, targets);
}

std::vector<std::pair<std::string, std::string>> config_entries(const worker_config& cfg, const std::string& server,
                                                                const std::string& corpus_name) {
    return {{"program", "feedworker"},
            {"server", server},
            {"corpus", corpus_name},
            {"corpus_feeds", std::to_string(cfg.corpus_feeds)},
            {"corpus_seed", std::to_string(cfg.corpus_seed)},
            {"formats", cfg.formats},
            {"query", cfg.query},
            {"client", std::string(to_string(cfg.client))},
            {"read_size", cfg.reads.to_string()},
            {"consume", std::string(to_string(cfg.consume))},
            {"yield", std::string(to_string(cfg.yield))},
            {"pool", cfg.pool.to_string()},
            {"charset", std::string(to_string(cfg.charset))},
            {"jobs", std::to_string(cfg.jobs)},
            {"intake", cfg.intake},
            {"amqp_mode", std::string(to_string(cfg.amqp_mode))},
            {"prefetch", std::to_string(cfg.prefetch)},
            {"read_timeout_ms", std::to_string(cfg.read_timeout_ms)},
            {"max_body", std::to_string(cfg.max_body)},
            {"job_deadline_ms", std::to_string(cfg.job_deadline_ms)},
            {"cpu", std::to_string(cfg.cpu)},
            {"server_cpu", std::to_string(cfg.server_cpu)}};
}

intake::intake_options intake_options_of(const worker_config& cfg) {
    intake::intake_options opt;
    opt.intake = cfg.intake;
    opt.amqp_mode = cfg.amqp_mode;
    opt.prefetch = cfg.prefetch;
    opt.formats = cfg.formats;
    opt.jobs = cfg.jobs;
    return opt;
}

}  // namespace

void check_config(const worker_config& cfg) {
    if (cfg.client == core::client_kind::curl) {
        if (!cfg.reads.is_whole() && cfg.reads.bytes < 1024)
            throw std::invalid_argument(
                "--read-size " + cfg.reads.to_string() +
                " with --client curl: libcurl's minimum buffer (CURLOPT_BUFFERSIZE) is 1024 bytes");
    }
    if (cfg.client == core::client_kind::memory && !cfg.reads.is_whole())
        throw std::invalid_argument("--read-size " + cfg.reads.to_string() +
                                    " with --client memory: the memory client reads no socket (use whole)");
    if (cfg.pool.size == 0) throw std::invalid_argument("--pool: the pool needs at least one worker");
}

run_output run(const worker_config& cfg, const std::function<void(std::size_t, std::size_t)>& progress,
               const stage_hook& hook) {
    check_config(cfg);
    if (cfg.server_url.empty())
        throw std::invalid_argument("--server: no feed server URL (harness::run_worker starts an embedded one)");

    const intake::server_address address = intake::parse_server_url(cfg.server_url);
    client::client_options copt;
    copt.endpoint = intake::resolve(address);
    copt.host = address.host_port();
    copt.reads = cfg.reads;
    copt.yield = cfg.yield;
    copt.read_timeout = std::chrono::milliseconds(cfg.read_timeout_ms);
    copt.max_body = cfg.max_body;
    copt.job_deadline = std::chrono::milliseconds(cfg.job_deadline_ms);

    const auto entries = data::parse_manifest(intake::fetch_manifest(copt.endpoint, copt.host));
    std::unordered_map<std::string, std::string> path_of;
    for (const auto& e : entries) path_of.emplace(e.id, e.path);
    const client::memory_responses in_memory =
        cfg.client == core::client_kind::memory ? fetch_bodies(cfg, copt, entries) : client::memory_responses{};

    // One embedded source for every thread; an AMQP source per thread (each its own io_context).
    const intake::intake_options intake_opt = intake_options_of(cfg);
    const bool embedded = intake::is_embedded(intake_opt);
    std::shared_ptr<intake::job_source> shared_source;
    std::size_t total = cfg.jobs;
    if (embedded) {
        auto src = std::make_shared<intake::embedded_source>(intake::plan_jobs(entries, cfg.formats, cfg.jobs));
        total = src->size();
        shared_source = src;
    }
    const std::size_t threads = cfg.pool.threads ? cfg.pool.size : 1;

    std::unique_ptr<job_journal> journal;
    if (!embedded && !cfg.out_dir.empty()) {
        std::filesystem::create_directories(cfg.out_dir);
        journal = std::make_unique<job_journal>((cfg.out_dir / "jobs.journal.csv").string(), cfg);
    }
    std::mutex mutex;
    std::vector<core::job_record> records;
    records.reserve(total);
    std::vector<intake::intake_counters> intake_counts(threads);
    std::atomic<std::uint64_t> job_counter{0};
    const std::size_t progress_every = std::max<std::size_t>(1, total / 100);

    const std::int64_t origin = sched::steady_now_ns();
    constexpr std::int64_t progress_interval_ns = 1'000'000'000;
    std::int64_t last_progress_ns = origin;  // under mutex
    std::exception_ptr pool_failure;         // intake or client setup failed: the records so far are still written
    sched::pool_run pool;
    try {
        pool = sched::run_pool(cfg.pool, cfg.cpu, origin, [&](sched::thread_context& ctx) {
            std::shared_ptr<intake::job_source> source = shared_source;
            if (!source) {
                const std::size_t share = cfg.jobs == 0 ? 0 : (cfg.jobs + threads - 1 - ctx.thread_index()) / threads;
                source = intake::make_job_source(intake_opt, entries, ctx.io(), share);
            }
            const std::size_t t = ctx.thread_index();
            ctx.at_exit([source, t, &intake_counts] { intake_counts[t] = source->counters(); });
            for (std::size_t i = 0; i < ctx.coroutines(); ++i) {
                ctx.spawn([&, source](net::yield_context yield, sched::job_meter& meter) {
                    auto http = make_client(cfg, ctx.io(), copt, meter, in_memory);
                    for (;;) {
                        core::job_record rec;
                        meter.begin_job(rec);
                        std::optional<intake::job> j;
                        try {
                            j = source->next(yield);
                        } catch (...) {
                            meter.abandon_job();  // rec dies with this frame: the meter must not keep it
                            throw;
                        }
                        if (!j) {
                            meter.abandon_job();
                            break;
                        }
                        rec.job = embedded ? j->seq : job_counter++;
                        rec.feed = j->feed_id;
                        rec.redelivered = j->redelivered;
                        std::string path = j->path;
                        if (path.empty()) {
                            auto it = path_of.find(j->feed_id);
                            path = it != path_of.end() ? it->second : intake::feed_path(j->feed_id);
                        }
                        try {
                            if (hook) hook(core::stage::intake);
                            run_job(cfg, *http, client::append_query(path, query_for_job(cfg.query, rec.job)), meter,
                                    yield, rec, hook);
                        } catch (...) {
                            rethrow_if_unwinding();
                            fail_with(rec, std::current_exception());
                            http->finish(false);
                        }
                        try {
                            if (journal) journal->append(rec);  // recorded, then acked
                            meter.enter(core::stage::ack);
                            if (hook) hook(core::stage::ack);
                            source->ack(*j, yield);
                        } catch (...) {
                            rethrow_if_unwinding();
                            fail_with(rec, std::current_exception());  // not acked: a broker redelivers it
                        }
                        meter.end_job();
                        std::lock_guard lock(mutex);  // progress is called under it too: never concurrently
                        records.push_back(std::move(rec));
                        const std::size_t done = records.size();
                        // Every 1% of the jobs, the last one, and at least once a second when jobs are slow
                        // (so a heartbeat is not starved).
                        const std::int64_t now = sched::steady_now_ns();
                        if (progress && (done % progress_every == 0 || done == total ||
                                         now - last_progress_ns >= progress_interval_ns)) {
                            last_progress_ns = now;
                            progress(done, total);
                        }
                    }
                });
            }
        });
    } catch (...) {
        pool_failure = std::current_exception();
        pool.wall_s = double(sched::steady_now_ns() - origin) / 1e9;
    }

    std::sort(records.begin(), records.end(),
              [](const core::job_record& a, const core::job_record& b) { return a.job < b.job; });

    run_output out;
    out.summary = summarize(cfg, records, pool.wall_s, pool.cpu_s);
    for (const auto& c : intake_counts) {
        out.summary.intake_gets += c.gets;
        out.summary.intake_empty_gets += c.empty_gets;
        out.summary.intake_deliveries += c.deliveries;
        out.summary.intake_redeliveries += c.redeliveries;
    }
    out.records = std::move(records);

    if (!cfg.out_dir.empty()) {
        std::filesystem::create_directories(cfg.out_dir);
        write_jobs_csv((cfg.out_dir / "jobs.csv").string(), cfg, out.records);
        write_summary_csv((cfg.out_dir / "summary.csv").string(), {out.summary});
        meta::write_json((cfg.out_dir / "meta.json").string(), meta::collect(),
                         config_entries(cfg, cfg.server_url, cfg.server_corpus));
    }
    if (pool_failure) std::rethrow_exception(pool_failure);
    return out;
}

}  // namespace feedbench::worker
