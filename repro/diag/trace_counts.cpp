#include "repro/diag/trace_counts.hpp"

#include <bit>
#include <cerrno>

namespace feedbench::diag {

void trace_counts::add_recv(int tid, std::uint64_t fd, std::int64_t ret, std::uint64_t n) {
    if (n == 0) return;
    auto& t = threads[tid];
    auto& f = fds[fd];
    f.calls += n;
    if (ret >= 0) {
        t.sizes[ret] += n;
        f.bytes += static_cast<std::uint64_t>(ret) * n;
    } else if (ret == -EAGAIN) {
        t.eagain += n;
        f.eagain += n;
    } else {
        t.errors += n;
    }
}

void trace_counts::add_wait(int tid, std::uint64_t n, std::uint64_t ns) {
    auto& t = threads[tid];
    t.waits += n;
    t.wait_ns += ns;
}

std::size_t log2_bucket(std::int64_t bytes) {
    if (bytes <= 0) return 0;
    return static_cast<std::size_t>(std::bit_width(static_cast<std::uint64_t>(bytes)));
}

std::int64_t log2_bucket_low(std::size_t bucket) { return bucket == 0 ? 0 : std::int64_t{1} << (bucket - 1); }
std::int64_t log2_bucket_high(std::size_t bucket) { return bucket == 0 ? 0 : (std::int64_t{1} << bucket) - 1; }

namespace {

// Percentile q of the calls in sizes (nearest rank: the smallest size with at least q of the calls at or below it).
std::int64_t percentile(const std::map<std::int64_t, std::uint64_t>& sizes, std::uint64_t total, double q) {
    if (total == 0) return 0;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total));
    if (static_cast<double>(rank) < q * static_cast<double>(total)) ++rank;
    if (rank == 0) rank = 1;
    std::uint64_t seen = 0;
    for (auto& [size, n] : sizes) {
        seen += n;
        if (seen >= rank) return size;
    }
    return sizes.rbegin()->first;
}

recv_summary finish(const std::map<std::int64_t, std::uint64_t>& sizes, recv_summary s) {
    for (auto& [size, n] : sizes) {
        s.data_calls += n;
        s.bytes += static_cast<std::uint64_t>(size) * n;
        auto b = log2_bucket(size);
        if (s.log2_calls.size() <= b) {
            s.log2_calls.resize(b + 1);
            s.log2_bytes.resize(b + 1);
        }
        s.log2_calls[b] += n;
        s.log2_bytes[b] += static_cast<std::uint64_t>(size) * n;
    }
    s.calls = s.data_calls + s.eagain + s.errors;
    s.p50 = percentile(sizes, s.data_calls, 0.50);
    s.p99 = percentile(sizes, s.data_calls, 0.99);
    s.max = sizes.empty() ? 0 : sizes.rbegin()->first;
    return s;
}

}  // namespace

recv_summary summarize(const thread_counts& t) {
    recv_summary s;
    s.eagain = t.eagain;
    s.errors = t.errors;
    s.waits = t.waits;
    s.wait_ns = t.wait_ns;
    return finish(t.sizes, s);
}

recv_summary summarize(const trace_counts& c) {
    std::map<std::int64_t, std::uint64_t> sizes;
    recv_summary s;
    for (auto& [tid, t] : c.threads) {
        for (auto& [size, n] : t.sizes) sizes[size] += n;
        s.eagain += t.eagain;
        s.errors += t.errors;
        s.waits += t.waits;
        s.wait_ns += t.wait_ns;
    }
    return finish(sizes, s);
}

}  // namespace feedbench::diag
