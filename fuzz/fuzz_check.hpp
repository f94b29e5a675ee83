// What every fuzz target shares: a property that does not hold is a finding (abort with the reason, so
// libFuzzer saves the input), and the read sizes the properties are checked at.
#pragma once

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace feedbench::fuzz {

// 1, 7, 4096 and whole (0 stands for the whole input in one piece).
inline constexpr std::array<std::size_t, 4> read_sizes{1, 7, 4096, 0};

inline std::size_t piece_of(std::size_t read_size, std::size_t total) {
    return read_size == 0 ? (total == 0 ? 1 : total) : read_size;
}

[[noreturn]] inline void finding(std::string_view what) {
    std::fprintf(stderr, "fuzz finding: %.*s\n", int(what.size()), what.data());
    std::abort();
}

inline void require(bool ok, std::string_view what) {
    if (!ok) finding(what);
}

}  // namespace feedbench::fuzz
