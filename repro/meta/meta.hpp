// Run metadata every result carries: commit, compiler and flags, CPU, cores, kernel, library versions,
// UTC date. Written as meta.json beside every CSV and JSON result.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace feedbench::meta {

struct run_meta {
    std::string commit;     // git rev-parse --short HEAD (+ "-dirty"), or "unknown"
    std::string compiler;   // e.g. "g++ 12.2.0"
    std::string flags;      // build type and flags
    std::string cpu_model;  // /proc/cpuinfo's "model name", as the kernel reports it
    std::string governor;   // cpu0's cpufreq scaling_governor; "" when not readable (meta.json: null)
    std::string command;    // this process's command line (/proc/self/cmdline, arguments joined by spaces)
    unsigned cores = 0;
    std::string kernel;  // uname -sr
    std::string os;      // PRETTY_NAME from /etc/os-release
    std::string hostname;
    std::string date_utc;                                        // ISO 8601
    std::vector<std::pair<std::string, std::string>> libraries;  // name -> version
};

run_meta collect();
std::string short_machine(const run_meta& m);  // "Intel Xeon ... x2, Linux 6.1" for plot titles
// meta.json: the run_meta, its run id (make_run_id) and the caller's configuration entries. Values are typed:
// an entry that reads as a number in full ("20", "1.5") is a number, "true"/"false" a boolean, "" null; the
// rest strings. cores is a number, an empty governor null.
std::string to_json(const run_meta& m, const std::vector<std::pair<std::string, std::string>>& config = {});
void write_json(const std::string& path, const run_meta& m,
                const std::vector<std::pair<std::string, std::string>>& config = {});
std::string make_run_id(const run_meta& m);  // "20261126T004512Z-347d5c7"

}  // namespace feedbench::meta
