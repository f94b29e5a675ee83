// Response assembly: prebuilt heads, canned error responses, every mode's and fault's wire bytes, /stats.
#include "feedserver/response.hpp"
#include "feedserver/hostile.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

namespace feedbench::feedserver {

std::string make_head(int status, std::string_view reason, std::string_view content_type, std::size_t length,
                      bool close, std::string_view extra) {
    return fmt::format("HTTP/1.1 {} {}\r\nServer: feedserver\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}{}\r\n",
                       status, reason, content_type, length, extra, close ? "Connection: close\r\n" : "");
}

resource make_resource(std::string content_type, std::string_view body) {
    resource r;
    r.content_type = std::move(content_type);
    r.body = body;
    r.head_keep_alive = make_head(200, "OK", r.content_type, r.body.size(), false);
    r.head_close = make_head(200, "OK", r.content_type, r.body.size(), true);
    return r;
}

canned make_canned(int status, std::string_view reason, std::string_view extra) {
    std::string body = fmt::format("{} {}\n", status, reason);
    return {make_head(status, reason, "text/plain; charset=utf-8", body.size(), false, extra) + body,
            make_head(status, reason, "text/plain; charset=utf-8", body.size(), true, extra) + body};
}

std::string_view head_of(std::string_view wire) {
    auto end = wire.find("\r\n\r\n");
    return end == std::string_view::npos ? wire : wire.substr(0, end + 4);
}

std::string_view html_page() {
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not a feed</title></head>\n"
           "<body><h1>Welcome</h1><p>This page is HTML, not a feed.</p></body></html>\n";
}

void append_chunked(std::string_view body, std::size_t chunk, std::string& out) {
    for (std::size_t pos = 0; pos < body.size(); pos += chunk) {
        auto part = body.substr(pos, chunk);
        fmt::format_to(std::back_inserter(out), "{:x}\r\n", part.size());
        out.append(part);
        out += "\r\n";
    }
    out += "0\r\n\r\n";
}

namespace {

std::string chunked_head(std::string_view content_type, bool close) {
    return fmt::format(
        "HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\nTransfer-Encoding: chunked\r\n{}\r\n",
        content_type, close ? "Connection: close\r\n" : "");
}

// Head and body as the pieces of `r`: two pieces when split (or no body), else one piece in scratch.head
// so that write segments span the head/body boundary as a single byte stream would.
void set_pieces(assembled_response& r, std::string_view head, std::string_view body, bool split,
                response_scratch& scratch) {
    if (split || body.empty()) {
        r.pieces = {head, body};
        r.piece_count = body.empty() ? 1 : 2;
        return;
    }
    if (head.data() != scratch.head.data()) scratch.head.assign(head);
    scratch.head.append(body);
    r.pieces = {std::string_view(scratch.head), std::string_view{}};
    r.piece_count = 1;
}

// `unit` again and again into `out`, up to about 64 KiB: the block a hostile stream repeats.
void repeat_to_block(std::string_view unit, std::string& out) {
    out.clear();
    while (out.size() + unit.size() <= 64 * 1024) out.append(unit);
}

}  // namespace

assembled_response assemble_response(const resource& res, const response_mode& mode, bool keep_alive, bool head_only,
                                     const canned_responses& canned, response_scratch& scratch,
                                     const request_info& request) {
    assembled_response r;
    r.then = keep_alive ? after_write::keep_alive : after_write::close;
    r.fault = mode.fault != fault_mode::none;
    const auto& head = keep_alive ? res.head_keep_alive : res.head_close;
    std::string_view body = head_only ? std::string_view{} : res.body;
    auto& sh = scratch.head;
    auto& sb = scratch.body;
    sh.clear();
    sb.clear();
    auto pieces = [&](std::string_view h, std::string_view b) {
        set_pieces(r, h, b, mode.split, scratch);
        return r;
    };
    auto closing = [&](std::string_view h, std::string_view b) {
        r.then = after_write::close;
        return pieces(h, b);
    };
    // A hostile document served as a whole response (Content-Length, keep-alive as asked).
    auto document = [&](std::string_view content_type, std::string_view doc, std::string_view extra = {}) {
        sh = make_head(200, "OK", content_type, doc.size(), !keep_alive, extra);
        return pieces(sh, head_only ? std::string_view{} : doc);
    };
    // A head, then `unit` again and again up to hostile_stream_bytes in all, then close.
    auto endless_stream = [&](std::string_view unit) {
        repeat_to_block(unit, scratch.endless);
        r.endless_body = scratch.endless;
        r.endless_limit = hostile_stream_bytes;
        r.then = after_write::endless;
        return pieces(sh, {});
    };
    // A chunked head, then a chunk-size line `size_line` and the first 100 bytes of the body, then close.
    auto bogus_chunk = [&](std::string_view size_line) {
        sh = chunked_head(res.content_type, true);
        sb.assign(size_line);
        sb.append(body.substr(0, 100));
        return closing(sh, sb);
    };
    constexpr std::string_view rss_type = "application/rss+xml; charset=utf-8";
    switch (mode.fault) {
        case fault_mode::none:
            if (mode.chunk > 0) {
                sh = chunked_head(res.content_type, !keep_alive);
                if (!head_only) append_chunked(body, mode.chunk, sb);
                return pieces(sh, sb);
            }
            return pieces(head, body);
        case fault_mode::close_mid_body:
            return closing(res.head_close, body.substr(0, body.size() / 2));
        case fault_mode::length_long:
            sh = make_head(200, "OK", res.content_type, res.body.size() + 100, true);
            return closing(sh, body);
        case fault_mode::length_short:
            sh = make_head(200, "OK", res.content_type, res.body.size() / 2, true);
            return closing(sh, body);
        case fault_mode::bad_chunk:
            sh = chunked_head(res.content_type, true);
            if (!head_only) {
                auto first = body.substr(0, std::min<std::size_t>(body.size(), 64));
                sb = fmt::format("{:x}\r\n", first.size());
                sb.append(first);
                sb += "\r\nzz-not-hex\r\n";
                sb.append(body.substr(first.size(), 64));
            }
            return closing(sh, sb);
        case fault_mode::stall:
            r.then = after_write::stall;
            return pieces(res.head_close, {});
        case fault_mode::html:
            sh = make_head(200, "OK", "text/html; charset=utf-8", html_page().size(), !keep_alive);
            return pieces(sh, head_only ? std::string_view{} : html_page());
        case fault_mode::bogus_charset:
            sh = make_head(200, "OK", "application/xml; charset=x-bogus-42", res.body.size(), !keep_alive);
            return pieces(sh, body);
        case fault_mode::status_500:
            return pieces(keep_alive ? canned.internal_error.keep_alive : canned.internal_error.close, {});
        case fault_mode::length_tib:
            sh = make_head(200, "OK", res.content_type, std::size_t{1099511627775ull}, true);
            return closing(sh, body);
        case fault_mode::length_2g:
            sh = make_head(200, "OK", res.content_type, std::size_t{2147483648ull}, true);
            return closing(sh, body.substr(0, 100));
        case fault_mode::endless:
            r.endless_body = body;
            r.endless_limit = endless_fault_bytes;
            r.then = body.empty() ? after_write::close : after_write::endless;
            sh = fmt::format("HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\nConnection: close\r\n\r\n",
                             res.content_type);
            return pieces(sh, body);
        case fault_mode::entities: {
            const auto doc = entity_amplification_document();
            sh = make_head(200, "OK", "application/rss+xml; charset=utf-8", doc.size(), !keep_alive);
            return pieces(sh, head_only ? std::string_view{} : doc);
        }
        case fault_mode::length_conflict:
            sh = fmt::format(
                "HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                res.content_type, res.body.size(), res.body.size() + 100);
            return closing(sh, body);
        case fault_mode::length_overflow:
            sh = fmt::format(
                "HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\n"
                "Content-Length: 99999999999999999999999\r\nConnection: close\r\n\r\n",
                res.content_type);
            return closing(sh, body);
        case fault_mode::billion_laughs:
            return document(rss_type, billion_laughs_document());
        case fault_mode::xxe_file:
            return document(rss_type, xxe_file_document());
        case fault_mode::xxe_parameter:
            return document(rss_type, xxe_parameter_document());
        case fault_mode::xxe_dtd:
            return document(rss_type, xxe_dtd_document());
        case fault_mode::xxe_network:
            sb = xxe_network_document(request.origin);
            return document(rss_type, sb);
        case fault_mode::xinclude:
            return document(rss_type, xinclude_document());
        case fault_mode::deep_xml:
            return document(rss_type, deep_xml_document());
        case fault_mode::deep_json:
            return document("application/feed+json", deep_json_document());
        case fault_mode::invalid_utf8:
            return document(rss_type, invalid_utf8_document());
        case fault_mode::injected_charset:
            // A quote glibc's iconv_open strips (it would read utf-32), and a CRLF that ends the field early.
            return document("application/rss+xml; charset=utf-32\"", body, "X-Injected: charset=utf-16\r\n");
        case fault_mode::gzip_bomb:
            return document(res.content_type, gzip_bomb_body(), "Content-Encoding: gzip\r\n");
        case fault_mode::redirect_loop:
            sh =
                fmt::format("HTTP/1.1 302 Found\r\nServer: feedserver\r\nLocation: {}{}\r\nContent-Length: 0\r\n{}\r\n",
                            request.origin, request.target, keep_alive ? "" : "Connection: close\r\n");
            return pieces(sh, {});
        case fault_mode::endless_continue:
            sh = "HTTP/1.1 100 Continue\r\n\r\n";
            return endless_stream("HTTP/1.1 100 Continue\r\n\r\n");
        case fault_mode::rst_mid_body:
            r.then = after_write::reset;
            return pieces(res.head_close, body.substr(0, body.size() / 2));
        case fault_mode::http09:
            return closing(body, {});
        case fault_mode::garbage_status:
            sh = res.head_close;
            sh.replace(0, sh.find("\r\n"), "HTTP/1.1 2xx Garbage");
            return closing(sh, body);
        case fault_mode::endless_headers:
            sh = fmt::format("HTTP/1.1 200 OK\r\nServer: feedserver\r\nContent-Type: {}\r\n", res.content_type);
            return endless_stream(
                "X-Endless: "
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                "aa\r\n");
        case fault_mode::chunk_overflow:
            return bogus_chunk("10000000000000000\r\n");
        case fault_mode::chunk_negative:
            return bogus_chunk("-1\r\n");
        case fault_mode::chunk_huge:
            return bogus_chunk("7fffffffffffffff\r\n");
    }
    return r;
}

std::string stats_json(const server_stats& s) {
    nlohmann::ordered_json j;
    j["connections"] = s.connections;
    j["open_connections"] = s.open_connections;
    j["requests"] = s.requests;
    j["bytes"] = s.bytes;
    j["bad_request"] = s.bad_request;
    j["header_too_large"] = s.header_too_large;
    j["method_not_allowed"] = s.method_not_allowed;
    j["not_found"] = s.not_found;
    j["bad_query"] = s.bad_query;
    j["timeouts"] = s.timeouts;
    j["rejected_connections"] = s.rejected_connections;
    j["faults"] = s.faults;
    return j.dump() + "\n";
}

}  // namespace feedbench::feedserver
