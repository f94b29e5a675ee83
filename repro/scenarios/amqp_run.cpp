// The AMQP runs of S9 and S10: the publisher (feedpublish's library) and the workers against the private broker.
#include "repro/scenarios/amqp_run.hpp"

#include "repro/core/csv.hpp"

#include "repro/diag/child_process.hpp"
#include "repro/external/external_worker.hpp"
#include "repro/feedpublish/publisher.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace feedbench::scenarios {
namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;
constexpr const char* queue_name = "feedbench.jobs";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The one data row of a feedworker summary.csv, by column name.
std::map<std::string, std::string> read_summary_row(const fs::path& file) {
    std::ifstream in(file);
    core::csv_reader reader(in);
    std::vector<std::string> names, values;
    if (!reader.next(names) || !reader.next(values)) return {};
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) out[names[i]] = values[i];
    return out;
}

double number(const std::map<std::string, std::string>& row, const std::string& column) {
    auto it = row.find(column);
    return it == row.end() || it->second.empty() ? nan : std::atof(it->second.c_str());
}

// Records in a jobs.csv or jobs.journal.csv (after the header; a quoted field may span lines).
std::size_t count_rows(const fs::path& file) {
    std::ifstream in(file);
    core::csv_reader reader(in);
    std::vector<std::string> fields;
    std::size_t n = 0;
    while (reader.next(fields)) ++n;
    return n > 0 ? n - 1 : 0;
}

// "error class:n;..." (summary.csv's errors column) added into errors.
void add_errors(const std::string& text, std::map<core::error_class, std::size_t>& errors) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(';', start);
        auto item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (auto colon = item.rfind(':'); colon != std::string::npos) {
            const auto cls = core::parse_error_class(item.substr(0, colon));
            if (!cls) throw std::runtime_error("summary.csv: '" + item.substr(0, colon) + "' is not an error class");
            errors[*cls] += static_cast<std::size_t>(std::atoll(item.c_str() + colon + 1));
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
}

// Waits until fn() or the deadline; checks every 20 ms. True when fn() held.
template <class F>
bool wait_for(F fn, std::chrono::seconds limit) {
    for (auto give_up = clock_type::now() + limit; clock_type::now() < give_up;) {
        if (fn()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return fn();
}

std::vector<std::string> feedworker_argv(const amqp_run_options& opt, const std::string& url, std::size_t jobs,
                                         const fs::path& out) {
    auto& c = opt.worker;
    std::vector<std::string> argv{opt.feedworker.string(),
                                  "--server",
                                  c.server_url,
                                  "--intake",
                                  url,
                                  "--amqp",
                                  std::string(core::to_string(c.amqp_mode)),
                                  "--prefetch",
                                  std::to_string(c.prefetch),
                                  "--pool",
                                  c.pool.to_string(),
                                  "--client",
                                  std::string(core::to_string(c.client)),
                                  "--read-size",
                                  c.reads.to_string(),
                                  "--consume",
                                  std::string(core::to_string(c.consume)),
                                  "--jobs",
                                  std::to_string(jobs),
                                  "--out",
                                  out.string(),
                                  "--quiet"};
    if (!c.query.empty()) argv.insert(argv.end(), {"--query", c.query});
    return argv;
}

}  // namespace

amqp_run_result run_amqp(const amqp_run_options& opt, private_broker& broker) {
    if (auto& why = broker.start(); !why.empty()) throw std::invalid_argument(why);
    intake::amqp_options target;
    target.port = broker.port();
    target.queue = queue_name;
    const std::string url = "amqp://127.0.0.1:" + std::to_string(broker.port()) + "/" + queue_name;

    publish::publish_options po;
    po.target = target;
    po.ids = opt.ids;
    po.jobs = opt.jobs;
    po.purge = true;
    std::thread producer;
    std::string producer_error;
    if (opt.publish_rate > 0) {
        publish::purge_queue(target);
        po.purge = false;
        po.rate = opt.publish_rate;
        producer = std::thread([&] {
            try {
                publish::publish_jobs(po);
            } catch (const std::exception& e) {
                producer_error = e.what();
            }
        });
    } else {
        auto p = publish::publish_jobs(po);
        if (p.confirmed != opt.jobs)
            throw std::runtime_error("the broker confirmed " + std::to_string(p.confirmed) + " of " +
                                     std::to_string(opt.jobs) + " jobs");
    }
    struct producer_guard {
        std::thread& t;
        ~producer_guard() {
            if (t.joinable()) t.join();
        }
    } guard{producer};

    amqp_run_result out;
    auto& m = out.metrics;
    const double broker_cpu0 = broker.cpu_s();
    const auto start = clock_type::now();
    double recorded = 0, journal_rows = nan, acked_by_killed = nan, cpu_s = 0;
    std::uint64_t gets = 0, empty_gets = 0, deliveries = 0, redeliveries = 0;
    bool restart_failed = false;

    // broker-restart: the broker goes down once the run has recorded a tenth of its jobs (its own event, not a
    // sleep: under load a fixed delay let the run finish first), and comes back with its data.
    std::mutex mu;
    std::condition_variable cv;
    bool go = false;
    std::thread restarter;
    auto signal_restart = [&] {
        std::lock_guard lock(mu);
        go = true;
        cv.notify_one();
    };
    if (opt.incident == "broker-restart")
        restarter = std::thread([&] {
            std::unique_lock lock(mu);
            cv.wait_for(lock, std::chrono::seconds(300), [&] { return go; });
            lock.unlock();
            if (!broker.restart()) restart_failed = true;
        });

    if (opt.processes == 1) {
        auto cfg = opt.worker;
        cfg.intake = url;
        auto res = worker::run(cfg, [&](std::size_t done, std::size_t total) {
            if (opt.progress) opt.progress(done, total);
            if (done >= std::max<std::size_t>(1, opt.jobs / 10)) signal_restart();
        });
        signal_restart();
        if (restarter.joinable()) restarter.join();
        auto& s = res.summary;
        recorded = static_cast<double>(s.jobs);
        cpu_s = s.cpu_s;
        gets = s.intake_gets;
        empty_gets = s.intake_empty_gets;
        deliveries = s.intake_deliveries;
        redeliveries = s.intake_redeliveries;
        out.errors.insert(s.errors.begin(), s.errors.end());
        m["jobs_per_s"] = s.jobs_per_s;
        out.in_process = std::move(res);
    } else {
        // A fleet: N feedworker processes on the queue, each taking its share (worker-kill: every process runs
        // until the queue stays empty, and the first one is killed once its journal has rows).
        std::vector<diag::child_process> procs;
        std::vector<fs::path> dirs;
        for (unsigned i = 0; i < opt.processes; ++i) {
            std::size_t share = opt.jobs / opt.processes + (i == 0 ? opt.jobs % opt.processes : 0);
            if (opt.incident == "worker-kill") share = 0;
            dirs.push_back(opt.dir / ("process-" + std::to_string(i + 1)));
            fs::create_directories(dirs.back());
            diag::spawn_options so;
            so.null_stdout = true;
            so.death_signal = SIGKILL;
            procs.emplace_back(feedworker_argv(opt, url, share, dirs.back()), so);
        }
        bool killed = false;
        if (opt.incident == "worker-kill") {
            auto journal = dirs.front() / "jobs.journal.csv";
            wait_for([&] { return count_rows(journal) >= 50 || !procs.front().running(); }, std::chrono::seconds(120));
            procs.front().poll_exit();
            if (procs.front().running()) {
                procs.front().stop(SIGKILL, std::chrono::milliseconds(5000));
                killed = true;
            }
        }
        for (auto& p : procs) p.wait();
        std::vector<double> per_process;
        for (unsigned i = 0; i < opt.processes; ++i) {
            if (i == 0 && killed) {
                journal_rows = static_cast<double>(count_rows(dirs[i] / "jobs.journal.csv"));
                auto& u = procs[i].usage();
                cpu_s += static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
                continue;
            }
            auto row = read_summary_row(dirs[i] / "summary.csv");
            if (row.empty()) {
                out.status = "error: feedworker process " + std::to_string(i + 1) +
                             " wrote no summary.csv (exit status " +
                             std::to_string(procs[i].exit_status().value_or(-1)) + ")";
                continue;
            }
            recorded += number(row, "jobs");
            cpu_s += number(row, "cpu_s");
            gets += static_cast<std::uint64_t>(number(row, "intake_gets"));
            empty_gets += static_cast<std::uint64_t>(number(row, "intake_empty_gets"));
            deliveries += static_cast<std::uint64_t>(number(row, "intake_deliveries"));
            redeliveries += static_cast<std::uint64_t>(number(row, "intake_redeliveries"));
            add_errors(row["errors"], out.errors);
            per_process.push_back(number(row, "jobs_per_s"));
            m["ok"] += number(row, "ok");
            m["failed"] += number(row, "failed");
        }
        double wall = std::chrono::duration<double>(clock_type::now() - start).count();
        m["wall_s"] = wall;
        m["jobs_done"] = recorded;
        m["cpu_s"] = cpu_s;
        m["jobs_per_s"] = wall > 0 ? recorded / wall : nan;
        m["cpu_util"] = wall > 0 ? cpu_s / wall : nan;
        if (!per_process.empty()) {
            m["process_jobs_per_s_min"] = *std::min_element(per_process.begin(), per_process.end());
            m["process_jobs_per_s_max"] = *std::max_element(per_process.begin(), per_process.end());
        }
        if (opt.incident == "worker-kill" && !killed && out.status.empty())
            out.status = "error: the first worker ended before it could be killed";
    }
    signal_restart();
    if (restarter.joinable()) restarter.join();
    if (producer.joinable()) producer.join();
    if (!producer_error.empty()) throw std::runtime_error("publishing failed: " + producer_error);
    if (restart_failed) throw std::runtime_error("the broker did not come back after the restart");

    const double jobs = static_cast<double>(opt.jobs);
    const double left = static_cast<double>(publish::queue_depth(target));
    publish::purge_queue(target);
    m["published"] = jobs;
    m["left_on_queue"] = left;
    m["intake_gets"] = static_cast<double>(gets);
    m["intake_empty_gets"] = static_cast<double>(empty_gets);
    m["intake_deliveries"] = static_cast<double>(deliveries);
    m["intake_redeliveries"] = static_cast<double>(redeliveries);
    m["intake_gets_per_job"] = deliveries > 0 ? static_cast<double>(gets) / static_cast<double>(deliveries) : nan;
    m["worker_cpu_us_per_job"] = recorded > 0 ? 1e6 * cpu_s / recorded : nan;
    double broker_cpu = broker.cpu_s() - broker_cpu0;
    m["broker_cpu_us_per_job"] = recorded > 0 && opt.incident == "none" ? 1e6 * broker_cpu / recorded : nan;
    if (!std::isnan(journal_rows)) {
        // Every job the killed worker acked was taken off the queue and recorded by no survivor: the journal must
        // hold a row for each (it may hold a few more: rows written before an ack the kill prevented).
        acked_by_killed = std::max(0.0, jobs - left - recorded);
        m["journal_rows"] = journal_rows;
        m["acked_by_killed"] = acked_by_killed;
        m["acked_without_row"] = std::max(0.0, acked_by_killed - journal_rows);
        m["jobs_lost"] = m["acked_without_row"];
    } else {
        m["jobs_lost"] = jobs - left - recorded;
    }
    return out;
}

}  // namespace feedbench::scenarios
