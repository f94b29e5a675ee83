// The feed sniffer and parsers (repro/parse): parse_eager on the whole body against parse_lazy pulling
// it from a memory_source at read sizes 1, 7, 4096 and whole. Property ("one answer for one input"):
// the same ok / error class, format and items (digest of titles, links, dates) every way. An input whose
// first byte is 0-7 picks the Content-Type and force_utf8 with it (bits 0-1: none, json, xml, none; bit 2:
// force_utf8) and the rest is the body; any other input is the body itself (so feed files seed it as-is). FEEDBENCH_FUZZ_PARSE_REPORT=1 prints a disagreement instead of aborting (to sort findings).
#include "fuzz/fuzz_check.hpp"
#include "repro/parse/feed_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

namespace fz = feedbench::fuzz;
namespace parse = feedbench::parse;

std::uint64_t digest(const parse::parse_result& r) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the item fields, separated
    const auto mix = [&h](std::string_view s) {
        for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    };
    for (const auto& item : r.item_list) {
        mix(item.title);
        mix(item.link);
        mix(item.date);
    }
    return h;
}

std::string summary(const parse::parse_result& r) {
    return (r.ok ? std::string("ok ") + r.format + " items " + std::to_string(r.items) + " digest " +
                       std::to_string(digest(r))
                 : "error " + std::string(feedbench::core::to_string(r.error_class)) + " (" + r.message + ")");
}

bool same(const parse::parse_result& a, const parse::parse_result& b) {
    if (a.ok != b.ok || a.error_class != b.error_class) return false;
    return !a.ok || (a.format == b.format && a.items == b.items && a.item_list == b.item_list);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool report_only = std::getenv("FEEDBENCH_FUZZ_PARSE_REPORT") != nullptr;
    static constexpr std::string_view content_types[] = {"", "application/json", "application/rss+xml", ""};
    const unsigned mode = size > 0 && data[0] < 8 ? data[0] : 0;
    const std::size_t skip = size > 0 && data[0] < 8 ? 1 : 0;
    const std::string_view content_type = content_types[mode & 3];
    const bool force_utf8 = mode & 4;
    const std::string_view body(reinterpret_cast<const char*>(data + skip), size - skip);
    const parse::parse_result eager = parse::parse_eager(body, content_type, force_utf8);
    for (const std::size_t rs : fz::read_sizes) {
        parse::memory_source src(body, fz::piece_of(rs, body.size()));
        const parse::parse_result lazy = parse::parse_lazy(src, content_type, force_utf8);
        if (same(eager, lazy)) continue;
        const std::string what = "eager and lazy disagree at read size " +
                                 (rs ? std::to_string(rs) : std::string("whole")) + ": eager " + summary(eager) +
                                 ", lazy " + summary(lazy);
        if (!report_only) fz::finding(what);
        std::fprintf(stderr, "fuzz disagreement: %s\n", what.c_str());
        return 0;
    }
    return 0;
}
