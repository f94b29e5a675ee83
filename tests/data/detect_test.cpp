// Charset detection has work it can do: uchardet (the C++ port chardet is modelled on) recognises the
// legacy-charset variants as windows-1252 (a superset of ISO-8859-1 for the bytes they use) and the
// twins as UTF-8.
#include "data/corpus.hpp"

#include <gtest/gtest.h>
#include <uchardet.h>

using namespace feedbench::data;

namespace {
std::string detect(const std::string& body) {
    uchardet_t u = uchardet_new();
    uchardet_handle_data(u, body.data(), body.size());
    uchardet_data_end(u);
    std::string out = uchardet_get_charset(u);
    uchardet_delete(u);
    return out;
}
}  // namespace

TEST(Detect, LegacyVariantsAndUtf8Twins) {
    auto c = generate_synthetic();
    int legacy = 0;
    for (const auto& f : c.feeds) {
        auto got = detect(f.body);
        if (f.id.ends_with("-iso-8859-1") || f.id.ends_with("-windows-1252")) {
            ++legacy;
            EXPECT_TRUE(got == "WINDOWS-1252" || got == "ISO-8859-1") << f.id << " detected as " << got;
            if (f.id.ends_with("-iso-8859-1")) {
                // Never a byte in 0x80-0x9F, so reading it as windows-1252 decodes the same text.
                for (unsigned char ch : f.body) ASSERT_FALSE(ch >= 0x80 && ch <= 0x9F) << f.id;
            }
        } else {
            EXPECT_EQ(got, "UTF-8") << f.id;
        }
    }
    EXPECT_EQ(legacy, 6);
}
