// Loading benchmark input sets from the synthetic generator and the shared corpus.
#include "bench/common/inputs.hpp"

#include "data/corpus.hpp"
#include "repro/core/strings.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace feedbench::bench {

namespace fs = std::filesystem;

std::size_t input_set::bytes() const {
    std::size_t total = 0;
    for (auto const& d : docs) total += d.body.size();
    return total;
}

std::optional<fs::path> shared_corpus() {
    if (const char* env = std::getenv("FEEDBENCH_SHARED_CORPUS"); env != nullptr && fs::is_directory(env))
        return fs::path(env);
#ifdef FEEDBENCH_SHARED_CORPUS_DEFAULT
    if (fs::is_directory(FEEDBENCH_SHARED_CORPUS_DEFAULT)) return fs::path(FEEDBENCH_SHARED_CORPUS_DEFAULT);
#endif
    return std::nullopt;
}

input_set load_directory_set(const fs::path& dir, std::string name, std::string_view suffix) {
    input_set set{std::move(name), {}};
    if (!fs::is_directory(dir)) return set;
    for (auto const& e : fs::directory_iterator(dir)) {
        std::string const file = e.path().filename().string();
        if (e.is_regular_file() && (suffix.empty() || file.ends_with(suffix)))
            set.docs.push_back({file, core::read_file(e.path()).value_or(""), {}});
    }
    std::sort(set.docs.begin(), set.docs.end(), [](auto const& a, auto const& b) { return a.name < b.name; });
    return set;
}

input_set load_file_set(const fs::path& file, std::string name, std::string content_type) {
    input_set set{std::move(name), {}};
    if (fs::is_regular_file(file))
        set.docs.push_back({file.filename().string(), core::read_file(file).value_or(""), std::move(content_type)});
    return set;
}

input_set synthetic_set(std::string_view which, std::size_t feeds) {
    input_set set{"synthetic-" + std::string(which.starts_with("-") ? which.substr(1) : which), {}};
    static auto const corpus = [feeds] {
        feedbench::data::synthetic_options opt;
        opt.feeds = feeds;
        return feedbench::data::generate_synthetic(opt);
    }();
    for (auto const& f : corpus.feeds) {
        bool const legacy = f.id.find("-rss-") != std::string::npos;
        bool const match = which == "legacy" ? legacy : (!legacy && f.id.ends_with(which));
        if (match) set.docs.push_back({f.id, f.body, f.content_type});
    }
    return set;
}

}  // namespace feedbench::bench
