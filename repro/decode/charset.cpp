// Charset resolution and transcoding for `--charset text`.
// Order: Content-Type charset > BOM > XML declaration (or the UTF-16/32 byte pattern of "<?") >
// uchardet > assume UTF-8. Two rules follow feedparser's expectations (shared/corpus/encodings):
// a text/*xml type without charset means us-ascii (RFC 3023) when the body is pure ASCII, and an
// unknown charset name (header or declaration) is recorded in `message` and skipped, not fatal.
#include "repro/decode/charset.hpp"

#include "repro/core/strings.hpp"

#include <uchardet/uchardet.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <iconv.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace feedbench::decode {

namespace {

std::string_view unquote(std::string_view s) {
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
        return s.substr(1, s.size() - 2);
    return s;
}

struct bom_match {
    std::string_view charset;
    std::size_t length;
};

std::optional<bom_match> sniff_bom(std::string_view body) {
    auto const starts = [&](std::initializer_list<unsigned char> bytes) {
        if (body.size() < bytes.size()) return false;
        std::size_t i = 0;
        for (unsigned char b : bytes)
            if (static_cast<unsigned char>(body[i++]) != b) return false;
        return true;
    };
    if (starts({0x00, 0x00, 0xFE, 0xFF})) return bom_match{"utf-32be", 4};
    if (starts({0xFF, 0xFE, 0x00, 0x00})) return bom_match{"utf-32le", 4};
    if (starts({0xEF, 0xBB, 0xBF})) return bom_match{"utf-8", 3};
    if (starts({0xFE, 0xFF})) return bom_match{"utf-16be", 2};
    if (starts({0xFF, 0xFE})) return bom_match{"utf-16le", 2};
    return std::nullopt;
}

// XML 1.0 Appendix F: "<?" (or "<") in a UTF-16/32 byte order without a BOM.
std::string_view sniff_wide_pattern(std::string_view body) {
    if (body.size() < 4) return {};
    auto const b = [&](std::size_t i) { return static_cast<unsigned char>(body[i]); };
    if (b(0) == 0 && b(1) == 0 && b(2) == 0 && b(3) == 0x3C) return "utf-32be";
    if (b(0) == 0x3C && b(1) == 0 && b(2) == 0 && b(3) == 0) return "utf-32le";
    if (b(0) == 0 && b(1) == 0x3C && b(2) == 0 && b(3) == 0x3F) return "utf-16be";
    if (b(0) == 0x3C && b(1) == 0 && b(2) == 0x3F && b(3) == 0) return "utf-16le";
    return {};
}

// encoding="..." of an ASCII-compatible XML declaration at the start of the body; "" if none.
std::string declared_encoding(std::string_view body) {
    if (!body.starts_with("<?xml")) return {};
    auto const end = body.find("?>");
    std::string_view decl =
        body.substr(0, end == std::string_view::npos ? std::min<std::size_t>(body.size(), 256) : end);
    auto const at = decl.find("encoding");
    if (at == std::string_view::npos) return {};
    std::string_view rest = core::trim(decl.substr(at + 8));
    if (rest.empty() || rest.front() != '=') return {};
    rest = core::trim(rest.substr(1));
    if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) return {};
    auto const close = rest.find(rest.front(), 1);
    if (close == std::string_view::npos) return {};
    return core::to_lower(rest.substr(1, close - 1));
}

// The media type (lowercase, no parameters) of a Content-Type value.
std::string media_type(std::string_view content_type) {
    return core::to_lower(core::trim(content_type.substr(0, content_type.find(';'))));
}

// RFC 3023: text/xml, text/*+xml and text/xml-external-parsed-entity default to us-ascii.
bool is_text_xml(std::string_view type) {
    return type.starts_with("text/") && (type.ends_with("xml") || type == "text/xml-external-parsed-entity");
}

bool all_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The iconv converter for a canonical name: euc-kr decodes with its superset CP949 (UHC), as
// browsers do, since uchardet reports such text as UHC and real pages use the extension.
std::string iconv_name(const std::string& charset) {
    if (charset == "euc-kr") return "CP949";
    return charset;
}

// A charset name as registered (RFC 2978): letters, digits and . _ : + - only. Anything else (quotes, spaces,
// '/', control bytes) is never handed to iconv_open, which would strip it and accept what is left
// ("utf-32\"" as UTF-32, "utf-8//IGNORE" with a suffix).
bool is_charset_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '+' || c == '-';
    });
}

bool iconv_knows(const std::string& charset) {
    if (!is_charset_name(charset)) return false;
    iconv_t cd = iconv_open("UTF-8", iconv_name(charset).c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) return false;
    iconv_close(cd);
    return true;
}

// Valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF); returns the offset of the first bad byte.
std::optional<std::size_t> first_invalid_utf8(std::string_view s) {
    auto const* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t const n = s.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned char const c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else
            return i;
        if (i + len > n) return i;
        if (p[i + 1] < lo || p[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
        i += len;
    }
    return std::nullopt;
}

struct iconv_closer {
    void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

// Transcodes with iconv; on failure sets r.error_class to decode.
void transcode(std::string_view in, decode_result& r) {
    if (r.charset == "utf-8" || r.charset == "us-ascii") {
        auto const bad = r.charset == "utf-8" ? first_invalid_utf8(in) : [&]() -> std::optional<std::size_t> {
            auto it = std::find_if(in.begin(), in.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
            if (it == in.end()) return std::nullopt;
            return static_cast<std::size_t>(it - in.begin());
        }();
        if (bad) {
            r.error_class = core::error_class::decode;
            r.message += (r.message.empty() ? "" : "; ") + std::string("invalid ") + r.charset + " byte at offset " +
                         std::to_string(*bad);
            return;
        }
        r.utf8.assign(in);
        r.ok = true;
        return;
    }
    iconv_t raw = iconv_open("UTF-8", iconv_name(r.charset).c_str());
    if (raw == reinterpret_cast<iconv_t>(-1)) {
        r.error_class = core::error_class::decode;
        r.message += (r.message.empty() ? "" : "; ") + std::string("iconv does not know charset '") + r.charset + "'";
        return;
    }
    std::unique_ptr<void, iconv_closer> cd(raw);
    std::string out;
    out.resize(in.size() * 2 + 16);
    char* src = const_cast<char*>(in.data());
    std::size_t src_left = in.size();
    std::size_t used = 0;
    while (src_left > 0) {
        char* dst = out.data() + used;
        std::size_t dst_left = out.size() - used;
        std::size_t const rc = iconv(static_cast<iconv_t>(cd.get()), &src, &src_left, &dst, &dst_left);
        used = out.size() - dst_left;
        if (rc != static_cast<std::size_t>(-1)) break;
        if (errno == E2BIG) {
            out.resize(out.size() * 2);
            continue;
        }
        r.error_class = core::error_class::decode;
        r.message += (r.message.empty() ? "" : "; ") + std::string(errno == EILSEQ ? "invalid " : "incomplete ") +
                     r.charset + " sequence at offset " + std::to_string(in.size() - src_left);
        return;
    }
    out.resize(used);
    r.utf8 = std::move(out);
    r.ok = true;
}

void note(decode_result& r, std::string text) { r.message += (r.message.empty() ? "" : "; ") + text; }

}  // namespace

// Idempotent: canonical_charset(canonical_charset(x)) == canonical_charset(x) for any x (the charset fuzzer
// checks it). Every layer of quotes and whitespace is stripped, and the compacted UTF form is trimmed again,
// since dropping '-' and '_' can leave whitespace at the end ("utf-32x\n--").
std::string canonical_charset(std::string_view name) {
    std::string_view stripped = core::trim(name);
    for (std::string_view next = core::trim(unquote(stripped)); next != stripped; next = core::trim(unquote(next)))
        stripped = next;
    std::string n = core::to_lower(stripped);
    if (n.starts_with("utf") || n == "u16" || n == "u32" || n.starts_with("ucs")) {
        std::string compact;
        for (char c : n)
            if (c != '-' && c != '_') compact += c;
        compact = std::string(core::trim(compact));
        if (compact == "u16") compact = "utf16";
        if (compact == "u32") compact = "utf32";
        if (compact == "utf8") return "utf-8";
        if (compact.starts_with("utf16") || compact.starts_with("utf32"))
            return compact.substr(0, 3) + "-" + compact.substr(3);
        return n;
    }
    static const std::vector<std::pair<std::vector<std::string_view>, std::string_view>> aliases = {
        {{"ascii", "us-ascii", "ansi_x3.4-1968", "iso646-us", "us"}, "us-ascii"},
        {{"latin1", "latin-1", "iso8859-1", "iso_8859-1", "iso-8859-1", "l1", "iso-ir-100", "cp819"}, "iso-8859-1"},
        {{"gb2312", "gbk", "gb18030", "euc-cn", "x-gbk", "cp936", "csgb2312", "chinese"}, "gb18030"},
        {{"shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis"}, "shift_jis"},
        {{"big5", "big-5", "cn-big5", "csbig5", "x-x-big5"}, "big5"},
        {{"euc-kr", "euckr", "cseuckr", "uhc", "cp949", "windows-949", "ks_c_5601-1987"}, "euc-kr"},
        {{"euc-jp", "eucjp", "x-euc-jp"}, "euc-jp"},
        {{"koi8-r", "koi8r", "cskoi8r"}, "koi8-r"},
        {{"tis-620", "tis620", "iso-8859-11"}, "tis-620"},
    };
    for (auto const& [names, canonical] : aliases)
        if (std::find(names.begin(), names.end(), n) != names.end()) return std::string(canonical);
    if (n.starts_with("cp125") && n.size() == 6) return "windows-" + n.substr(2);
    if (n.starts_with("x-cp125") && n.size() == 8) return "windows-" + n.substr(4);
    return n;
}

std::string charset_from_content_type(std::string_view content_type) {
    std::size_t pos = content_type.find(';');
    while (pos != std::string_view::npos) {
        std::size_t const next = content_type.find(';', pos + 1);
        std::string_view param = core::trim(
            content_type.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1));
        pos = next;
        auto const eq = param.find('=');
        if (eq == std::string_view::npos) continue;
        if (core::to_lower(core::trim(param.substr(0, eq))) != "charset") continue;
        return core::to_lower(core::trim(unquote(core::trim(param.substr(eq + 1)))));
    }
    return {};
}

std::string detect_charset(std::string_view body) {
    // One detector per thread, reset per body; detection never suspends.
    struct detector_deleter {
        void operator()(uchardet* d) const { uchardet_delete(d); }
    };
    thread_local std::unique_ptr<uchardet, detector_deleter> detector(uchardet_new());
    uchardet_reset(detector.get());
    if (uchardet_handle_data(detector.get(), body.data(), body.size()) != 0) return {};
    uchardet_data_end(detector.get());
    const char* name = uchardet_get_charset(detector.get());
    return name == nullptr ? std::string{} : core::to_lower(name);
}

decode_result to_utf8(std::string_view body, std::string_view content_type) {
    decode_result r;
    auto const bom = sniff_bom(body);
    std::string_view const wide = bom ? std::string_view{} : sniff_wide_pattern(body);
    // utf-16 / utf-32 without a byte order: take it from the BOM or the byte pattern (else big-endian).
    auto const with_byte_order = [&](std::string name) {
        if (name == "utf-16" || name == "utf-32") {
            std::string_view const order = bom ? bom->charset : wide;
            if (order.starts_with(name)) return std::string(order);
            return name + "be";
        }
        return name;
    };
    auto const choose = [&](std::string name, charset_source source) {
        r.charset = std::move(name);
        r.source = source;
    };

    // 1. Content-Type charset (or the RFC 3023 us-ascii default of text/*xml).
    if (std::string const header = charset_from_content_type(content_type); !header.empty()) {
        std::string const name = with_byte_order(canonical_charset(header));
        if (iconv_knows(name))
            choose(name, charset_source::header);
        else
            note(r, "unknown charset '" + header + "' in Content-Type, ignored");
    } else if (is_text_xml(media_type(content_type)) && !bom && wide.empty() && all_ascii(body)) {
        choose("us-ascii", charset_source::header);
    }
    // 2. Byte order mark.
    if (r.charset.empty() && bom) choose(std::string(bom->charset), charset_source::bom);
    // 3. XML declaration (a UTF-16/32 "<?" pattern decides the byte order itself).
    if (r.charset.empty()) {
        if (!wide.empty()) {
            choose(std::string(wide), charset_source::xml_declaration);
        } else if (std::string const declared = declared_encoding(body); !declared.empty()) {
            std::string const name = canonical_charset(declared);
            if (iconv_knows(name))
                choose(name, charset_source::xml_declaration);
            else
                note(r, "unknown encoding '" + declared + "' in the XML declaration, ignored");
        }
    }
    // 4. Detection (the cost the 2012 worker paid on every body without a charset header).
    if (r.charset.empty()) {
        r.detector_ran = true;
        std::string const detected = detect_charset(body);
        std::string name = canonical_charset(detected);
        if (name == "us-ascii") name = "utf-8";  // ASCII is UTF-8; XML's default says utf-8
        if (!name.empty() && iconv_knows(name))
            choose(name, charset_source::detected);
        else if (!detected.empty())
            note(r, "detector answered '" + detected + "', which iconv does not know");
    }
    // 5. Assume UTF-8.
    if (r.charset.empty()) choose("utf-8", charset_source::assumed);

    std::string_view payload = body;
    if (bom && bom->charset == r.charset) payload.remove_prefix(bom->length);  // the output carries no BOM
    transcode(payload, r);
    if (!r.ok) r.utf8.clear();
    return r;
}

}  // namespace feedbench::decode
