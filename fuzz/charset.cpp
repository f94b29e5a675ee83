// The charset path (repro/decode, `--charset text`): Content-Type charset, BOM / XML declaration,
// uchardet detection, iconv to UTF-8. Input: the body; or, when the first byte is 0x01, a Content-Type
// line after it, a newline, then the body (so feed files seed it as-is). Properties: no
// crash; a decode that succeeds yields valid UTF-8 and names a canonical charset (canonical_charset of
// it is itself); canonical_charset is idempotent on any name.
#include "fuzz/fuzz_check.hpp"
#include "repro/decode/charset.hpp"

#include <cstdint>
#include <string>

namespace {

namespace fz = feedbench::fuzz;
namespace decode = feedbench::decode;

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = s[i];
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        std::uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
        for (std::size_t k = 1; k < n; ++k) {
            const unsigned char d = s[i + k];
            if ((d & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3f);
        }
        static constexpr std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += n;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string_view content_type, body = in;
    if (!in.empty() && in[0] == '\x01') {
        in.remove_prefix(1);
        const auto nl = in.find('\n');
        content_type = in.substr(0, nl);
        body = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
    }

    const std::string named = decode::charset_from_content_type(content_type);
    const std::string canonical = decode::canonical_charset(named);
    fz::require(decode::canonical_charset(canonical) == canonical,
                "canonical_charset is not idempotent on '" + named + "'");

    const decode::decode_result r = decode::to_utf8(body, content_type);
    fz::require(r.ok == (r.error_class == feedbench::core::error_class::none), "decode: ok and error class disagree");
    if (!r.ok) {
        fz::require(r.error_class == feedbench::core::error_class::decode,
                    "decode failed with class '" + std::string(feedbench::core::to_string(r.error_class)) + "'");
        return 0;
    }
    fz::require(valid_utf8(r.utf8), "decode of charset '" + r.charset + "' produced invalid UTF-8");
    return 0;
}
