// The hostile documents: small texts built once, and the gzip bomb made from one compressed MiB of zeros
// repeated (each copy ends with a full flush, so it stands alone) and closed with the real CRC and size.
#include "feedserver/hostile.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <stdexcept>
#include <vector>

namespace feedbench::feedserver {

namespace {

constexpr std::string_view xml_declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

// An RSS channel with one item whose title is `title` (markup allowed) and whose link is xxe_item_link.
std::string one_item_rss(std::string_view doctype, std::string_view title, std::string_view rss_attributes = {}) {
    return fmt::format(
        "{}{}<rss version=\"2.0\"{}><channel><title>hostile</title><link>http://example.com/</link>\n"
        "<item><title>{}</title><link>{}</link></item>\n</channel></rss>\n",
        xml_declaration, doctype, rss_attributes, title, xxe_item_link);
}

}  // namespace

std::string_view billion_laughs_document() {
    static const std::string doc = [] {
        std::string dtd = "<!DOCTYPE rss [\n<!ENTITY lol0 \"lol\">\n";
        for (int i = 1; i <= 9; ++i) {
            dtd += fmt::format("<!ENTITY lol{} \"", i);
            for (int r = 0; r < 10; ++r) dtd += fmt::format("&lol{};", i - 1);
            dtd += "\">\n";
        }
        dtd += "]>\n";
        return one_item_rss(dtd, "&lol9;");
    }();
    return doc;
}

std::string_view xxe_file_document() {
    static const std::string doc =
        one_item_rss(fmt::format("<!DOCTYPE rss [\n<!ENTITY passwd SYSTEM \"file:///etc/passwd\">\n"
                                 "<!ENTITY marker SYSTEM \"{}\">\n]>\n",
                                 xxe_marker_file),
                     "&marker;&passwd;");
    return doc;
}

std::string_view xxe_parameter_document() {
    static const std::string doc =
        one_item_rss(fmt::format("<!DOCTYPE rss [\n<!ENTITY % marker SYSTEM \"{}\">\n%marker;\n]>\n", xxe_marker_dtd),
                     fmt::format("&{};", xxe_leak_entity));
    return doc;
}

std::string_view xxe_dtd_document() {
    static const std::string doc = one_item_rss(fmt::format("<!DOCTYPE rss SYSTEM \"{}\">\n", xxe_marker_dtd),
                                                fmt::format("&{};", xxe_leak_entity));
    return doc;
}

std::string xxe_network_document(std::string_view origin) {
    return one_item_rss(fmt::format("<!DOCTYPE rss SYSTEM \"{0}{1}.dtd\" [\n<!ENTITY net SYSTEM \"{0}{1}\">\n]>\n",
                                    origin, xxe_probe_path),
                        "&net;");
}

std::string_view xinclude_document() {
    static const std::string doc =
        one_item_rss({}, fmt::format("<xi:include href=\"{}\" parse=\"text\"/>", xxe_marker_file),
                     " xmlns:xi=\"http://www.w3.org/2001/XInclude\"");
    return doc;
}

std::string_view deep_xml_document() {
    static const std::string doc = [] {
        std::string title;
        title.reserve(deep_nesting * 7 + 8);
        for (std::size_t i = 0; i < deep_nesting; ++i) title += "<a>";
        title += "deep";
        for (std::size_t i = 0; i < deep_nesting; ++i) title += "</a>";
        return one_item_rss({}, title);
    }();
    return doc;
}

std::string_view deep_json_document() {
    static const std::string doc = [] {
        std::string d =
            "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"hostile\",\"items\":[{\"id\":\"1\","
            "\"url\":\"http://example.com/deep\",\"title\":";
        d.append(deep_nesting, '[');
        d.append(deep_nesting, ']');
        d += "}]}\n";
        return d;
    }();
    return doc;
}

std::string_view invalid_utf8_document() {
    // A truncated two-byte sequence, a lone continuation byte, 0xFF, and a UTF-16 surrogate encoded in UTF-8.
    static const std::string doc = one_item_rss({}, "bad \xC3\x28 \x80 \xFF \xED\xA0\x80 bytes");
    return doc;
}

std::string_view gzip_bomb_body() {
    static const std::string body = [] {
        constexpr std::size_t block = std::size_t{1} << 20;
        const std::vector<unsigned char> zeros(block, 0);
        z_stream z{};
        // Raw deflate (negative window bits): the gzip header and trailer are written by hand below.
        if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("deflateInit2 failed");
        std::vector<unsigned char> out(block);
        auto run = [&](const unsigned char* in, std::size_t n, int flush) {
            z.next_in = const_cast<unsigned char*>(in);
            z.avail_in = static_cast<uInt>(n);
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            deflate(&z, flush);
            return std::string(reinterpret_cast<const char*>(out.data()), out.size() - z.avail_out);
        };
        // One MiB ended by a full flush: byte-aligned, no reference back into it, so it can be repeated.
        const std::string one_mib = run(zeros.data(), zeros.size(), Z_FULL_FLUSH);
        const std::string last = run(nullptr, 0, Z_FINISH);  // the final (empty) block
        deflateEnd(&z);
        const uLong crc_block = crc32(0, zeros.data(), static_cast<uInt>(zeros.size()));
        uLong crc = crc32(0, nullptr, 0);
        std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff", 10);  // magic, deflate, no flags, mtime 0, max, unix
        for (std::size_t i = 0; i < gzip_bomb_inflated_bytes / block; ++i) {
            gz += one_mib;
            crc = crc32_combine(crc, crc_block, static_cast<z_off_t>(block));
        }
        gz += last;
        const auto size = static_cast<std::uint32_t>(gzip_bomb_inflated_bytes);  // ISIZE: the size mod 2^32
        for (int i = 0; i < 4; ++i) gz += static_cast<char>((crc >> (8 * i)) & 0xff);
        for (int i = 0; i < 4; ++i) gz += static_cast<char>((size >> (8 * i)) & 0xff);
        return gz;
    }();
    return body;
}

}  // namespace feedbench::feedserver
