// The scenario (.scn) parser and validator (repro/scenarios): parse_scenario, then both matrices
// expanded. Properties: no crash; bad input throws scenario_error (a std::runtime_error) and nothing else.
#include "fuzz/fuzz_check.hpp"
#include "repro/scenarios/scenario.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    try {
        const auto s = feedbench::scenarios::parse_scenario(in, "fuzz.scn");
        (void)feedbench::scenarios::expand(s, false);
        (void)feedbench::scenarios::expand(s, true);
    } catch (const std::runtime_error&) {
        return 0;
    }
    return 0;
}
