// feeddiag: attach to a process (or run a command) and say whether it reads its sockets in tiny pieces.
#include "repro/cli/cli.hpp"
#include "repro/diag/trace_session.hpp"
#include "repro/meta/meta.hpp"
#include "repro/scenarios/plots.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace cli = feedbench::cli;
namespace diag = feedbench::diag;
namespace fs = std::filesystem;

namespace {

std::atomic<bool> stop_requested{false};
extern "C" void on_signal(int) { stop_requested.store(true); }

void write_file(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace

int main(int argc, char** argv) {
    // Everything after "--" is the command to run, untouched by the option parser.
    std::vector<std::string> command;
    int own = argc;
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == "--") {
            own = i;
            command.assign(argv + i + 1, argv + argc);
            break;
        }

    CLI::App app;
    cli::describe(
        app,
        {"feeddiag: trace a process's socket receives and say whether it reads in tiny pieces.",
         "feeddiag --pid PID [--seconds N] [--out DIR] [--backend auto|bpftrace|strace] | "
         "feeddiag [--seconds N] [--out DIR] [--backend ...] -- COMMAND [ARGS...]",
         "feeddiag --seconds 10 --out results/diag-lazy1 -- build/release/repro/feedworker/feedworker "
         "--pool 20 --consume lazy --read-size 1 --jobs 200",
         "Verdict: TINY READS (median bytes per receive <= 16 while busy: CPU + runnable >= 50% of wall), WAITING IN "
         "READS "
         "(CPU <= 25% of wall, a receiving thread >= 50% of wall in epoll/poll/select), else HEALTHY.\n"
         "Exit status: with a command, traced for its lifetime (or --seconds, then it gets SIGTERM), the command's own "
         "exit status is passed through; else 0 ok, 1 the report could not be written, 2 bad arguments or no way "
         "to trace (no such pid, a command that cannot start, a backend not allowed here)."});
    diag::trace_options opt;
    std::string out_dir;
    app.add_option("--pid", opt.pid, "process to attach to (every thread)")->check(CLI::Range(1, 1 << 22));
    app.add_option("--seconds", opt.seconds, "trace at most this long (0 = until the process exits or Ctrl-C)")
        ->check(CLI::Range(0.0, 86'400.0))
        ->capture_default_str();
    app.add_option("--out", out_dir,
                   "write diag.json, recv_sizes.tsv and recv_sizes.png/.svg here (default results/diag-<pid>)");
    app.add_option("--backend", opt.backend,
                   "auto (bpftrace when root and the kernel allows, else strace), bpftrace or strace")
        ->check(CLI::IsMember({"auto", "bpftrace", "strace"}))
        ->capture_default_str();
    app.add_option("--bpftrace", opt.bpftrace, "the bpftrace program")->capture_default_str();
    app.add_option("--strace", opt.strace, "the strace program")->capture_default_str();
    if (auto code = cli::parse(app, own, argv)) return *code;
    opt.command = command;

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    diag::diagnosis d;
    try {
        d = diag::run_trace(opt, stop_requested);
    } catch (const std::exception& e) {  // diag::trace_error and anything else before the trace ran
        return cli::fail(app, e.what(), cli::exit_bad_arguments);
    }

    std::cout << diag::text_report(d);
    try {
        fs::path out = out_dir.empty() ? fs::path("results") / fmt::format("diag-{}", d.pid) : fs::path(out_dir);
        fs::create_directories(out);
        write_file(out / "diag.json", diag::json_report(d));
        write_file(out / "recv_sizes.tsv", diag::recv_sizes_tsv(d));
        if (diag::summarize(d.counts).data_calls == 0) {  // nothing to plot
            std::cout << "  wrote      " << (out / "diag.json").string()
                      << ", recv_sizes.tsv (no plot: no receive call)\n";
            return d.exit_status.value_or(0);
        }
        auto env = feedbench::scenarios::detect_gnuplot(FEEDBENCH_RESULTS_DIR);
        auto title = fmt::format("bytes per socket receive call: pid {} ({}), {}", d.pid, d.comm,
                                 diag::to_string(d.result.kind));
        auto plot = feedbench::scenarios::render_plot(
            env, "recv_sizes", out / "recv_sizes",
            {{"data", (out / "recv_sizes.tsv").string()},
             {"title", title},
             {"subtitle",
              fmt::format("{} backend, {}", d.backend, feedbench::meta::short_machine(feedbench::meta::collect()))}});
        std::cout << "  wrote      " << (out / "diag.json").string() << ", recv_sizes.tsv"
                  << (plot.ok ? ", recv_sizes.png, recv_sizes.svg" : " (no plot: " + plot.error + ")") << "\n";
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_failed);
    }
    return d.exit_status.value_or(0);
}
