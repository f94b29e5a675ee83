// The stages of a job, in order (README.md, Vocabulary): every job record, CSV column and scenario metric uses these names.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace feedbench::core {

enum class stage { intake, connect, request, headers, body, decode, parse, ack };
inline constexpr std::size_t stage_count = 8;
inline constexpr std::array<std::string_view, stage_count> stage_names{"intake", "connect", "request", "headers",
                                                                       "body",   "decode",  "parse",   "ack"};

std::string_view to_string(stage s);
std::optional<stage> parse_stage(std::string_view name);  // nullopt for a word that is not a stage

}  // namespace feedbench::core
