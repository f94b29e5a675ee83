// Benchmark inputs: named sets of documents from the synthetic corpus and ../shared/corpus, loaded
// once per process. A set is timed as a whole: one iteration touches every document once.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace feedbench::bench {

struct document {
    std::string name;
    std::string body;
    std::string content_type;
};

struct input_set {
    std::string name;  // e.g. "synthetic-rss", "feeds-2012"
    std::vector<document> docs;
    std::size_t bytes() const;
    bool empty() const { return docs.empty(); }
};

// FEEDBENCH_SHARED_CORPUS, else the path configured at build time; nullopt when neither exists.
std::optional<std::filesystem::path> shared_corpus();

// Every regular file of dir whose name ends with `suffix` (all files when empty), sorted by name.
input_set load_directory_set(const std::filesystem::path& dir, std::string name, std::string_view suffix = {});

// One file as a single-document set ("twitter.json").
input_set load_file_set(const std::filesystem::path& file, std::string name, std::string content_type = {});

// Synthetic corpus (seed 2012, `feeds` feeds) filtered by id suffix: "-rss", "-atom", "-jsonfeed",
// or "legacy" (the ISO-8859-1 / windows-1252 variants). Empty when feedbench_data is not built in.
input_set synthetic_set(std::string_view which, std::size_t feeds = 50);

}  // namespace feedbench::bench
