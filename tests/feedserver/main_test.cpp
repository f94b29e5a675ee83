// The feedserver program: first stdout line, --help, --dump, and a graceful SIGTERM that lets a
// response in flight finish and exits 0.
#include "data/corpus.hpp"
#include "tests/feedserver/http_helpers.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

using namespace feedbench;

namespace {

std::string program() {
#ifdef FEEDSERVER_PROGRAM
    return FEEDSERVER_PROGRAM;
#else
    const char* dir = std::getenv("FEEDBENCH_BINARY_DIR");
    return std::string(dir ? dir : ".") + "/feedserver/feedserver";
#endif
}

// A child process with its stdout on a pipe.
struct child {
    pid_t pid = -1;
    FILE* out = nullptr;
    explicit child(std::vector<std::string> args) {
        int fds[2];
        if (::pipe(fds) != 0) return;
        pid = ::fork();
        if (pid == 0) {
            ::dup2(fds[1], 1);
            ::close(fds[0]);
            ::close(fds[1]);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out = ::fdopen(fds[0], "r");
    }
    std::string line() {
        char buf[256];
        if (!out || !std::fgets(buf, sizeof buf, out)) return {};
        return buf;
    }
    int wait_exit() {
        int status = 0;
        ::waitpid(pid, &status, 0);
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    ~child() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        if (out) std::fclose(out);
    }
};

}  // namespace

TEST(Program, ListeningLineThenGracefulSigterm) {
    if (!std::filesystem::exists(program())) GTEST_SKIP() << "feedserver not built at " << program();
    child server({program(), "--port", "0", "--feeds", "3"});
    auto first = server.line();
    ASSERT_TRUE(first.starts_with("listening 127.0.0.1:")) << first;
    auto port = static_cast<unsigned short>(std::stoi(first.substr(20)));
    auto feed = data::generate_synthetic({.feeds = 3}).feeds[0];
    // A slow response is in flight when SIGTERM arrives: it still completes.
    auto in_flight = std::async(std::launch::async, [&] {
        test::curl_client client;
        return client.get("http://127.0.0.1:" + std::to_string(port) + feed.path + "?delay=400");
    });
    // Wait for the event, not for a while: /stats counts requests before it answers, so the i-th
    // /stats answer shows more than i requests once the slow request has been read.
    {
        test::curl_client poller;
        bool in_flight_seen = false;
        for (int i = 1; i <= 2000 && !in_flight_seen; ++i) {
            auto s = nlohmann::json::parse(poller.get("http://127.0.0.1:" + std::to_string(port) + "/stats").body);
            in_flight_seen = s.at("requests").get<std::uint64_t>() > static_cast<std::uint64_t>(i);
        }
        ASSERT_TRUE(in_flight_seen) << "the slow request never reached the server";
    }
    ::kill(server.pid, SIGTERM);
    auto r = in_flight.get();
    EXPECT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body == feed.body);
    EXPECT_EQ(server.wait_exit(), 0);
}

TEST(Program, SigintWithIdleKeepAliveConnectionExitsZero) {
    if (!std::filesystem::exists(program())) GTEST_SKIP() << "feedserver not built at " << program();
    child server({program(), "--port", "0", "--feeds", "1", "--threads", "2"});
    auto first = server.line();
    ASSERT_TRUE(first.starts_with("listening 127.0.0.1:")) << first;
    auto port = static_cast<unsigned short>(std::stoi(first.substr(20)));
    test::raw_connection idle(port);
    idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(test::status_line(idle.read_response(2000)), "HTTP/1.1 200 OK");
    ::kill(server.pid, SIGINT);
    EXPECT_EQ(server.wait_exit(), 0);
}

TEST(Program, HelpAndDump) {
    if (!std::filesystem::exists(program())) GTEST_SKIP() << "feedserver not built at " << program();
    {
        child help({program(), "--help"});
        std::string all, l;
        while (!(l = help.line()).empty()) all += l;
        EXPECT_EQ(help.wait_exit(), 0);
        EXPECT_NE(all.find("Usage"), std::string::npos);
        EXPECT_NE(all.find("Example"), std::string::npos);
        for (const char* fault :
             {"close-mid-body", "length-long",   "length-short",     "bad-chunk",       "stall",
              "html",           "bogus-charset", "status-500",       "length-tib",      "length-2g",
              "endless",        "entities",      "length-conflict",  "length-overflow", "billion-laughs",
              "xxe-file",       "gzip-bomb",     "endless-continue", "rst-mid-body",    "chunk-huge"})
            EXPECT_NE(all.find(fault), std::string::npos) << fault;
    }
    auto dir = std::filesystem::temp_directory_path() / ("feedbench-dump-" + std::to_string(::getpid()));
    child dump({program(), "--feeds", "2", "--dump", dir.string()});
    EXPECT_EQ(dump.wait_exit(), 0);
    auto c = data::generate_synthetic({.feeds = 2});
    for (const auto& f : c.feeds) {
        std::ifstream in(dir / f.path.substr(1), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        EXPECT_TRUE(ss.str() == f.body) << f.path;
    }
    std::ifstream manifest(dir / "manifest");
    std::stringstream ss;
    ss << manifest.rdbuf();
    EXPECT_EQ(ss.str(), data::manifest_tsv(c));
    std::filesystem::remove_all(dir);
}

TEST(Program, BadOptionExitsNonZero) {
    if (!std::filesystem::exists(program())) GTEST_SKIP() << "feedserver not built at " << program();
    child bad({program(), "--delay", "9-3", "--port", "0"});
    EXPECT_NE(bad.wait_exit(), 0);
    child missing({program(), "--corpus", "/nonexistent/folder", "--port", "0"});
    EXPECT_NE(missing.wait_exit(), 0);
}
