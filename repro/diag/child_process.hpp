// A child process feeddiag owns (the tracer, or the command it runs): started with pipes for its output,
// stopped on every exit path. The destructor of a still-running child sends its stop signal, waits a grace
// period, then SIGKILL, and reaps it: no tracer outlives feeddiag with a probe attached.
#pragma once

#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <sys/types.h>

namespace feedbench::diag {

struct spawn_options {
    bool capture_stdout = false, capture_stderr = false;  // else inherited (stdout may be /dev/null: null_stdout)
    bool null_stdout = false;
    bool own_process_group = false;  // Ctrl-C on the terminal does not reach it; feeddiag stops it in order
    int death_signal = 0;            // sent to the child if feeddiag dies (PR_SET_PDEATHSIG)
    bool unlimited_memlock = false;  // RLIMIT_MEMLOCK = infinity (eBPF maps on older kernels)
    int gate_fd = -1;                // the child blocks reading one byte from this fd before exec
    std::vector<std::pair<std::string, std::string>> env;  // added to the environment
    int stop_signal = SIGTERM;                             // what the destructor sends first
};

class child_process {
public:
    child_process() = default;
    // Throws std::runtime_error naming the program when exec fails (with a gate: once the gate opens, see start_error()).
    child_process(const std::vector<std::string>& argv, const spawn_options& opt);
    ~child_process();
    child_process(child_process&& o) noexcept;
    child_process& operator=(child_process&& o) noexcept;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }
    int stdout_fd() const { return out_; }
    int stderr_fd() const { return err_; }
    bool running() const { return pid_ > 0 && !status_; }

    // Once the gate is open: "" when exec succeeded, else the reason (blocks until exec or failure).
    std::string start_error();
    // Reaps the child if it has exited (no wait). True once it has.
    bool poll_exit();
    // Blocks until the child exits; its exit status.
    int wait();
    // Sends sig, waits up to grace for it to exit, then SIGKILL; reaps. Output left in the pipes stays readable.
    void stop(int sig, std::chrono::milliseconds grace);
    std::optional<int> exit_status() const { return status_; }  // exit code, or 128 + signal
    const rusage& usage() const { return usage_; }

private:
    void reap(int wstatus);
    pid_t pid_ = -1;
    int out_ = -1, err_ = -1, exec_status_ = -1;
    int stop_signal_ = SIGTERM;
    std::optional<int> status_;
    rusage usage_{};
};

// Reads what is available on fd (non-blocking) and appends it to out. False at EOF (or error).
bool drain_fd(int fd, std::string& out);

}  // namespace feedbench::diag
