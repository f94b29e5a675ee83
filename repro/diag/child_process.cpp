#include "repro/diag/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace feedbench::diag {

namespace {

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

bool drain_fd(int fd, std::string& out) {
    char buf[65536];
    for (;;) {
        auto n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        return false;  // EOF or error
    }
}

child_process::child_process(const std::vector<std::string>& argv, const spawn_options& opt)
    : stop_signal_(opt.stop_signal) {
    int out[2] = {-1, -1}, err[2] = {-1, -1}, status[2] = {-1, -1};
    if ((opt.capture_stdout && ::pipe2(out, O_CLOEXEC) < 0) || (opt.capture_stderr && ::pipe2(err, O_CLOEXEC) < 0) ||
        ::pipe2(status, O_CLOEXEC) < 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid_ == 0) {
        // Child: only async-signal-safe calls until exec.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) ::signal(sig, SIG_DFL);
        if (opt.own_process_group) ::setpgid(0, 0);
        if (opt.death_signal) {
            ::prctl(PR_SET_PDEATHSIG, opt.death_signal);
            if (::getppid() != parent) ::_exit(127);
        }
        if (opt.unlimited_memlock) {
            rlimit r{RLIM_INFINITY, RLIM_INFINITY};
            ::setrlimit(RLIMIT_MEMLOCK, &r);
        }
        if (opt.capture_stdout) ::dup2(out[1], 1);
        if (opt.null_stdout) {
            int n = ::open("/dev/null", O_WRONLY);
            if (n >= 0) ::dup2(n, 1);
        }
        if (opt.capture_stderr) ::dup2(err[1], 2);
        for (auto& [k, v] : opt.env) ::setenv(k.c_str(), v.c_str(), 1);
        if (opt.gate_fd >= 0) {
            char go = 0;
            ssize_t n;
            do n = ::read(opt.gate_fd, &go, 1);
            while (n < 0 && errno == EINTR);
            if (n != 1) ::_exit(127);  // feeddiag gave up before opening the gate
            ::close(opt.gate_fd);
        }
        // The child keeps none of this process's other descriptors (an in-process feed server's sockets
        // among them: a connection the server closed would stay open, silent, in the child).
        ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
        ::execvp(args[0], args.data());
        int e = errno;
        [[maybe_unused]] auto w = ::write(status[1], &e, sizeof e);
        ::_exit(127);
    }
    close_fd(out[1]);
    close_fd(err[1]);
    close_fd(status[1]);
    out_ = out[0];
    err_ = err[0];
    exec_status_ = status[0];
    for (int fd : {out_, err_})
        if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (opt.gate_fd < 0) {
        auto e = start_error();
        if (!e.empty()) {
            stop(SIGKILL, std::chrono::milliseconds(0));
            throw std::runtime_error(argv.front() + ": " + e);
        }
    }
}

std::string child_process::start_error() {
    if (exec_status_ < 0) return {};
    int e = 0;
    ssize_t n;
    do n = ::read(exec_status_, &e, sizeof e);
    while (n < 0 && errno == EINTR);
    close_fd(exec_status_);
    if (n == static_cast<ssize_t>(sizeof e)) return std::strerror(e);
    return {};
}

child_process::~child_process() {
    if (running()) stop(stop_signal_, std::chrono::milliseconds(3000));
    close_fd(out_);
    close_fd(err_);
    close_fd(exec_status_);
}

child_process::child_process(child_process&& o) noexcept { *this = std::move(o); }

child_process& child_process::operator=(child_process&& o) noexcept {
    if (this == &o) return *this;
    if (running()) stop(stop_signal_, std::chrono::milliseconds(3000));
    close_fd(out_);
    close_fd(err_);
    close_fd(exec_status_);
    pid_ = std::exchange(o.pid_, -1);
    out_ = std::exchange(o.out_, -1);
    err_ = std::exchange(o.err_, -1);
    exec_status_ = std::exchange(o.exec_status_, -1);
    stop_signal_ = o.stop_signal_;
    status_ = std::exchange(o.status_, std::nullopt);
    usage_ = o.usage_;
    return *this;
}

void child_process::reap(int wstatus) {
    if (WIFEXITED(wstatus))
        status_ = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus))
        status_ = 128 + WTERMSIG(wstatus);
    else
        status_ = 255;
}

bool child_process::poll_exit() {
    if (pid_ <= 0 || status_) return status_.has_value();
    int ws = 0;
    pid_t r;
    do r = ::wait4(pid_, &ws, WNOHANG, &usage_);
    while (r < 0 && errno == EINTR);
    if (r == pid_)
        reap(ws);
    else if (r < 0)
        status_ = 255;  // not our child any more: nothing left to wait for
    return status_.has_value();
}

int child_process::wait() {
    if (pid_ > 0 && !status_) {
        int ws = 0;
        pid_t r;
        do r = ::wait4(pid_, &ws, 0, &usage_);
        while (r < 0 && errno == EINTR);
        if (r == pid_)
            reap(ws);
        else
            status_ = 255;
    }
    return status_.value_or(255);
}

void child_process::stop(int sig, std::chrono::milliseconds grace) {
    if (!running()) return;
    if (poll_exit()) return;
    ::kill(pid_, sig);
    auto until = std::chrono::steady_clock::now() + grace;
    while (!poll_exit() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!status_) {
        ::kill(pid_, SIGKILL);
        wait();
    }
}

}  // namespace feedbench::diag
