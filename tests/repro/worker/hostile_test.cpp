// Hostile servers, end to end: feedworker runs as a child process against the feed server's hostile
// faults, in both clients and both consume modes, at the default limits. Each case ends every job with
// its error class, every job is accounted for, jobs.csv is written, and the child's peak RSS (wait4's
// ru_maxrss) stays under peak_rss_bound: no buffer is sized from what a header claims.
#include "feedserver/server.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace feedbench;

// One job at a time (pool 1) at the default --max-body (64 MiB): the body (64 MiB at most) plus the
// receive buffer and the program itself fit well under this. Under ASan, freed memory stays in its
// quarantine (256 MiB by default) and counts in RSS: the bound grows by that much.
#if defined(__SANITIZE_ADDRESS__)
constexpr long sanitizer_quarantine_kib = 256 * 1024;
#else
constexpr long sanitizer_quarantine_kib = 0;
#endif
constexpr long peak_rss_bound_kib = 256 * 1024 + sanitizer_quarantine_kib;

struct child_run {
    int exit_code = -1;
    long max_rss_kib = 0;
    std::map<std::string, std::size_t> classes;  // error class ("" = ok) -> jobs
    std::size_t rows = 0;
};

std::vector<std::string> split_csv_prefix(const std::string& line, std::size_t fields) {
    std::vector<std::string> out;
    std::stringstream in(line);
    std::string f;
    while (out.size() < fields && std::getline(in, f, ',')) out.push_back(f);
    return out;
}

// Runs feedworker with args, waits for it, reads its jobs.csv.
child_run run_feedworker(const std::vector<std::string>& args, const std::filesystem::path& out_dir) {
    std::filesystem::remove_all(out_dir);
    std::vector<std::string> argv_s{FEEDWORKER_PROGRAM};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    argv_s.insert(argv_s.end(), {"--out", out_dir.string(), "--quiet"});
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    child_run r;
    std::fflush(stdout);  // the child must not inherit (and flush again) what this process has buffered
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (std::freopen("/dev/null", "w", stdout) == nullptr) _exit(126);
        ::execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    if (pid < 0 || ::wait4(pid, &status, 0, &ru) != pid) return r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.max_rss_kib = ru.ru_maxrss;
    std::ifstream csv(out_dir / "jobs.csv");
    std::string line;
    if (!std::getline(csv, line)) return r;
    const auto header = split_csv_prefix(line, 100);
    std::size_t error_at = 0;
    while (error_at < header.size() && header[error_at] != "error") ++error_at;
    while (std::getline(csv, line)) {
        const auto fields = split_csv_prefix(line, error_at + 1);
        ++r.rows;
        ++r.classes[fields.size() > error_at ? fields[error_at] : "?"];
    }
    return r;
}

struct hostile_case {
    const char* fault;
    const char* error_class;
    std::vector<std::string> extra;  // more feedworker arguments
};

TEST(Hostile, EveryCaseIsItsClassUnderTheMemoryBoundInBothClientsAndModes) {
    feedserver::server_thread server(data::generate_synthetic({.feeds = 2}));
    const hostile_case cases[] = {
        {"length-tib", "too-large", {}},                   // Content-Length 1 TiB
        {"length-2g", "too-large", {}},                    // Content-Length 2 GiB, 100 bytes sent
        {"length-2g", "truncated", {"--max-body", "4g"}},  // admitted by the limit: only what arrives is kept
        {"endless", "too-large", {}},                      // no length, never ends
        {"entities", "amplification", {}},                 // 70 kB naming a 10 kB entity 20000 times
        {"length-conflict", "read", {}},                   // two disagreeing Content-Length fields
        {"length-overflow", "read", {}},                   // Content-Length past 64 bits
    };
    const auto out_dir = std::filesystem::path(FEEDBENCH_TEST_BINARY_DIR) / "hostile_test_out";
    constexpr std::size_t jobs = 3;
    for (const auto& c : cases) {
        for (const char* client : {"beast", "curl"}) {
            for (const char* consume : {"eager", "lazy"}) {
                std::vector<std::string> args{"--server",  server.base_url(),
                                              "--formats", "rss",
                                              "--pool",    "1",
                                              "--jobs",    std::to_string(jobs),
                                              "--client",  client,
                                              "--consume", consume,
                                              "--query",   std::string("fault=") + c.fault};
                args.insert(args.end(), c.extra.begin(), c.extra.end());
                const auto r = run_feedworker(args, out_dir);
                SCOPED_TRACE(std::string(c.fault) + (c.extra.empty() ? "" : " " + c.extra[0] + " " + c.extra[1]) +
                             ", " + client + ", " + consume);
                EXPECT_EQ(r.exit_code, 1);  // 1: every job failed (each with its class: ok + failed == jobs)
                EXPECT_EQ(r.rows, jobs);
                EXPECT_EQ(r.classes.size(), 1u);
                EXPECT_EQ(r.classes.count(c.error_class), 1u);
                EXPECT_LT(r.max_rss_kib, peak_rss_bound_kib);
                std::printf("hostile %-16s %-16s %-5s %-5s -> %-13s peak RSS %6.1f MiB\n", c.fault,
                            c.extra.empty() ? "" : ("--max-body " + c.extra[1]).c_str(), client, consume,
                            r.classes.empty() ? "?" : r.classes.begin()->first.c_str(), double(r.max_rss_kib) / 1024.0);
            }
        }
    }
}

}  // namespace
