// The hostile documents' bytes: what each one names, how deep it nests, and a gzip bomb that is a valid
// gzip member inflating to exactly gzip_bomb_inflated_bytes zeros.
#include "feedserver/hostile.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

namespace feedbench::test {
namespace {

using namespace feedbench::feedserver;

std::size_t count(std::string_view s, std::string_view what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string_view::npos; at = s.find(what, at + what.size())) ++n;
    return n;
}

TEST(HostileDocuments, BillionLaughsIsSmallAndNestsTenLevelsOfTen) {
    const auto doc = billion_laughs_document();
    EXPECT_LT(doc.size(), 2048u);
    EXPECT_NE(doc.find("<!ENTITY lol0 \"lol\">"), std::string_view::npos);
    EXPECT_EQ(count(doc, "&lol8;"), 10u);
    EXPECT_NE(doc.find("<title>&lol9;</title>"), std::string_view::npos);
}

TEST(HostileDocuments, XxeDocumentsNameTheMarkerFilesAndTheProbe) {
    const std::string marker_file(xxe_marker_file), marker_dtd(xxe_marker_dtd);
    EXPECT_NE(xxe_file_document().find("SYSTEM \"file:///etc/passwd\""), std::string_view::npos);
    EXPECT_NE(xxe_file_document().find("SYSTEM \"" + marker_file + "\""), std::string_view::npos);
    EXPECT_NE(xxe_parameter_document().find("<!ENTITY % marker SYSTEM \"" + marker_dtd + "\">\n%marker;"),
              std::string_view::npos);
    EXPECT_NE(xxe_dtd_document().find("<!DOCTYPE rss SYSTEM \"" + marker_dtd + "\">"), std::string_view::npos);
    const auto net = xxe_network_document("http://127.0.0.1:9");
    EXPECT_NE(net.find("SYSTEM \"http://127.0.0.1:9/xxe-probe.dtd\""), std::string::npos);
    EXPECT_NE(net.find("SYSTEM \"http://127.0.0.1:9/xxe-probe\""), std::string::npos);
    EXPECT_NE(xinclude_document().find("<xi:include href=\"" + marker_file + "\" parse=\"text\"/>"),
              std::string_view::npos);
    for (std::string_view doc : {xxe_file_document(), xxe_parameter_document(), xxe_dtd_document(),
                                 std::string_view(net), xinclude_document()}) {
        EXPECT_EQ(count(doc, "<item>"), 1u) << doc;
        EXPECT_NE(doc.find("<link>" + std::string(xxe_item_link) + "</link>"), std::string_view::npos) << doc;
    }
}

TEST(HostileDocuments, DeepDocumentsNestDeepNestingLevels) {
    EXPECT_EQ(count(deep_xml_document(), "<a>"), deep_nesting);
    EXPECT_EQ(count(deep_xml_document(), "</a>"), deep_nesting);
    const auto json = deep_json_document();
    EXPECT_EQ(std::count(json.begin(), json.end(), '['), std::ptrdiff_t(deep_nesting) + 1);  // + the items array
    EXPECT_NE(json.find("\"version\":\"https://jsonfeed.org/version/1.1\""), std::string_view::npos);
}

TEST(HostileDocuments, InvalidUtf8IsDeclaredUtf8) {
    const auto doc = invalid_utf8_document();
    EXPECT_EQ(doc.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
    EXPECT_NE(doc.find("\xC3\x28"), std::string_view::npos);
    EXPECT_NE(doc.find('\xFF'), std::string_view::npos);
}

TEST(HostileDocuments, GzipBombInflatesToAGibibyteOfZeros) {
    const auto gz = gzip_bomb_body();
    EXPECT_LT(gz.size(), std::size_t{2} << 20);
    ASSERT_GT(gz.size(), 18u);
    EXPECT_EQ(gz.substr(0, 3), std::string_view("\x1f\x8b\x08", 3));
    z_stream z{};
    ASSERT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);  // gzip: checks the CRC and ISIZE trailer too
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    std::vector<unsigned char> out(std::size_t{1} << 20);
    std::size_t inflated = 0;
    bool zeros = true;
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = out.data();
        z.avail_out = static_cast<uInt>(out.size());
        rc = inflate(&z, Z_NO_FLUSH);
        const std::size_t n = out.size() - z.avail_out;
        zeros =
            zeros && std::all_of(out.begin(), out.begin() + std::ptrdiff_t(n), [](unsigned char c) { return c == 0; });
        inflated += n;
    }
    inflateEnd(&z);
    EXPECT_EQ(rc, Z_STREAM_END);
    EXPECT_EQ(z.avail_in, 0u);
    EXPECT_EQ(inflated, gzip_bomb_inflated_bytes);
    EXPECT_TRUE(zeros);
}

}  // namespace
}  // namespace feedbench::test
