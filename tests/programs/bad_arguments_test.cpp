// Every program against one table of bad arguments: an unknown flag, a missing value, out-of-range numbers and
// unknown words each exit 2 with a first stderr line naming the flag; --help exits 0 and prints one Usage: line
// and one Example:. The programs' paths come from CMake (FEEDBENCH_PROGRAMS: name=path|name=path|...).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::map<std::string, std::string> built_programs() {
    std::map<std::string, std::string> out;
    std::string all = FEEDBENCH_PROGRAMS;
    std::size_t at = 0;
    while (at < all.size()) {
        auto end = all.find('|', at);
        if (end == std::string::npos) end = all.size();
        auto entry = all.substr(at, end - at);
        if (auto eq = entry.find('='); eq != std::string::npos) out[entry.substr(0, eq)] = entry.substr(eq + 1);
        at = end + 1;
    }
    return out;
}

struct run_result {
    int status = -1;
    std::string out, err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs the program with stdout and stderr in files; a program that accepted the arguments and kept running is
// ended by SIGALRM after 120 s (exit status 128 + 14), which fails the test without hanging it.
run_result run(const std::string& program, const std::vector<std::string>& args) {
    auto base = fmt::format("{}/bad_arguments_{}", FEEDBENCH_TEST_BINARY_DIR, ::getpid());
    auto out_path = base + ".out", err_path = base + ".err";
    pid_t pid = ::fork();
    if (pid == 0) {
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = ::open("/dev/null", O_RDONLY);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        ::alarm(120);
        std::vector<std::string> all{program};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    run_result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    std::remove(out_path.c_str());
    std::remove(err_path.c_str());
    return r;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

struct bad_case {
    std::vector<std::string> args;
    std::string names;  // the first stderr line names this (the flag, or the positional argument)
};

// Files and folders that exist, for the positional arguments of the bench tools.
const std::string some_file = std::string(FEEDBENCH_TEST_SOURCE_DIR) + "/README.md";
const std::string some_dir = FEEDBENCH_TEST_SOURCE_DIR;

// Positional arguments a program needs before an unknown flag can be the only thing wrong.
const std::map<std::string, std::vector<std::string>> valid_positionals{
    {"bench_compare", {some_file, some_file}}, {"bench_model", {some_dir}}, {"bench_to_tsv", {some_file}}};

// Each program's own rows (besides the unknown flag and --help, which every program gets). Google Benchmark
// suites take only their library's --benchmark_* flags: they get the shared rows only.
const std::map<std::string, std::vector<bad_case>> table{
    {"feedserver",
     {{{"--port"}, "--port"},
      {{"--port", "99999"}, "--port"},
      {{"--chunk", "-1"}, "--chunk"},
      {{"--chunk", "2000000"}, "--chunk"},
      {{"--rate", "10"}, "--rate"},
      {{"--delay", "20-10"}, "--delay"},
      {{"--nodelay", "2"}, "--nodelay"},
      {{"--threads", "0"}, "--threads"},
      {{"--feeds", "-3"}, "--feeds"}}},
    {"feedworker",
     {{{"--jobs"}, "--jobs"},
      {{"--jobs", "-1"}, "--jobs"},
      {{"--jobs", "many"}, "--jobs"},
      {{"--read-size", "0"}, "--read-size"},
      {{"--read-size", "lots"}, "--read-size"},
      {{"--pool", "threads:0"}, "--pool"},
      {{"--client", "wget"}, "--client"},
      {{"--consume", "sideways"}, "--consume"},
      {{"--yield", "never"}, "--yield"},
      {{"--charset", "latin1"}, "--charset"},
      {{"--amqp", "poll"}, "--amqp"},
      {{"--intake", "kafka://x"}, "--intake"},
      {{"--prefetch", "0"}, "--prefetch"},
      {{"--cpu", "-2"}, "--cpu"},
      {{"--max-body", "lots"}, "--max-body"}}},
    {"feedrepro",
     {{{"--repeat"}, "--repeat"},
      {{"--repeat", "0"}, "--repeat"},
      {{"--repeat", "101"}, "--repeat"},
      {{"--scenarios", "S99"}, "--scenarios"},
      {{"--compare", "/nonexistent/run"}, "--compare"},
      {{"compare", "/nonexistent/a", some_dir}, "A"},
      {{"compare", some_dir, "/nonexistent/b"}, "A"},  // some_dir is not a run folder: A is named first
      {{"compare", some_dir}, "B"},
      {{"compare", some_dir, some_dir, "--threshold", "-1"}, "--threshold"},
      {{"compare", some_dir, some_dir, "--threshold"}, "--threshold"}}},
    {"feeddiag",
     {{{"--pid"}, "--pid"},
      {{"--pid", "-1"}, "--pid"},
      {{"--seconds", "-5"}, "--seconds"},
      {{"--backend", "dtrace"}, "--backend"}}},
    {"feedpublish",
     {{{"--jobs"}, "--jobs"},
      {{"--jobs", "-1"}, "--jobs"},
      {{"--rate", "-5"}, "--rate"},
      {{"--confirm-window", "0"}, "--confirm-window"},
      {{"--amqp", "http://127.0.0.1/queue"}, "--amqp"}}},
    {"bench_compare",
     {{{some_file, some_file, "--threshold"}, "--threshold"},
      {{some_file, some_file, "--threshold", "-1"}, "--threshold"},
      {{some_file, some_file, "--alpha", "2"}, "--alpha"},
      {{"/nonexistent/base.json", some_file}, "baseline"}}},
    {"bench_model",
     {{{some_dir, "--body-bytes"}, "--body-bytes"},
      {{some_dir, "--body-bytes", "0"}, "--body-bytes"},
      {{some_dir, "--read-sizes", "1,0"}, "--read-sizes"},
      {{some_dir, "--pools", "0"}, "--pools"},
      {{some_dir, "--consume", "lazy,sideways"}, "--consume"},
      {{some_dir, "--yield", "sometimes"}, "--yield"},
      {{"/nonexistent/bench"}, "bench_dir"}}},
    {"bench_to_tsv",
     {{{some_file, "--pivot-out"}, "--pivot-out"},
      {{some_file, "--rows", "99"}, "--rows"},
      {{"/nonexistent/run.json"}, "input"}}},
    {"bench_meta", {{{"--out"}, "--out"}, {{"--config", "novalue"}, "--config"}}},
    {"bench_whole_vs_parse",
     {{{"--jobs", "0"}, "--jobs"},
      {{"--pool", "-1"}, "--pool"},
      {{"--cpu", "-2"}, "--cpu"},
      {{"--parse-seconds", "0"}, "--parse-seconds"}}},
    {"bench_parse", {}},
    {"bench_read_path", {}},
    {"bench_sched", {}},
    {"bench_charset", {}},
    {"bench_http", {}},
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(BadArguments, EveryBuiltProgramIsInTheTable) {
    auto programs = built_programs();
    EXPECT_GE(programs.size(), 9u);
    for (auto& [name, path] : programs) EXPECT_TRUE(table.count(name)) << name << " has no rows in the table";
    for (auto& [name, rows] : table) EXPECT_TRUE(programs.count(name)) << name << " is in the table but not built";
}

TEST(BadArguments, UnknownFlagExitsTwoNamingIt) {
    for (auto& [name, path] : built_programs()) {
        std::vector<std::string> args;
        if (auto it = valid_positionals.find(name); it != valid_positionals.end()) args = it->second;
        args.push_back("--no-such-flag");
        auto r = run(path, args);
        EXPECT_EQ(r.status, 2) << name << "\n" << r.err;
        EXPECT_NE(first_line(r.err).find("--no-such-flag"), std::string::npos) << name << ": " << r.err;
    }
}

TEST(BadArguments, HelpExitsZeroWithOneUsageAndOneExample) {
    for (auto& [name, path] : built_programs()) {
        auto r = run(path, {"--help"});
        EXPECT_EQ(r.status, 0) << name << "\n" << r.err;
        EXPECT_EQ(count(r.out, "Usage:"), 1u) << name << ":\n" << r.out;
        EXPECT_EQ(count(r.out, "Example:"), 1u) << name << ":\n" << r.out;
        EXPECT_NE(r.out.find("Usage: " + name), std::string::npos) << name << ":\n" << r.out;
    }
}

TEST(BadArguments, EveryRowExitsTwoWithOneLineNamingTheFlag) {
    auto programs = built_programs();
    std::size_t rows = 0;
    for (auto& [name, cases] : table) {
        auto it = programs.find(name);
        if (it == programs.end()) continue;
        for (auto& c : cases) {
            auto r = run(it->second, c.args);
            auto line = first_line(r.err);
            std::string shown = name;
            for (auto& a : c.args) shown += " " + a;
            EXPECT_EQ(r.status, 2) << shown << "\n" << r.err;
            EXPECT_TRUE(line.starts_with(name + ": ")) << shown << ": " << line;
            EXPECT_NE(line.find(c.names), std::string::npos) << shown << ": " << line;
            EXPECT_EQ(line.find("query"), std::string::npos)
                << shown << ": a flag's error talks about a query: " << line;
            ++rows;
        }
    }
    EXPECT_GE(rows, 50u);
}

}  // namespace
