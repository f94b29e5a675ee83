// The error classes' printed names, from the one list in error_class.hpp.
#include "repro/core/error_class.hpp"

#include "repro/core/enum_names.hpp"

namespace feedbench::core {

std::string_view to_string(error_class c) { return name_of(error_class_names, c); }

std::optional<error_class> parse_error_class(std::string_view s) { return value_of<error_class>(error_class_names, s); }

std::ostream& operator<<(std::ostream& os, error_class c) {
    return os << (c == error_class::none ? std::string_view("none") : to_string(c));
}

}  // namespace feedbench::core
