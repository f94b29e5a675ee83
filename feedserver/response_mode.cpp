// Bounded query-string overrides of the response modes (chunk, segment, rate, delay, nodelay, split, fault).
#include "feedserver/response_mode.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace feedbench::feedserver {

namespace {

constexpr std::array<std::pair<fault_mode, std::string_view>, 9> fault_names{{
    {fault_mode::none, "none"},
    {fault_mode::close_mid_body, "close-mid-body"},
    {fault_mode::length_long, "length-long"},
    {fault_mode::length_short, "length-short"},
    {fault_mode::bad_chunk, "bad-chunk"},
    {fault_mode::stall, "stall"},
    {fault_mode::html, "html"},
    {fault_mode::bogus_charset, "bogus-charset"},
    {fault_mode::status_500, "status-500"},
}};

bool parse_number(std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

std::string out_of_range(std::string_view key, std::string_view value) {
    return "bad query value " + std::string(key) + "=" + std::string(value);
}

}  // namespace

std::string_view to_string(fault_mode f) {
    for (auto& [mode, name] : fault_names)
        if (mode == f) return name;
    return "none";
}

std::optional<fault_mode> parse_fault_mode(std::string_view s) {
    for (auto& [mode, name] : fault_names)
        if (name == s) return mode;
    return std::nullopt;
}

std::optional<std::string> apply_query(std::string_view query, response_mode& mode) {
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        if (eq == std::string_view::npos) return "query key without value: " + std::string(pair);
        auto key = pair.substr(0, eq), value = pair.substr(eq + 1);
        std::uint64_t n = 0;
        if (key == "chunk") {
            if (!parse_number(value, n) || n > max_chunk) return out_of_range(key, value);
            mode.chunk = n;
        } else if (key == "segment") {
            if (!parse_number(value, n) || n > max_segment) return out_of_range(key, value);
            mode.segment = n;
        } else if (key == "rate") {
            if (!parse_number(value, n) || (n != 0 && (n < min_rate || n > max_rate))) return out_of_range(key, value);
            mode.rate = n;
        } else if (key == "delay") {
            auto dash = value.find('-');
            std::uint64_t lo = 0, hi = 0;
            if (dash == std::string_view::npos) {
                if (!parse_number(value, lo)) return out_of_range(key, value);
                hi = lo;
            } else if (!parse_number(value.substr(0, dash), lo) || !parse_number(value.substr(dash + 1), hi)) {
                return out_of_range(key, value);
            }
            if (lo > hi || hi > max_delay_ms) return out_of_range(key, value);
            mode.delay_min_ms = static_cast<unsigned>(lo);
            mode.delay_max_ms = static_cast<unsigned>(hi);
        } else if (key == "nodelay" || key == "split") {
            if (value != "0" && value != "1") return out_of_range(key, value);
            (key == "nodelay" ? mode.nodelay : mode.split) = value == "1";
        } else if (key == "fault") {
            auto f = parse_fault_mode(value);
            if (!f) return out_of_range(key, value);
            mode.fault = *f;
        } else {
            return "unknown query key: " + std::string(key);
        }
    }
    return std::nullopt;
}

std::string_view query_help() {
    return "Per-request query overrides (unknown key or out-of-range value -> 400):\n"
           "  chunk=BYTES        chunked transfer encoding, chunks of BYTES (0 = Content-Length; max 1048576)\n"
           "  segment=BYTES      write the response in writes of at most BYTES (0 = one write; max 1048576)\n"
           "  rate=BYTES_PER_S   pace the response to this rate (0 = unpaced, else 100..10000000000)\n"
           "  delay=MS|MIN-MAX   first-byte delay, fixed or uniform random per request (max 60000)\n"
           "  nodelay=0|1        TCP_NODELAY on this connection\n"
           "  split=0|1          headers and body in two separate writes (with nodelay=0: Nagle stall)\n"
           "  fault=MODE         misbehave on purpose, MODE one of:\n"
           "     close-mid-body  headers + half the body, then close\n"
           "     length-long     Content-Length 100 bytes larger than the body sent, then close\n"
           "     length-short    Content-Length half the body, the full body sent, then close\n"
           "     bad-chunk       chunked encoding with a broken chunk-size line, then close\n"
           "     stall           headers, then nothing until the client gives up (idle timeout bound)\n"
           "     html            a small HTML page (text/html) instead of the feed\n"
           "     bogus-charset   the feed with Content-Type: application/xml; charset=x-bogus-42\n"
           "     status-500      500 Internal Server Error\n";
}

}  // namespace feedbench::feedserver
