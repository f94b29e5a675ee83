// Replays a fuzz target's seeds and regression inputs through the target's own entry point
// (LLVMFuzzerTestOneInput of fuzz/<target>.cpp, built here without libFuzzer): a property that no
// longer holds aborts the test with the reason, as it would abort the fuzzer.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs() {
    std::vector<std::filesystem::path> out;
    for (const char* dir : {FEEDBENCH_FUZZ_SEEDS, FEEDBENCH_FUZZ_REGRESSIONS}) {
        if (!std::filesystem::is_directory(dir)) continue;
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.is_regular_file()) out.push_back(e.path());
    }
    return out;
}

}  // namespace

TEST(fuzz_replay, every_seed_and_regression_input_keeps_the_targets_properties) {
    const auto files = inputs();
    ASSERT_FALSE(files.empty()) << "no inputs in " << FEEDBENCH_FUZZ_SEEDS << " or " << FEEDBENCH_FUZZ_REGRESSIONS;
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        std::ifstream in(f, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    }
}
