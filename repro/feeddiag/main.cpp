// feeddiag: attach to a process (or run a command) and say whether it reads its sockets in tiny pieces.
#include "repro/diag/trace_session.hpp"
#include "repro/meta/meta.hpp"
#include "repro/scenarios/plots.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

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

    CLI::App app{"feeddiag: trace a process's socket receives and say whether it reads in tiny pieces.\n"
                 "Usage: feeddiag --pid PID [--seconds N] [--out DIR] [--backend auto|bpftrace|strace]\n"
                 "       feeddiag [--seconds N] [--out DIR] [--backend ...] -- COMMAND [ARGS...]\n"
                 "Example: feeddiag --seconds 10 --out results/diag-lazy1 -- build/release/repro/feedworker/feedworker "
                 "--pool 20 --consume lazy --read-size 1 --jobs 200\n"
                 "Verdict: TINY READS (median bytes per receive <= 16 while busy: CPU + runnable >= 50% of wall), WAITING IN READS "
                 "(CPU <= 25% of wall, a receiving thread >= 50% of wall in epoll/poll/select), else HEALTHY.\n"
                 "With a command: traced for its lifetime (or --seconds, then it gets SIGTERM); its exit status is passed "
                 "through. Bad input or no way to trace: exit 2."};
    diag::trace_options opt;
    std::string out_dir;
    app.add_option("--pid", opt.pid, "process to attach to (every thread)");
    app.add_option("--seconds", opt.seconds, "trace at most this long (0 = until the process exits or Ctrl-C)")->capture_default_str();
    app.add_option("--out", out_dir, "write diag.json, recv_sizes.tsv and recv_sizes.png/.svg here (default results/diag-<pid>)");
    app.add_option("--backend", opt.backend, "auto (bpftrace when root and the kernel allows, else strace), bpftrace or strace")
        ->check(CLI::IsMember({"auto", "bpftrace", "strace"}))
        ->capture_default_str();
    app.add_option("--bpftrace", opt.bpftrace, "the bpftrace program")->capture_default_str();
    app.add_option("--strace", opt.strace, "the strace program")->capture_default_str();
    try {
        app.parse(own, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    opt.command = command;

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    diag::diagnosis d;
    try {
        d = diag::run_trace(opt, stop_requested);
    } catch (const diag::trace_error& e) {
        std::cerr << "feeddiag: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "feeddiag: " << e.what() << "\n";
        return 2;
    }

    std::cout << diag::text_report(d);
    try {
        fs::path out = out_dir.empty() ? fs::path("results") / fmt::format("diag-{}", d.pid) : fs::path(out_dir);
        fs::create_directories(out);
        write_file(out / "diag.json", diag::json_report(d));
        write_file(out / "recv_sizes.tsv", diag::recv_sizes_tsv(d));
        if (diag::summarize(d.counts).data_calls == 0) {   // nothing to plot
            std::cout << "  wrote      " << (out / "diag.json").string() << ", recv_sizes.tsv (no plot: no receive call)\n";
            return d.exit_status.value_or(0);
        }
        auto env = feedbench::scenarios::detect_gnuplot(FEEDBENCH_RESULTS_DIR);
        auto title = fmt::format("bytes per socket receive call: pid {} ({}), {}", d.pid, d.comm,
                                 diag::to_string(d.result.kind));
        auto plot = feedbench::scenarios::render_plot(env, "recv_sizes", out / "recv_sizes",
                                                      {{"data", (out / "recv_sizes.tsv").string()}, {"title", title},
                                                       {"subtitle", fmt::format("{} backend, {}", d.backend,
                                                                                feedbench::meta::short_machine(feedbench::meta::collect()))}});
        std::cout << "  wrote      " << (out / "diag.json").string() << ", recv_sizes.tsv"
                  << (plot.ok ? ", recv_sizes.png, recv_sizes.svg" : " (no plot: " + plot.error + ")") << "\n";
    } catch (const std::exception& e) {
        std::cerr << "feeddiag: " << e.what() << "\n";
        return 1;
    }
    return d.exit_status.value_or(0);
}
