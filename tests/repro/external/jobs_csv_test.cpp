// The external-worker contract's jobs.csv on fixed text: required columns, extra columns, error classes.
#include "repro/external/external_worker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace ext = feedbench::external;
namespace fs = std::filesystem;

namespace {

fs::path write(const std::string& name, const std::string& text) {
    auto p = fs::path(testing::TempDir()) / (name + "-" + std::to_string(::getpid()) + ".csv");
    std::ofstream(p) << text;
    return p;
}

}  // namespace

TEST(JobsCsv, CountsJobsBytesItemsAndErrorClasses) {
    auto p = write("jobs",
                   "job,feed,ok,error,bytes,items,parse_ms\n"
                   "0,feed-000-rss,1,,33228,27,1.5\n"
                   "1,\"feed,odd\",0,parse,100,0,0.1\n"
                   "2,feed-001-atom,0,connect,0,0,0\n"
                   "3,feed-001-atom,1,,1000.0,3,0\n");
    ext::external_result r;
    ext::read_jobs_csv(p, r);
    EXPECT_EQ(r.jobs, 4u);
    EXPECT_EQ(r.ok, 2u);
    EXPECT_EQ(r.failed, 2u);
    EXPECT_EQ(r.bytes, 34328u);
    EXPECT_EQ(r.items, 30u);
    EXPECT_EQ(r.errors.at(feedbench::core::error_class::parse), 1u);
    EXPECT_EQ(r.errors.at(feedbench::core::error_class::connect), 1u);
}

TEST(JobsCsv, MissingColumnNamesIt) {
    auto p = write("nocol", "job,feed,ok,bytes,items\n0,a,1,10,1\n");
    ext::external_result r;
    try {
        ext::read_jobs_csv(p, r);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("no column 'error'"), std::string::npos) << e.what();
    }
}

TEST(JobsCsv, EnvironmentCarriesTheInputs) {
    ext::external_config c;
    c.server_url = "http://127.0.0.1:8080/";
    c.read_size = "1";
    c.pool = 20;
    c.jobs = 7;
    c.out_dir = "/tmp/x";
    auto env = ext::worker_environment(c);
    auto get = [&](const std::string& k) {
        for (auto& [key, v] : env)
            if (key == k) return v;
        return std::string("?");
    };
    EXPECT_EQ(get("FEEDBENCH_SERVER"), "http://127.0.0.1:8080");
    EXPECT_EQ(get("FEEDBENCH_MANIFEST"), "http://127.0.0.1:8080/manifest");
    EXPECT_EQ(get("FEEDBENCH_READ_SIZE"), "1");
    EXPECT_EQ(get("FEEDBENCH_POOL"), "20");
    EXPECT_EQ(get("FEEDBENCH_JOBS"), "7");
    EXPECT_EQ(get("FEEDBENCH_OUT"), "/tmp/x");
}

TEST(JobsCsv, AnUnknownErrorClassNamesTheLine) {
    auto p = write("badclass", "job,feed,ok,error,bytes,items\n0,a,1,,10,1\n1,b,0,oops,0,0\n");
    ext::external_result r;
    EXPECT_THAT([&] { ext::read_jobs_csv(p, r); },
                testing::ThrowsMessage<std::runtime_error>(testing::HasSubstr("line 3: 'oops' is not an error class")));
}
