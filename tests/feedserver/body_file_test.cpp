// The body file: every entry at a page boundary, head then body, and the head + sendfile step over a real
// socket pair.
#include "feedserver/body_file.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>

using namespace feedbench::feedserver;

namespace {
std::string read_at(int fd, std::int64_t offset, std::size_t n) {
    std::string out(n, '\0');
    EXPECT_EQ(::pread(fd, out.data(), n, offset), static_cast<ssize_t>(n));
    return out;
}
}  // namespace

TEST(BodyFile, EveryEntryAtAPageBoundaryHeadThenBody) {
    std::string a(5000, 'a'), b = "b", c(4096, 'c');
    body_file file({{"HEAD-A\r\n\r\n", a}, {"", b}, {"H", {}}, {"HEAD-C\r\n\r\n", c}});
    ASSERT_GE(file.fd(), 0);
    ASSERT_EQ(file.head_offsets().size(), 4u);
    ASSERT_EQ(file.body_offsets().size(), 4u);
    EXPECT_EQ(file.head_offsets()[0], 0);
    for (auto off : file.head_offsets()) EXPECT_EQ(off % 4096, 0) << off;
    EXPECT_GE(file.head_offsets()[1], 5000);
    EXPECT_EQ(read_at(file.fd(), file.head_offsets()[0], 10 + a.size()), "HEAD-A\r\n\r\n" + a);
    EXPECT_EQ(read_at(file.fd(), file.body_offsets()[0], a.size()), a);
    EXPECT_EQ(file.body_offsets()[1], file.head_offsets()[1]);
    EXPECT_EQ(read_at(file.fd(), file.body_offsets()[1], b.size()), b);
    EXPECT_EQ(file.body_offsets()[2], file.head_offsets()[2] + 1);
    EXPECT_EQ(read_at(file.fd(), file.body_offsets()[3], c.size()), c);
    body_file moved = std::move(file);
    EXPECT_LT(file.fd(), 0);
    EXPECT_EQ(read_at(moved.fd(), moved.body_offsets()[3], c.size()), c);
}

TEST(BodyFile, HeadThenBodyOverASocket) {
    std::string body(100'000, 'z');
    body[0] = '<';
    body_file file({{"skip", "skip"}, {"", body}});
    ASSERT_GE(file.fd(), 0);
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
    sendfile_progress p{head, file.body_offsets()[1], body.size(), 0};
    std::string received;
    std::error_code error;
    for (int rounds = 0; rounds < 10'000; ++rounds) {
        auto status = send_head_and_body(fds[0], file.fd(), p, error);
        ASSERT_NE(status, send_status::failed) << error.message();
        char buf[65536];
        for (ssize_t n; (n = ::recv(fds[1], buf, sizeof buf, MSG_DONTWAIT)) > 0;)
            received.append(buf, static_cast<std::size_t>(n));
        if (status == send_status::done) break;
    }
    EXPECT_TRUE(p.done());
    EXPECT_EQ(p.sent, head.size() + body.size());
    EXPECT_EQ(received, head + body);
    ::close(fds[1]);
    sendfile_progress again{head, file.body_offsets()[1], body.size(), 0};
    EXPECT_EQ(send_head_and_body(fds[0], file.fd(), again, error), send_status::failed);  // peer gone: EPIPE
    EXPECT_TRUE(error);
    ::close(fds[0]);
}

TEST(BodyFile, HeadAndBodyByOneSendfile) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    body_file file({{head, "<rss>"}});
    ASSERT_GE(file.fd(), 0);
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    sendfile_progress p{{}, file.head_offsets()[0], head.size() + 5, 0};
    std::error_code error;
    ASSERT_EQ(send_head_and_body(fds[0], file.fd(), p, error), send_status::done);
    char buf[256];
    auto n = ::recv(fds[1], buf, sizeof buf, 0);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), head + "<rss>");
    ::close(fds[0]);
    ::close(fds[1]);
}
