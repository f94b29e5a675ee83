// Collects what machine, build and libraries made a result, and writes it as meta.json.
#include "repro/meta/meta.hpp"

#include "repro/core/strings.hpp"

#include <boost/version.hpp>
#include <nlohmann/json.hpp>
#include <curl/curlver.h>
#include <fmt/format.h>
#include <libxml/xmlversion.h>
#include <simdjson.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <iterator>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef FEEDBENCH_SOURCE_DIR
#define FEEDBENCH_SOURCE_DIR "."
#endif
#ifndef FEEDBENCH_BUILD_FLAGS
#define FEEDBENCH_BUILD_FLAGS ""
#endif

#define FEEDBENCH_STR2(x) #x
#define FEEDBENCH_STR(x) FEEDBENCH_STR2(x)

namespace feedbench::meta {
namespace {

std::string command_output(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        std::array<char, 256> buf{};
        while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
        ::pclose(p);
    }
    return std::string(core::trim(out));
}

std::string field_from_file(const char* path, const std::string& key, char sep) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) != 0) continue;
        auto pos = line.find(sep);
        if (pos == std::string::npos) continue;
        auto v = std::string(core::trim(std::string_view(line).substr(pos + 1)));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return v;
    }
    return {};
}

// The first line of a file, trimmed; "" when it cannot be read.
std::string first_line(const char* path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return std::string(core::trim(line));
}

// /proc/self/cmdline: NUL-separated arguments, joined by spaces (an argument with a space is quoted).
std::string own_command_line() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), out, arg;
    for (char c : text) {
        if (c != '\0') {
            arg += c;
            continue;
        }
        if (arg.find(' ') != std::string::npos) arg = "'" + arg + "'";
        out += (out.empty() ? "" : " ") + arg;
        arg.clear();
    }
    return out;
}

// A configuration value, typed: a number when the whole text is one, a boolean for true/false, null for "".
nlohmann::ordered_json typed(const std::string& v) {
    if (v.empty()) return nullptr;
    if (v == "true") return true;
    if (v == "false") return false;
    double d = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    bool plain = v.front() != '+' && !(v.size() > 1 && v.front() == '0' && v[1] != '.');  // no "007" ids
    if (ec == std::errc() && end == v.data() + v.size() && plain && std::isfinite(d)) {
        if (d == std::floor(d) && std::fabs(d) < 9e15 && v.find_first_of(".eE") == std::string::npos)
            return static_cast<std::int64_t>(d);
        return d;
    }
    return v;
}

}  // namespace

run_meta collect() {
    run_meta m;
    std::string src = FEEDBENCH_SOURCE_DIR;
    m.commit = command_output("git -C '" + src + "' rev-parse --short HEAD 2>/dev/null");
    if (m.commit.empty())
        m.commit = "unknown";
    else if (!command_output("git -C '" + src + "' status --porcelain --untracked-files=no 2>/dev/null").empty())
        m.commit += "-dirty";
#if defined(__clang__)
    m.compiler = "clang++ " __clang_version__;
#elif defined(__GNUC__)
    m.compiler = "g++ " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                 std::to_string(__GNUC_PATCHLEVEL__);
#endif
    m.flags = FEEDBENCH_BUILD_FLAGS;
    m.cpu_model = field_from_file("/proc/cpuinfo", "model name", ':');
    m.governor = first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    m.command = own_command_line();
    m.cores = std::thread::hardware_concurrency();
    utsname u{};
    if (::uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
    m.os = field_from_file("/etc/os-release", "PRETTY_NAME", '=');
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) m.hostname = host;
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    m.date_utc = date;
    std::string boost = std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
                        "." + std::to_string(BOOST_VERSION % 100);
    m.libraries = {{"boost", boost},
                   {"libcurl", LIBCURL_VERSION},
                   {"libxml2", LIBXML_DOTTED_VERSION},
                   {"simdjson", FEEDBENCH_STR(SIMDJSON_VERSION)},
                   {"uchardet", command_output("dpkg-query -W -f='${Version}' libuchardet0 2>/dev/null")},
                   {"librabbitmq", command_output("dpkg-query -W -f='${Version}' librabbitmq4 2>/dev/null")},
                   {"gnuplot", command_output("gnuplot --version 2>/dev/null")}};
    return m;
}

std::string short_machine(const run_meta& m) {
    std::string cpu = m.cpu_model.empty() ? "unknown CPU" : m.cpu_model;
    std::ostringstream o;
    o << cpu << " x" << m.cores << ", " << m.kernel.substr(0, m.kernel.rfind(' '));
    return o.str();
}

std::string to_json(const run_meta& m, const std::vector<std::pair<std::string, std::string>>& config) {
    // Keys in the order written here; invalid UTF-8 (a hostname, a flag) is replaced, never thrown on.
    nlohmann::ordered_json j;
    j["run_id"] = make_run_id(m);
    j["command"] = m.command;
    j["commit"] = m.commit;
    j["compiler"] = m.compiler;
    j["flags"] = m.flags;
    j["cpu_model"] = m.cpu_model;
    j["governor"] = m.governor.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(m.governor);
    j["cores"] = m.cores;
    j["kernel"] = m.kernel;
    j["os"] = m.os;
    j["hostname"] = m.hostname;
    j["date_utc"] = m.date_utc;
    auto& libraries = j["libraries"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : m.libraries) libraries[k] = v;
    auto& configuration = j["configuration"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : config) configuration[k] = typed(v);
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void write_json(const std::string& path, const run_meta& m,
                const std::vector<std::pair<std::string, std::string>>& config) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << to_json(m, config);
}

std::string make_run_id(const run_meta& m) {
    std::string d;
    for (char c : m.date_utc)
        if (c != '-' && c != ':') d += c;
    return d + "-" + m.commit;
}

}  // namespace feedbench::meta
