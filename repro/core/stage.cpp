// Stage names: printed and parsed from the one list in stage.hpp.
#include "repro/core/stage.hpp"

#include "repro/core/enum_names.hpp"

namespace feedbench::core {

std::string_view to_string(stage s) { return name_of(stage_names, s); }

std::optional<stage> parse_stage(std::string_view name) { return value_of<stage>(stage_names, name); }

}  // namespace feedbench::core
