// Bounded query-string overrides of the response modes (chunk, segment, rate, delay, nodelay, split, fault).
#include "feedserver/response_mode.hpp"

#include <array>
#include <charconv>
#include <string>
#include <utility>

namespace feedbench::feedserver {

namespace {

constexpr std::array<std::pair<fault_mode, std::string_view>, 35> fault_names{{
    {fault_mode::none, "none"},
    {fault_mode::close_mid_body, "close-mid-body"},
    {fault_mode::length_long, "length-long"},
    {fault_mode::length_short, "length-short"},
    {fault_mode::bad_chunk, "bad-chunk"},
    {fault_mode::stall, "stall"},
    {fault_mode::html, "html"},
    {fault_mode::bogus_charset, "bogus-charset"},
    {fault_mode::status_500, "status-500"},
    {fault_mode::length_tib, "length-tib"},
    {fault_mode::length_2g, "length-2g"},
    {fault_mode::endless, "endless"},
    {fault_mode::entities, "entities"},
    {fault_mode::length_conflict, "length-conflict"},
    {fault_mode::length_overflow, "length-overflow"},
    {fault_mode::billion_laughs, "billion-laughs"},
    {fault_mode::xxe_file, "xxe-file"},
    {fault_mode::xxe_parameter, "xxe-parameter"},
    {fault_mode::xxe_dtd, "xxe-dtd"},
    {fault_mode::xxe_network, "xxe-network"},
    {fault_mode::xinclude, "xinclude"},
    {fault_mode::deep_xml, "deep-xml"},
    {fault_mode::deep_json, "deep-json"},
    {fault_mode::invalid_utf8, "invalid-utf8"},
    {fault_mode::injected_charset, "injected-charset"},
    {fault_mode::gzip_bomb, "gzip-bomb"},
    {fault_mode::redirect_loop, "redirect-loop"},
    {fault_mode::endless_continue, "endless-continue"},
    {fault_mode::rst_mid_body, "rst-mid-body"},
    {fault_mode::http09, "http09"},
    {fault_mode::garbage_status, "garbage-status"},
    {fault_mode::endless_headers, "endless-headers"},
    {fault_mode::chunk_overflow, "chunk-overflow"},
    {fault_mode::chunk_negative, "chunk-negative"},
    {fault_mode::chunk_huge, "chunk-huge"},
}};

bool parse_number(std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

bool is_mode_key(std::string_view key) {
    for (std::string_view k : {"chunk", "segment", "rate", "delay", "nodelay", "split", "fault"})
        if (k == key) return true;
    return false;
}

}  // namespace

std::string_view entity_amplification_document() {
    static const std::string doc = [] {
        std::string d = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE rss [\n<!ENTITY e \"";
        d.append(10 * 1024, 'A');
        d += "\">\n]>\n<rss version=\"2.0\"><channel><title>entities</title><link>http://example.com/</link>\n";
        for (int item = 0; item < 10; ++item) {
            d += "<item><title>";
            for (int ref = 0; ref < 2000; ++ref) d += "&e;";
            d += "</title><link>http://example.com/" + std::to_string(item) + "</link></item>\n";
        }
        d += "</channel></rss>\n";
        return d;
    }();
    return doc;
}

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

std::optional<std::string> apply_mode_value(std::string_view key, std::string_view value, response_mode& mode) {
    auto bad = [&](std::string_view expected) {
        return "'" + std::string(value) + "' is not " + std::string(expected);
    };
    std::uint64_t n = 0;
    if (key == "chunk") {
        if (!parse_number(value, n) || n > max_chunk) return bad("a chunk size (0 = Content-Length, else 1..1048576)");
        mode.chunk = n;
    } else if (key == "segment") {
        if (!parse_number(value, n) || n > max_segment) return bad("a segment size (0 = one write, else 1..1048576)");
        mode.segment = n;
    } else if (key == "rate") {
        if (!parse_number(value, n) || (n != 0 && (n < min_rate || n > max_rate)))
            return bad("a rate (0 = unpaced, else 100..10000000000 bytes/s)");
        mode.rate = n;
    } else if (key == "delay") {
        auto dash = value.find('-');
        std::uint64_t lo = 0, hi = 0;
        bool ok = false;
        if (dash == std::string_view::npos) {
            ok = parse_number(value, lo);
            hi = lo;
        } else {
            ok = parse_number(value.substr(0, dash), lo) && parse_number(value.substr(dash + 1), hi);
        }
        if (!ok || lo > hi || hi > max_delay_ms) return bad("a delay (MS or MIN-MAX, at most 60000)");
        mode.delay_min_ms = static_cast<unsigned>(lo);
        mode.delay_max_ms = static_cast<unsigned>(hi);
    } else if (key == "nodelay" || key == "split") {
        if (value != "0" && value != "1") return bad("0 or 1");
        (key == "nodelay" ? mode.nodelay : mode.split) = value == "1";
    } else if (key == "fault") {
        auto f = parse_fault_mode(value);
        if (!f) return bad("a fault mode (see the query keys)");
        mode.fault = *f;
    } else {
        return "unknown key " + std::string(key);
    }
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
        if (!is_mode_key(key)) return "unknown query key: " + std::string(key);
        if (auto error = apply_mode_value(key, value, mode))
            return "bad query value " + std::string(key) + "=" + std::string(value) + ": " + *error;
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
           "     status-500      500 Internal Server Error\n"
           "     length-tib      Content-Length 1099511627775 (1 TiB), the body, then close\n"
           "     length-2g       Content-Length 2147483648 (2 GiB), 100 bytes of the body, then close\n"
           "     endless         no Content-Length: the body again and again until the client closes (at most 1 GiB)\n"
           "     entities        an RSS document naming a 10 kB internal entity 20000 times (200 MB expanded)\n"
           "     length-conflict two Content-Length fields that disagree, the body, then close\n"
           "     length-overflow Content-Length 99999999999999999999999 (past 64 bits), the body, then close\n"
           "     billion-laughs  10 nested entities of 10 references each under one item title (10^9 expanded)\n"
           "     xxe-file        a title naming external entities file:///etc/passwd and feedbench-xxe-marker.txt\n"
           "     xxe-parameter   an external parameter entity (feedbench-xxe-marker.dtd) declaring the title's entity\n"
           "     xxe-dtd         an external DTD (feedbench-xxe-marker.dtd) declaring the title's entity\n"
           "     xxe-network     an external DTD and entity at this server's /xxe-probe (404s if ever fetched)\n"
           "     xinclude        an xi:include (parse=text) of feedbench-xxe-marker.txt as an item title\n"
           "     deep-xml        an item title nested 100000 elements deep\n"
           "     deep-json       a JSON Feed item title nested 100000 arrays deep\n"
           "     invalid-utf8    an RSS document declared UTF-8 with invalid UTF-8 bytes in a title\n"
           "     injected-charset the feed with Content-Type charset=utf-32\" and an injected header line\n"
           "     gzip-bomb       Content-Encoding: gzip, about 1 MiB that inflates to 1 GiB of zeros\n"
           "     redirect-loop   302 Found to the request's own URL\n"
           "     endless-continue 100 Continue interim responses again and again (at most 16 MiB), then close\n"
           "     rst-mid-body    headers + half the body, then a reset (SO_LINGER 0 close)\n"
           "     http09          the body with no status line or headers (HTTP/0.9), then close\n"
           "     garbage-status  status line \"HTTP/1.1 2xx Garbage\", headers and the body, then close\n"
           "     endless-headers header lines again and again (at most 16 MiB), then close\n"
           "     chunk-overflow  chunked, a chunk-size past 64 bits, then close\n"
           "     chunk-negative  chunked, a chunk-size of -1, then close\n"
           "     chunk-huge      chunked, a chunk-size of 0x7fffffffffffffff, 100 bytes, then close\n";
}

}  // namespace feedbench::feedserver
