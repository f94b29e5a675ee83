// Why a job failed (README.md, Vocabulary): one word per class, printed exactly so in jobs.csv, the summary
// and the report. none = the job did not fail.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string_view>

namespace feedbench::core {

enum class error_class {
    none,
    connect,
    read,
    status,
    truncated,
    parse,
    decode,
    timeout,
    not_a_feed,
    too_large,
    deadline,
    amplification,
    exception
};
inline constexpr std::size_t error_class_count = 13;
inline constexpr std::array<std::string_view, error_class_count> error_class_names{
    "",        "connect",    "read",      "status",   "truncated",     "parse",    "decode",
    "timeout", "not-a-feed", "too-large", "deadline", "amplification", "exception"};

std::string_view to_string(error_class c);                       // "" for none
std::optional<error_class> parse_error_class(std::string_view);  // "" -> none; nullopt for a word that is no class
std::ostream& operator<<(std::ostream& os, error_class c);       // the printed name ("none" for none)

}  // namespace feedbench::core
