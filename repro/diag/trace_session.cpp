#include "repro/diag/trace_session.hpp"

#include "repro/diag/bpftrace_backend.hpp"
#include "repro/diag/child_process.hpp"
#include "repro/diag/strace_backend.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace feedbench::diag {

namespace {

using clock = std::chrono::steady_clock;

bool on_path(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    for (std::size_t start = 0; start <= p.size();) {
        auto end = p.find(':', start);
        if (end == std::string::npos) end = p.size();
        auto dir = p.substr(start, end - start);
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    // sbin is not on every user's PATH
    for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin"})
        if (::access((std::string(dir) + "/" + program).c_str(), X_OK) == 0) return true;
    return false;
}

std::string bpftrace_reason(const trace_options& opt) {
    if (::geteuid() != 0) return "bpftrace (eBPF) needs root";
    if (!on_path(opt.bpftrace)) return "bpftrace is not installed (Debian package bpftrace)";
    return bpftrace_unavailable_reason(true);
}

std::string strace_reason(const trace_options& opt) {
    if (!on_path(opt.strace)) return "strace is not installed (Debian package strace)";
    return {};
}

std::string tail(const std::string& s, std::size_t n = 600) {
    auto t = s.size() > n ? s.substr(s.size() - n) : s;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t;
}

// Drops bpftrace's note about RLIMIT_MEMLOCK (harmless with memcg-accounted BPF memory) from error text.
std::string clean_stderr(const std::string& s) {
    std::string out;
    std::size_t start = 0;
    while (start < s.size()) {
        auto nl = s.find('\n', start);
        auto line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start + 1);
        if (line.find("RLIMIT_MEMLOCK") == std::string::npos) out += line;
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return out;
}

// The tracer's output, read as it comes. strace's trace goes through the parser line by line.
struct tracer_output {
    std::string out, err;  // bpftrace: maps on stdout; strace: the trace lines are not kept
    std::string partial;   // strace: a line not yet complete
    std::optional<strace_parser> parser;
    std::string messages;  // strace's own "strace: ..." lines
    bool out_open = true, err_open = true;

    void read(const child_process& t) {
        if (out_open && t.stdout_fd() >= 0) out_open = drain_fd(t.stdout_fd(), out);
        if (err_open && t.stderr_fd() >= 0) {
            if (!parser) {
                err_open = drain_fd(t.stderr_fd(), err);
                return;
            }
            err_open = drain_fd(t.stderr_fd(), partial);
            std::size_t start = 0;
            for (;;) {
                auto nl = partial.find('\n', start);
                if (nl == std::string::npos) break;
                std::string_view line(partial.data() + start, nl - start);
                if (line.starts_with("strace: "))
                    messages.append(line).append("\n");
                else
                    parser->line(line);
                start = nl + 1;
            }
            partial.erase(0, start);
            if (!err_open && !partial.empty()) {
                parser->line(partial);
                partial.clear();
            }
        }
    }
    bool open(const child_process& t) const {
        return (out_open && t.stdout_fd() >= 0) || (err_open && t.stderr_fd() >= 0);
    }
    // Waits up to ms for output on the tracer's pipes.
    void wait(const child_process& t, int ms) {
        pollfd fds[2];
        nfds_t n = 0;
        if (out_open && t.stdout_fd() >= 0) fds[n++] = {t.stdout_fd(), POLLIN, 0};
        if (err_open && t.stderr_fd() >= 0) fds[n++] = {t.stderr_fd(), POLLIN, 0};
        if (n == 0) {
            ::usleep(static_cast<useconds_t>(ms) * 1000);
            return;
        }
        ::poll(fds, n, ms);
    }
};

// Thread samples: the last one of every thread seen, so threads that end keep their numbers.
struct thread_book {
    std::map<int, thread_sample> first, last;
    void sample(int pid) {
        for (auto& [tid, s] : read_threads(pid)) {
            if (!first.contains(tid)) first[tid] = thread_sample{s.comm, {}};  // started during the trace: from zero
            last[tid] = s;
        }
    }
    std::map<int, thread_sample> deltas() const {
        std::map<int, thread_sample> out;
        for (auto& [tid, s] : last) {
            auto f = first.find(tid);
            out[tid] = thread_sample{s.comm, f == first.end() ? s.cpu : s.cpu - f->second.cpu};
        }
        return out;
    }
};

}  // namespace

std::string choose_backend(const trace_options& opt) {
    if (opt.backend == "bpftrace") {
        if (auto r = bpftrace_reason(opt); !r.empty()) throw trace_error("--backend bpftrace: " + r);
        return "bpftrace";
    }
    if (opt.backend == "strace") {
        if (auto r = strace_reason(opt); !r.empty()) throw trace_error("--backend strace: " + r);
        return "strace";
    }
    if (opt.backend != "auto")
        throw trace_error("--backend: expected auto, bpftrace or strace, got '" + opt.backend + "'");
    auto b = bpftrace_reason(opt);
    if (b.empty()) return "bpftrace";
    auto s = strace_reason(opt);
    if (s.empty()) return "strace";
    throw trace_error("no tracing backend can run: " + b + "; " + s);
}

diagnosis run_trace(const trace_options& opt, const std::atomic<bool>& stop) {
    if ((opt.pid > 0) == !opt.command.empty()) throw trace_error("give either --pid PID or -- COMMAND [ARGS...]");
    if (opt.pid > 0 && !process_exists(opt.pid)) throw trace_error(fmt::format("no process with pid {}", opt.pid));
    if (opt.pid > 0 && opt.pid == ::getpid()) throw trace_error("feeddiag cannot trace itself");
    if (opt.seconds < 0) throw trace_error("--seconds must be >= 0");

    diagnosis d;
    d.backend = choose_backend(opt);
    d.command = opt.command;
    if (opt.measure_cost) {
        try {
            d.cost = measure_recv_cost();  // before any probe is attached
        } catch (const std::exception&) {}
    }

    // The command, held at a gate until the tracer is attached.
    child_process target;
    int gate[2] = {-1, -1};
    if (!opt.command.empty()) {
        if (::pipe2(gate, O_CLOEXEC) < 0) throw trace_error(std::string("pipe: ") + std::strerror(errno));
        spawn_options so;
        so.gate_fd = gate[0];
        target = child_process(opt.command, so);
        ::close(gate[0]);
    }
    auto close_gate = [&] {
        if (gate[1] >= 0) ::close(gate[1]);  // without a byte written, the held command exits 127 unexecuted
        gate[1] = -1;
    };
    struct gate_guard {
        std::function<void()> f;
        ~gate_guard() { f(); }
    } guard{close_gate};
    const int pid = opt.pid > 0 ? opt.pid : target.pid();
    d.pid = pid;
    bool stopped_before = process_state(pid) == 'T';

    // The tracer in its own process group (the terminal's Ctrl-C reaches feeddiag, which stops it in order);
    // SIGINT if feeddiag dies: bpftrace detaches and strace lets go of its tracees.
    spawn_options to;
    to.capture_stdout = d.backend == "bpftrace";
    to.null_stdout = d.backend == "strace";
    to.capture_stderr = true;
    to.own_process_group = true;
    to.death_signal = SIGINT;
    to.stop_signal = SIGINT;
    std::vector<std::string> argv;
    if (d.backend == "bpftrace") {
        argv = {opt.bpftrace, "-e", bpftrace_program(pid)};
        to.unlimited_memlock = true;
        to.env = {{"BPFTRACE_MAP_KEYS_MAX", std::string(bpftrace_map_keys_max)}};
        d.backend_detail = "eBPF: tracepoint sock:sock_recv_length";
    } else {
        argv = {opt.strace};
        for (auto& a : strace_arguments(pid)) argv.push_back(a);
        d.backend_detail = "ptrace: strace -f -yy -T on the receive and wait syscalls";
    }
    child_process tracer;
    try {
        tracer = child_process(argv, to);
    } catch (const std::exception& e) {
        throw trace_error(std::string("cannot start the tracer: ") + e.what());
    }
    tracer_output tout;
    if (d.backend == "strace") tout.parser.emplace(d.counts, pid);

    // Ready: bpftrace prints its line from BEGIN once every probe is attached; strace says "Process N attached".
    const std::string ready =
        d.backend == "bpftrace" ? std::string(bpftrace_ready_line) : fmt::format("Process {} attached", pid);
    for (auto give_up = clock::now() + std::chrono::seconds(60);;) {
        tout.read(tracer);
        const auto& seen = d.backend == "bpftrace" ? tout.out : tout.messages;
        if (seen.find(ready) != std::string::npos) break;
        if (tracer.poll_exit() || !tout.open(tracer)) {
            tout.read(tracer);
            auto why = tail(clean_stderr(d.backend == "bpftrace" ? tout.err : tout.messages));
            throw trace_error(
                fmt::format("{} could not attach to pid {}: {}", d.backend, pid, why.empty() ? "it exited" : why));
        }
        if (stop.load()) throw trace_error("interrupted before the tracer was attached");
        if (clock::now() > give_up) throw trace_error(fmt::format("{} did not attach within 60 s", d.backend));
        tout.wait(tracer, 100);
    }

    thread_book book;
    auto cpu_first = read_process_cpu(pid).value_or(cpu_times{});
    book.sample(pid);
    if (!opt.command.empty()) {
        char go = 'g';
        if (::write(gate[1], &go, 1) != 1) throw trace_error("the command ended before it could start");
        close_gate();
        if (auto e = target.start_error(); !e.empty())
            throw trace_error(fmt::format("cannot start {}: {}", opt.command.front(), e));
    }
    const auto t0 = clock::now();
    const auto deadline =
        opt.seconds > 0 ? t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(opt.seconds))
                        : clock::time_point::max();
    std::optional<cpu_times> cpu_last = cpu_first;
    // bpftrace counts receives only: the waits are sampled from /proc every 10 ms (a wait seen = one entry into it).
    d.waits_sampled = d.backend == "bpftrace";
    std::map<int, bool> waiting;
    auto last_wait_sample = t0;
    std::string comm = process_comm(pid);
    auto next_sample = t0;
    for (;;) {
        tout.read(tracer);
        auto now = clock::now();
        if (now >= next_sample) {  // every 100 ms: the threads' CPU, the process's CPU and name
            book.sample(pid);
            if (auto c = read_process_cpu(pid)) cpu_last = c;
            if (auto c = process_comm(pid); !c.empty()) comm = c;
            next_sample = now + std::chrono::milliseconds(100);
        }
        if (d.waits_sampled) {
            auto ns =
                static_cast<std::uint64_t>(std::chrono::duration<double, std::nano>(now - last_wait_sample).count());
            last_wait_sample = now;
            for (auto& [tid, s] : book.last) {
                bool w = in_wait_syscall(pid, tid);
                if (w) d.counts.add_wait(tid, waiting[tid] ? 0 : 1, ns);
                waiting[tid] = w;
            }
        }
        if (!opt.command.empty() ? target.poll_exit() : (!process_exists(pid) || process_state(pid) == 'Z')) {
            d.ended = "process exited";
            break;
        }
        if (now >= deadline) {
            d.ended = "time limit";
            break;
        }
        if (stop.load()) {
            d.ended = "interrupted";
            break;
        }
        if (tracer.poll_exit()) {
            tout.read(tracer);
            d.ended = "tracer exited: " + tail(clean_stderr(d.backend == "bpftrace" ? tout.err : tout.messages), 200);
            break;
        }
        tout.wait(tracer, 10);
    }
    d.wall_s = std::chrono::duration<double>(clock::now() - t0).count();
    if (d.ended != "process exited") {
        book.sample(pid);
        if (auto c = read_process_cpu(pid)) cpu_last = c;
    }
    d.comm = comm;

    // Stop the tracer and read the rest of its output (bpftrace prints its maps now). bpftrace 0.17 can miss a
    // SIGINT that comes right after BEGIN: it is repeated every second until the tracer exits.
    auto next_signal = clock::now();
    for (auto give_up = clock::now() + std::chrono::seconds(30); tout.open(tracer) && clock::now() < give_up;) {
        if (!tracer.poll_exit() && clock::now() >= next_signal) {
            ::kill(tracer.pid(), SIGINT);
            next_signal = clock::now() + std::chrono::seconds(1);
        }
        tout.wait(tracer, 100);
        tout.read(tracer);
    }
    tracer.stop(SIGKILL, std::chrono::milliseconds(2000));
    if (d.backend == "bpftrace") parse_bpftrace_output(tout.out, d.counts);

    // CPU over the trace: the command's own rusage when it ended, else the /proc samples.
    if (!opt.command.empty() && target.running()) {
        target.stop(SIGTERM,
                    std::chrono::milliseconds(5000));  // time limit or interrupt: the command ends with the trace
    }
    if (!opt.command.empty() && target.exit_status()) {
        d.exit_status = target.exit_status();
        if (d.ended == "process exited") {
            auto& u = target.usage();
            d.cpu.user_s = static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) / 1e6;
            d.cpu.system_s = static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) / 1e6;
            d.cpu.voluntary = static_cast<std::uint64_t>(u.ru_nvcsw);
            d.cpu.involuntary = static_cast<std::uint64_t>(u.ru_nivcsw);
        } else {
            d.cpu = cpu_last.value_or(cpu_times{}) - cpu_first;
        }
    } else {
        d.cpu = cpu_last.value_or(cpu_times{}) - cpu_first;
    }
    d.threads = book.deltas();
    d.cpu.run_delay_s = 0;  // from the thread samples (rusage has no run delay)
    for (auto& [tid, s] : d.threads) d.cpu.run_delay_s += s.cpu.run_delay_s;
    if (opt.pid > 0 && !stopped_before && process_state(pid) == 'T') ::kill(pid, SIGCONT);  // never leave it stopped
    conclude(d);
    return d;
}

}  // namespace feedbench::diag
