// The project's tables: CSV (RFC 4180) written and read by one writer and one reader, and the TSV
// helpers for the tab-separated files (manifest, checks.tsv, predictions, benchmark tables).
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::core {

// A CSV field: as it is, or in double quotes (quotes doubled) when it holds a comma, a quote, a CR or a LF.
std::string csv_field(std::string_view s);
// A CSV record: the fields quoted as needed, joined by commas, ended by "\n".
std::string csv_record(const std::vector<std::string>& fields);

// Reads CSV records back: quoted fields may hold commas, doubled quotes and line breaks; records end with
// LF or CRLF. Reads what csv_field / csv_record write.
class csv_reader {
public:
    explicit csv_reader(std::istream& in) : in_(in) {}
    // The next record's fields; false at the end of the input. Blank lines are skipped.
    bool next(std::vector<std::string>& fields);
    // The line the last record returned by next() started on (1 = the first line).
    std::size_t line() const { return record_line_; }

private:
    std::istream& in_;
    std::size_t line_ = 0, record_line_ = 0;
};

// Every record of a CSV text (a convenience over csv_reader).
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

// A TSV field: tabs, CRs and LFs become spaces (TSV has no quoting).
std::string tsv_field(std::string_view s);
// A TSV line split at tabs, without its trailing CR: "a\tb\r" -> {"a", "b"}; "" -> {""}.
std::vector<std::string> split_tsv(std::string_view line);

}  // namespace feedbench::core
