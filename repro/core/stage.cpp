// Stage names: printed and parsed from the one list in stage.hpp.
#include "repro/core/stage.hpp"

namespace feedbench::core {

std::string_view to_string(stage s) { return stage_names[static_cast<std::size_t>(s)]; }

std::optional<stage> parse_stage(std::string_view name) {
    for (std::size_t i = 0; i < stage_count; ++i)
        if (stage_names[i] == name) return static_cast<stage>(i);
    return std::nullopt;
}

}  // namespace feedbench::core
