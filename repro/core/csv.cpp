// CSV quoting and reading (RFC 4180) and the TSV helpers.
#include "repro/core/csv.hpp"

#include <sstream>

namespace feedbench::core {

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += csv_field(fields[i]);
    }
    out += '\n';
    return out;
}

bool csv_reader::next(std::vector<std::string>& fields) {
    auto& buf = *in_.rdbuf();
    using traits = std::char_traits<char>;
    for (;;) {
        fields.assign(1, std::string{});
        record_line_ = line_ + 1;
        bool quoted = false, any = false;
        int c;
        while ((c = buf.sbumpc()) != traits::eof()) {
            any = true;
            const char ch = traits::to_char_type(c);
            if (ch == '\n') ++line_;
            if (quoted) {
                if (ch != '"')
                    fields.back() += ch;
                else if (buf.sgetc() == '"')
                    fields.back() += '"', buf.sbumpc();
                else
                    quoted = false;
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                fields.emplace_back();
            } else if (ch == '\n') {
                break;
            } else if (ch == '\r' && buf.sgetc() == '\n') {
                continue;  // CRLF: the LF ends the record
            } else {
                fields.back() += ch;
            }
        }
        if (!any) {
            in_.setstate(std::ios::eofbit);
            return false;
        }
        if (fields.size() > 1 || !fields.front().empty()) return true;  // a blank line is no record
    }
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
    std::istringstream in{std::string(text)};
    csv_reader reader(in);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> fields;
    while (reader.next(fields)) rows.push_back(fields);
    return rows;
}

std::string tsv_field(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return out;
}

std::vector<std::string> split_tsv(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string> out;
    for (;;) {
        const auto tab = line.find('\t');
        out.emplace_back(line.substr(0, tab));
        if (tab == std::string_view::npos) return out;
        line.remove_prefix(tab + 1);
    }
}

}  // namespace feedbench::core
