// An enum's printed names, one list indexed by the enum's value: the name of a value, the value of a name.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace feedbench::core {

template <class E, std::size_t N>
constexpr std::string_view name_of(const std::array<std::string_view, N>& names, E e) {
    return names[static_cast<std::size_t>(e)];
}

// nullopt for a word that is not in the list.
template <class E, std::size_t N>
constexpr std::optional<E> value_of(const std::array<std::string_view, N>& names, std::string_view word) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == word) return static_cast<E>(i);
    return std::nullopt;
}

}  // namespace feedbench::core
