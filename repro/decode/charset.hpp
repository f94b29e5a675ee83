// Charset handling for `--charset text`: the charset from Content-Type, else BOM or XML declaration,
// else uchardet detection; then iconv to UTF-8. `content` mode never calls this.
#pragma once

#include "repro/core/error_class.hpp"

#include <string>
#include <string_view>

namespace feedbench::decode {

enum class charset_source { header, bom, xml_declaration, detected, assumed };

struct decode_result {
    bool ok = false;
    core::error_class error_class = core::error_class::none;  // none or decode
    std::string message;
    std::string charset;  // lowercase name actually used, e.g. "windows-1252"
    charset_source source = charset_source::assumed;
    bool detector_ran = false;  // true only when neither header, BOM nor declaration named a charset
    std::string utf8;           // the body transcoded to UTF-8
};

std::string charset_from_content_type(std::string_view content_type);  // "" when absent
std::string detect_charset(std::string_view body);                     // uchardet, lowercase; "" when unsure
// Lowercase canonical name for comparisons and iconv: aliases folded ("latin1" -> "iso-8859-1",
// "gb2312"/"gbk" -> "gb18030", "utf16le"/"utf_16le" -> "utf-16le", "cp1252" -> "windows-1252").
std::string canonical_charset(std::string_view name);
decode_result to_utf8(std::string_view body, std::string_view content_type);

}  // namespace feedbench::decode
