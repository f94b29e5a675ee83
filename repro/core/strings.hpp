// Small string helpers shared by every layer: trim, case-insensitive compare, lower case, hex, whole files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace feedbench::core {

// Without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view s);
// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
// ASCII lower case.
std::string to_lower(std::string_view s);
// 0-15 for a hex digit (either case), -1 for anything else.
int hex_digit_value(char c);
// Uppercase hex digit of the low 4 bits.
char hex_digit(unsigned v);
// 16 lowercase hex digits, zero-padded: "00000000000000ff".
std::string hex64(std::uint64_t v);
// The whole file as bytes; nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::filesystem::path& path);

}  // namespace feedbench::core
