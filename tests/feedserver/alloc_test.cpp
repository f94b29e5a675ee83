// The hot path allocates nothing per request: operator new calls made by the server thread while it
// serves many keep-alive requests in the default mode stay at a small warm-up constant.
#include "feedserver/server.hpp"
#include "tests/feedserver/http_helpers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::uint64_t> server_side_allocations{0};
thread_local bool is_test_thread = false;
}  // namespace

void* operator new(std::size_t n) {
    if (!is_test_thread) server_side_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

using namespace feedbench;

namespace {
std::uint64_t allocations_for(test::raw_connection& raw, const std::string& request, int count, std::size_t expect) {
    auto before = server_side_allocations.load();
    for (int i = 0; i < count; ++i) {
        raw.send(request);
        auto wire = raw.read_response(2000);
        EXPECT_EQ(wire.size(), expect);
    }
    return server_side_allocations.load() - before;
}
}  // namespace

TEST(HotPath, NoHeapAllocationPerRequest) {
    is_test_thread = true;
    for (bool sendfile : {true, false}) {
        feedserver::server_options opt;
        opt.sendfile = sendfile;
        feedserver::server_thread server(data::generate_synthetic({.feeds = 2}), opt);
        const auto& f = server.corpus().feeds[0];
        test::raw_connection raw(server.port());
        std::string request = "GET " + f.path + " HTTP/1.1\r\nHost: x\r\nUser-Agent: alloc-test\r\n\r\n";
        // Head size: one response read in full tells it.
        raw.send(request);
        auto first = raw.read_response(2000);
        ASSERT_EQ(first.substr(first.find("\r\n\r\n") + 4), f.body);
        auto warm = allocations_for(raw, request, 50, first.size());
        auto steady = allocations_for(raw, request, 500, first.size());
        EXPECT_EQ(steady, 0u) << "sendfile " << sendfile << " (warm-up allocated " << warm << ")";
        // Chunked and other modes build into reused scratch buffers: allowed to allocate, but they must
        // not break the connection for the default mode afterwards.
        raw.send("GET " + f.path + "?chunk=1000 HTTP/1.1\r\nHost: x\r\n\r\n");
        raw.read_until_close(200);
        EXPECT_EQ(allocations_for(raw, request, 100, first.size()), 0u);
    }
}
