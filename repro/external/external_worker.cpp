#include "repro/external/external_worker.hpp"

#include "repro/core/csv.hpp"
#include "repro/sched/pool.hpp"

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <algorithm>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace feedbench::external {

namespace {

std::uint64_t to_u64(const std::string& s, const char* column, std::size_t line) {
    try {
        std::size_t used = 0;
        auto v = std::stod(s, &used);  // "1", "33228", also "1.0" from a float-writing worker
        if (v < 0) throw std::invalid_argument("negative");
        return static_cast<std::uint64_t>(v + 0.5);
    } catch (const std::exception&) {
        throw std::runtime_error("jobs.csv line " + std::to_string(line) + ": column " + column + " is not a count: '" +
                                 s + "'");
    }
}

// The last non-empty line of a text file ("" when there is none).
std::string last_line(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    if (!last.empty() && last.back() == '\r') last.pop_back();
    return last;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> worker_environment(const external_config& cfg) {
    auto base = cfg.server_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::vector<std::pair<std::string, std::string>> env{
        {"FEEDBENCH_SERVER", base},
        {"FEEDBENCH_MANIFEST", cfg.manifest_url.empty() ? base + "/manifest" : cfg.manifest_url},
        {"FEEDBENCH_READ_SIZE", cfg.read_size},
        {"FEEDBENCH_POOL", std::to_string(cfg.pool)},
        {"FEEDBENCH_JOBS", std::to_string(cfg.jobs)},
        {"FEEDBENCH_OUT", cfg.out_dir.string()}};
    if (!cfg.formats.empty()) env.emplace_back("FEEDBENCH_FORMATS", cfg.formats);
    return env;
}

void read_jobs_csv(const std::filesystem::path& path, external_result& r) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("the worker wrote no " + path.string());
    core::csv_reader reader(in);
    std::vector<std::string> header, f;
    if (!reader.next(header)) throw std::runtime_error(path.string() + " is empty");
    auto col = [&](const char* name) {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return i;
        throw std::runtime_error(path.string() + ": no column '" + name +
                                 "' (needs job, feed, ok, error, bytes, items)");
    };
    const auto c_job = col("job"), c_feed = col("feed"), c_ok = col("ok"), c_error = col("error"),
               c_bytes = col("bytes"), c_items = col("items");
    (void)c_job;
    (void)c_feed;
    auto optional_col = [&](const char* name) {
        auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? header.size() : static_cast<std::size_t>(it - header.begin());
    };
    const auto c_start = optional_col("start_s"), c_wall = optional_col("wall_ms");
    double first_start = 0, last_end = 0;
    bool timed = c_start < header.size() && c_wall < header.size();
    while (reader.next(f)) {
        const std::size_t line_no = reader.line();
        if (f.size() < header.size())
            throw std::runtime_error(path.string() + " line " + std::to_string(line_no) + ": too few columns");
        ++r.jobs;
        if (to_u64(f[c_ok], "ok", line_no) != 0) {
            ++r.ok;
        } else {
            ++r.failed;
            const auto cls = core::parse_error_class(f[c_error]);
            if (!cls)
                throw std::runtime_error(path.string() + " line " + std::to_string(line_no) + ": '" + f[c_error] +
                                         "' is not an error class");
            ++r.errors[*cls];
        }
        r.bytes += to_u64(f[c_bytes], "bytes", line_no);
        r.items += to_u64(f[c_items], "items", line_no);
        if (c_wall < header.size()) r.job_wall_ms.push_back(std::atof(f[c_wall].c_str()));
        if (timed) {
            double start = std::atof(f[c_start].c_str()), end = start + std::atof(f[c_wall].c_str()) / 1000;
            first_start = r.jobs == 1 ? start : std::min(first_start, start);
            last_end = std::max(last_end, end);
        }
    }
    if (timed && r.jobs > 0) r.jobs_span_s = std::max(0.0, last_end - first_start);
}

external_result run_external(const external_config& cfg) {
    if (cfg.command.empty()) throw std::runtime_error("external worker: no command");
    std::filesystem::create_directories(cfg.out_dir);
    std::filesystem::remove(cfg.out_dir / "jobs.csv");

    std::vector<std::string> env_strings;
    auto ours = worker_environment(cfg);
    for (char** e = environ; *e; ++e) {
        std::string_view kv(*e);
        bool replaced = false;
        for (auto& [k, v] : ours)
            if (kv.starts_with(k + "=")) replaced = true;
        if (!replaced) env_strings.emplace_back(kv);
    }
    for (auto& [k, v] : ours) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = cfg.command;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    auto out_path = (cfg.out_dir / "worker.stdout").string(), err_path = (cfg.out_dir / "worker.stderr").string();
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    external_result r;
    pid_t pid = -1;
    auto t0 = std::chrono::steady_clock::now();
    int rc = 0;
    auto spawn = [&] { rc = ::posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()); };
    if (cfg.cpu >= 0) {
        // The child inherits the spawning thread's CPU mask: spawn from a thread pinned to that core.
        std::thread([&] {
            sched::pin_this_thread(cfg.cpu);
            spawn();
        }).join();
    } else {
        spawn();
    }
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start " + cfg.command.front() + ": " + std::strerror(rc));

    rusage ru{};
    int ws = 0;
    auto deadline = cfg.timeout_s > 0 ? t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                 std::chrono::duration<double>(cfg.timeout_s))
                                      : std::chrono::steady_clock::time_point::max();
    for (int sig = SIGTERM;;) {
        pid_t w = ::wait4(pid, &ws, cfg.timeout_s > 0 ? WNOHANG : 0, &ru);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) throw std::runtime_error(std::string("wait4: ") + std::strerror(errno));
        if (w == 0) {
            if (std::chrono::steady_clock::now() >= deadline) {
                r.timed_out = true;
                ::kill(pid, sig);
                sig = SIGKILL;
                deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.exit_status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
    r.user_s = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
    r.system_s = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
    r.voluntary_switches = static_cast<std::uint64_t>(ru.ru_nvcsw);
    r.involuntary_switches = static_cast<std::uint64_t>(ru.ru_nivcsw);
    if (!std::filesystem::exists(cfg.out_dir / "jobs.csv") && r.exit_status != 0) {
        auto why = last_line(err_path);
        throw std::runtime_error("the worker exited with status " + std::to_string(r.exit_status) +
                                 " and wrote no jobs.csv" + (why.empty() ? std::string() : ": " + why));
    }
    read_jobs_csv(cfg.out_dir / "jobs.csv", r);
    r.jobs_per_s = r.wall_s > 0 ? static_cast<double>(r.jobs) / r.wall_s : 0;
    return r;
}

}  // namespace feedbench::external
