// The in-memory body file (memfd) and the head + sendfile(2) write step.
#include "feedserver/body_file.hpp"

#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace feedbench::feedserver {

// Each body starts on a page boundary: bodies sharing a page cost ~50% more server CPU per request
// on a round-robin load (measured: 16 vs 11 us).
body_file::body_file(const std::vector<std::string_view>& bodies) {
    int fd = ::memfd_create("feedserver-bodies", MFD_CLOEXEC);
    if (fd < 0) return;
    const std::int64_t page = std::max<long>(4096, ::sysconf(_SC_PAGESIZE));
    std::vector<std::int64_t> offsets;
    offsets.reserve(bodies.size());
    std::int64_t offset = 0;
    for (auto rest : bodies) {
        offsets.push_back(offset);
        std::int64_t at = offset;
        while (!rest.empty()) {
            auto n = ::pwrite(fd, rest.data(), rest.size(), static_cast<off_t>(at));
            if (n <= 0) {
                ::close(fd);
                return;
            }
            rest.remove_prefix(static_cast<std::size_t>(n));
            at += n;
        }
        offset = (at + page - 1) / page * page;
    }
    fd_ = fd;
    offsets_ = std::move(offsets);
}

body_file::~body_file() {
    if (fd_ >= 0) ::close(fd_);
}

body_file::body_file(body_file&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), offsets_(std::move(other.offsets_)) {}

body_file& body_file::operator=(body_file&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        offsets_ = std::move(other.offsets_);
    }
    return *this;
}

send_status send_head_and_body(int socket, int file, sendfile_progress& p, std::error_code& error) {
    while (!p.done()) {
        ssize_t n;
        if (!p.head_left.empty()) {
            n = ::send(socket, p.head_left.data(), p.head_left.size(), MSG_NOSIGNAL | MSG_DONTWAIT | MSG_MORE);
        } else {
            off_t offset = static_cast<off_t>(p.file_offset);
            n = ::sendfile(socket, file, &offset, p.file_left);
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return send_status::would_block;
        if (n <= 0) {
            error = std::error_code(n < 0 ? errno : EPIPE, std::system_category());
            return send_status::failed;
        }
        auto written = static_cast<std::size_t>(n);
        p.sent += written;
        if (!p.head_left.empty()) {
            p.head_left.remove_prefix(written);
        } else {
            p.file_offset += static_cast<std::int64_t>(written);
            p.file_left -= written;
        }
    }
    return send_status::done;
}

}  // namespace feedbench::feedserver
