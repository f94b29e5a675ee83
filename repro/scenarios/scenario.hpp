// A scenario is data: a list of configurations (a matrix of axis values), the 2012 finding it
// checks, its verdict rule with the threshold written next to it, and its plots. Loaded from *.scn files.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedbench::scenarios {

// Thrown for a bad scenario file; what() names the file, the line and the field.
class scenario_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The configuration axes, in CSV column order. The words are the README's (Vocabulary).
// intake: embedded, or amqp (the run's private broker); amqp: get | consume; prefetch: consume's window;
// processes: worker processes on the queue (1: the worker runs in feedrepro; more: feedworker processes);
// publish: jobs/s a producer trickles onto the queue while the workers run (0: the queue is filled first);
// incident: none | broker-restart (the broker restarts mid-run) | worker-kill (one of the processes gets SIGKILL).
enum class axis {
    corpus,
    formats,
    client,
    read_size,
    consume,
    yield,
    pool,
    charset,
    query,
    intake,
    amqp,
    prefetch,
    processes,
    publish,
    incident,
    jobs
};
inline constexpr std::size_t axis_count = 16;
inline constexpr std::array<std::string_view, axis_count> axis_names{
    "corpus", "formats", "client", "read_size", "consume",   "yield",   "pool",     "charset",
    "query",  "intake",  "amqp",   "prefetch",  "processes", "publish", "incident", "jobs"};
inline constexpr std::array<std::string_view, axis_count> axis_defaults{
    "synthetic", "rss+atom+jsonfeed", "beast",   "whole", "eager", "would-block", "1",    "content",
    "none",      "embedded",          "consume", "10",    "1",     "0",           "none", "100"};
inline constexpr std::array<std::string_view, 3> incident_words{"none", "broker-restart", "worker-kill"};

std::optional<axis> parse_axis(std::string_view name);

// One point of the matrix: every axis has a value (defaults fill the ones a matrix line omits).
struct configuration {
    std::array<std::string, axis_count> values{};
    std::string label;   // the axes that vary in the scenario (jobs excepted), "read_size=1;pool=20"
    std::string series;  // the same without read_size: one line of a plot against read size
    const std::string& get(axis a) const { return values[static_cast<std::size_t>(a)]; }
    std::string& get(axis a) { return values[static_cast<std::size_t>(a)]; }
    std::string key() const;  // every axis but jobs: identifies the configuration
};

// core::read_size's bytes: "1" -> 1, "1k" -> 1024, "10k" -> 10240, "500k" -> 512000, "whole" -> 0, "4096" -> 4096.
// Throws std::invalid_argument for anything else.
std::size_t read_size_bytes(std::string_view v);
// Where a read size sits on a log x axis: whole is drawn right of every byte count.
inline constexpr double whole_plot_x = 2097152.0;
double read_size_plot_x(std::string_view v);

// axis=value pairs a configuration must carry: "read_size=1,pool=20".
struct selector {
    std::vector<std::pair<axis, std::string>> terms;
    bool matches(const configuration& c) const;
    std::string to_string() const;
};

// A metric of one configuration: the median over repetitions of a CSV column (e.g. jobs_per_s).
struct metric_ref {
    std::string metric;
    selector where;
    std::string to_string() const;  // "jobs_per_s{read_size=1,pool=20}"
};

enum class check_op { at_least, at_most, within, measure };

// One line of the verdict rule: value = a (or a / b), compared with the threshold.
// within: |a/b - 1| <= threshold. measure: reported, no threshold (the scenario is MEASURED).
struct check {
    metric_ref a;
    std::optional<metric_ref> b;
    check_op op = check_op::measure;
    double threshold = 0;
    std::string text;  // the rule as written in the file
};

// One plot: a gnuplot script (results/<kind>.gp) over this scenario's data, optionally a subset.
struct plot_spec {
    std::string kind;    // jobs_vs_read_size, cpu_vs_read_size, stage_wall_cpu, latency_cdf, bars, request_latency
    selector filter;     // configurations drawn (empty = all)
    std::string metric;  // bars: the column drawn (default jobs_per_s)
    std::string name;    // output file stem, "S3_jobs_vs_read_size"
};

enum class runner_kind { worker, parse_memory };

// An external worker (examples/README.md: the FEEDBENCH_* contract), named by an `external NAME COMMAND...`
// line and chosen on the client axis as `client=external:NAME`. `{examples}` in the command is the
// repository's examples/ folder.
inline constexpr std::string_view external_client_prefix = "external:";
struct external_worker {
    std::string name;                  // "original-stack"
    std::vector<std::string> command;  // argv
};
// "external:original-stack" -> "original-stack"; "" for beast, curl.
std::string external_name(std::string_view client);

struct matrix_line {
    std::vector<std::pair<axis, std::vector<std::string>>> axes;
    int line = 0;
};

struct scenario {
    std::string id;  // "S3"
    std::string title;
    std::string finding;  // what the 2012 case found
    std::string why;      // why the threshold is what it is
    std::string note;     // anything else the report should say
    bool must_reproduce = false;
    runner_kind runner = runner_kind::worker;
    std::string needs_corpus;  // a folder of the shared corpus this scenario needs ("" = none)
    bool in_quick = true;      // false: runs with --full or when --scenarios names it, not in the quick default
    int min_repeat = 1;        // at least this many repetitions of each configuration, whatever --repeat says
    std::vector<matrix_line> quick, full;
    std::vector<check> checks;
    std::vector<plot_spec> plots;
    std::vector<std::string>
        table;  // metric columns of the report table (default: jobs_per_s cpu_util latency_p50_ms failed)
    std::vector<external_worker> externals;  // the external workers the client axis may name
    std::vector<selector> diagnose;          // external configurations traced with feeddiag (one extra run each)
    const external_worker* find_external(std::string_view name) const;
    std::filesystem::path source;
};

inline constexpr std::array<std::string_view, 6> plot_kinds{
    "jobs_vs_read_size", "cpu_vs_read_size", "stage_wall_cpu", "latency_cdf", "bars", "request_latency"};

// Every metric a scenario CSV carries per repetition (and a check may name).
const std::vector<std::string>& metric_names();
bool is_metric(std::string_view name);

// Parses one scenario from the line format (see repro/scenarios/data/README.md).
// Validates it: known fields, axes, values, metrics, plot kinds; every check selector names
// exactly one configuration of both matrices. Throws scenario_error naming the field.
scenario parse_scenario(std::string_view text, const std::string& origin);
scenario load_scenario_file(const std::filesystem::path& file);
// Every *.scn of a folder, sorted by id.
std::vector<scenario> load_scenario_dir(const std::filesystem::path& dir);

// The matrix (full or quick) as configurations, labels filled in. Duplicates are an error.
std::vector<configuration> expand(const scenario& s, bool full);

// Splits on a delimiter, keeping empty fields.
std::vector<std::string> split(std::string_view s, char delim);

}  // namespace feedbench::scenarios
