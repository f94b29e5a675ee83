// The body file: every response's keep-alive head and body once more in an unlinked file, so that a
// plain response leaves by one sendfile(2) (no copy through user space, as nginx serves files from the
// page cache), and the head + sendfile write step of a plain response.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <vector>

namespace feedbench::feedserver {

class body_file {
public:
    struct entry {
        std::string_view head, body;
    };

    body_file() = default;
    // Writes each entry's head and body back to back, each entry from a page boundary; head_offsets()
    // and body_offsets() then say where. On any error the file is not open (fd() < 0) and the server
    // falls back to gather writes.
    explicit body_file(const std::vector<entry>& entries);
    ~body_file();
    body_file(body_file&& other) noexcept;
    body_file& operator=(body_file&& other) noexcept;
    body_file(const body_file&) = delete;
    body_file& operator=(const body_file&) = delete;

    int fd() const { return fd_; }
    const std::vector<std::int64_t>& head_offsets() const { return head_offsets_; }  // one per entry
    const std::vector<std::int64_t>& body_offsets() const { return body_offsets_; }  // one per entry

private:
    int fd_ = -1;
    std::vector<std::int64_t> head_offsets_, body_offsets_;
};

// A plain response in flight: the head still to send from memory, then `file_left` bytes of the body
// file at `file_offset` (which may start with the head itself: then head_left is empty).
struct sendfile_progress {
    std::string_view head_left;
    std::int64_t file_offset = 0;
    std::size_t file_left = 0;
    std::size_t sent = 0;  // bytes written so far (head and body)
    bool done() const { return head_left.empty() && file_left == 0; }
};

enum class send_status { done, would_block, failed };

// Writes as much as the socket takes without blocking: a head from memory by send(MSG_MORE), so that
// it and the first body bytes leave in one segment, then the file range by sendfile(2). `error` is set
// on failed.
send_status send_head_and_body(int socket, int file, sendfile_progress& p, std::error_code& error);

}  // namespace feedbench::feedserver
