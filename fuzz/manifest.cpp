// The manifest TSV parser (data/corpus.hpp parse_manifest): what feedserver --dump writes and the
// worker and external workers read. Properties: no crash; bad input throws std::runtime_error and nothing
// else; an accepted manifest has one entry per data row.
#include "data/corpus.hpp"
#include "fuzz/fuzz_check.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    try {
        const auto entries = feedbench::data::parse_manifest(in);
        for (const auto& e : entries) (void)feedbench::data::to_string(e.format);
    } catch (const std::runtime_error&) {
        return 0;
    }
    return 0;
}
