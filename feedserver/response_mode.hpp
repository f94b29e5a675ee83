// Response modes of the feed server (framing, write segments, pacing, first-byte delay, Nagle, faults)
// and the bounded query-string parser that overrides them per request.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace feedbench::feedserver {

enum class fault_mode {
    none,
    close_mid_body,  // headers + half the body, then close
    length_long,     // Content-Length 100 bytes larger than the body sent, then close
    length_short,    // Content-Length half the body, the full body sent, then close
    bad_chunk,       // chunked, with a broken chunk-size line, then close
    stall,           // headers, then nothing until the client gives up (bounded by the idle timeout)
    html,            // a small HTML page as text/html instead of the feed
    bogus_charset,   // the feed with "Content-Type: application/xml; charset=x-bogus-42"
    status_500,      // 500 Internal Server Error
    // Hostile responses (a client must bound what it believes and what it keeps):
    length_tib,       // Content-Length 1099511627775 (1 TiB - 1), the feed body, then close
    length_2g,        // Content-Length 2147483648 (2 GiB), 100 bytes of the body, then close
    endless,          // no Content-Length, not chunked: the feed body again and again until the client
                      // closes (bounded: endless_fault_bytes), then close
    entities,         // a 70 kB RSS document whose titles name a 10 kB internal entity 20000 times (200 MB expanded)
    length_conflict,  // two Content-Length fields that disagree (the body's size and 100 more), the body, then close
    length_overflow,  // Content-Length 99999999999999999999999 (past 64 bits), the body, then close
    // Hostile documents (the parser must not expand, fetch or recurse without a bound):
    billion_laughs,    // 10 nested entities of 10 references each under one title (10^9 "lol"s expanded)
    xxe_file,          // a title naming external entities: file:///etc/passwd and the relative xxe_marker_file
    xxe_parameter,     // an external parameter entity (xxe_marker_dtd) whose declaration the title names
    xxe_dtd,           // an external DTD (xxe_marker_dtd) whose entity the title names
    xxe_network,       // an external DTD and entity on this server (/xxe-probe*): fetched, they would be 404s
    xinclude,          // an <xi:include parse="text"> of xxe_marker_file as an item's title
    deep_xml,          // an RSS item title nested deep_nesting elements deep
    deep_json,         // a JSON Feed whose item title is nested deep_nesting arrays deep
    invalid_utf8,      // an RSS document declared UTF-8 with invalid UTF-8 bytes in a title
    injected_charset,  // the feed with "Content-Type: application/rss+xml; charset=utf-32\"" and an injected line
    gzip_bomb,         // Content-Encoding: gzip, the gzip of gzip_bomb_inflated_bytes zeros (about 1 MiB)
    // Hostile framing (a client must bound what it waits for and what it believes):
    redirect_loop,     // 302 Found to the request's own URL
    endless_continue,  // "100 Continue" interim responses again and again (bounded: hostile_stream_bytes), then close
    rst_mid_body,      // headers + half the body, then a reset (SO_LINGER 0 close)
    http09,            // the body without a status line or headers (an HTTP/0.9 reply), then close
    garbage_status,    // "HTTP/1.1 2xx Garbage" as the status line, headers and the body, then close
    endless_headers,   // a status line, then header lines again and again (bounded: hostile_stream_bytes), then close
    chunk_overflow,    // chunked, a chunk-size of 17 hex digits (past 64 bits), then close
    chunk_negative,    // chunked, a chunk-size of "-1", then close
    chunk_huge,        // chunked, a chunk-size of 0x7fffffffffffffff, 100 bytes of the body, then close
};

// What fault=endless sends at most before it closes (so a client that never stops still ends).
inline constexpr std::size_t endless_fault_bytes = std::size_t{1} << 30;

// What fault=endless-continue and fault=endless-headers send at most before they close.
inline constexpr std::size_t hostile_stream_bytes = std::size_t{16} << 20;

// The fault=entities document (built once).
std::string_view entity_amplification_document();

std::string_view to_string(fault_mode f);
std::optional<fault_mode> parse_fault_mode(std::string_view s);

// Every mode a response can be served with; server defaults come from server_options.
struct response_mode {
    std::size_t chunk = 0;    // 0 = Content-Length, else chunked with chunks of this many bytes
    std::size_t segment = 0;  // 0 = one write, else bytes per write
    std::size_t rate = 0;     // bytes/s, 0 = unpaced
    unsigned delay_min_ms = 0, delay_max_ms = 0;
    bool nodelay = true;
    bool split = false;  // headers and body in two writes
    fault_mode fault = fault_mode::none;

    // The prebuilt fast path: one gather write of prebuilt head + body.
    bool is_plain() const {
        return chunk == 0 && segment == 0 && rate == 0 && delay_max_ms == 0 && !split && fault == fault_mode::none;
    }
};

// Bounds of the query values (out of range -> 400).
inline constexpr std::size_t max_chunk = 1 << 20;
inline constexpr std::size_t max_segment = 1 << 20;
inline constexpr std::size_t min_rate = 100, max_rate = 10'000'000'000ull;
inline constexpr unsigned max_delay_ms = 60'000;

// Applies "chunk=4096&delay=0-1000&nodelay=0" on top of `mode`. Returns an error message
// (naming the key) on an unknown key or an out-of-range value; `mode` is then unspecified.
std::optional<std::string> apply_query(std::string_view query, response_mode& mode);

// Applies one key's value ("chunk", "4096") on top of `mode`, with the bounds of the query above. Returns what
// is wrong with the value ("'-1' is not a chunk size (...)"), leaving the frame to the caller: the query
// parser names the query, a command-line flag names itself.
std::optional<std::string> apply_mode_value(std::string_view key, std::string_view value, response_mode& mode);

// Query help text (one line per key), shared by --help and the docs.
std::string_view query_help();

}  // namespace feedbench::feedserver
