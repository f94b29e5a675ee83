// Each backend's output parser on fixed text: bpftrace's printed maps, strace's -f -yy -T lines.
#include "repro/diag/bpftrace_backend.hpp"
#include "repro/diag/strace_backend.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace diag = feedbench::diag;

TEST(BpftraceOutput, MapsBecomeCounts) {
    const char* text =
        "Attaching 2 probes...\n"
        "feeddiag: attached\n"
        "\n\n"
        "@rx[9512, 18446619332435447040, -11]: 1\n"
        "@rx[9512, 18446619332435447040, 1]: 1000\n"
        "@rx[9513, 0xffff8e9e4c0a8000, 16384]: 3\n"
        "@rx[9513, 0xffff8e9e4c0a8000, 0]: 1\n"
        "\n"
        "@other[1]: 5\n"
        "@rx[bad, 1, 1]: 4\n";
    diag::trace_counts c;
    EXPECT_EQ(diag::parse_bpftrace_output(text, c), 4u);
    EXPECT_EQ(c.socket_key, "sk");
    auto s = diag::summarize(c);
    EXPECT_EQ(s.calls, 1005u);
    EXPECT_EQ(s.data_calls, 1004u);
    EXPECT_EQ(s.eagain, 1u);
    EXPECT_EQ(s.bytes, 1000u + 3 * 16384);
    EXPECT_EQ(c.fds.at(18446619332435447040u).calls, 1001u);
    EXPECT_EQ(c.fds.at(0xffff8e9e4c0a8000u).bytes, 3u * 16384);
    EXPECT_EQ(c.fds.size(), 2u);
}

TEST(BpftraceOutput, ProgramFiltersThePidAndAnnouncesReadiness) {
    auto p = diag::bpftrace_program(4242);
    EXPECT_NE(p.find("/pid == 4242/"), std::string::npos);
    EXPECT_NE(p.find("sock:sock_recv_length"), std::string::npos);
    EXPECT_EQ(p.find("syscalls:"), std::string::npos);  // no syscall tracepoint: every syscall would pay for it
    EXPECT_NE(p.find(diag::bpftrace_ready_line), std::string::npos);
}

TEST(StraceOutput, SocketDecorations) {
    EXPECT_TRUE(diag::is_socket_decoration("TCP:[127.0.0.1:52508->127.0.0.1:57381]>"));
    EXPECT_TRUE(diag::is_socket_decoration("TCPv6:[[::1]:1->[::1]:2]>"));
    EXPECT_TRUE(diag::is_socket_decoration("UNIX-STREAM:[1234->5678]>"));
    EXPECT_TRUE(diag::is_socket_decoration("socket:[998]>"));
    EXPECT_FALSE(diag::is_socket_decoration("/etc/hostname>"));
    EXPECT_FALSE(diag::is_socket_decoration("pipe:[1234]>"));
    EXPECT_FALSE(diag::is_socket_decoration("anon_inode:[eventpoll]>"));
}

TEST(StraceOutput, LinesBecomeCounts) {
    const char* text =
        "strace: Process 9779 attached\n"
        "read(4</usr/lib/python3.11/re/_parser.pyc>, \"\"..., 49873) = 49872 <0.000074>\n"
        "[pid  9779] pselect6(5, [4<TCP:[127.0.0.1:52508->127.0.0.1:57381]>], NULL, NULL, {tv_sec=1, tv_nsec=0}, NULL) "
        "= 1 "
        "(in [4], left {tv_sec=0, tv_nsec=948548109}) <0.051463>\n"
        "[pid  9779] recvfrom(4<TCP:[127.0.0.1:52508->127.0.0.1:57381]>, \"\"..., 1, 0, NULL, NULL) = 1 <0.000012>\n"
        "[pid  9780] +++ exited with 0 +++\n"
        "recvfrom(4<TCP:[127.0.0.1:52508->127.0.0.1:57381]>, \"\"..., 1, 0, NULL, NULL) = 1 <0.000018>\n"
        "recvfrom(4<TCP:[127.0.0.1:52508->127.0.0.1:57381]>, 0x7f8c2a310c80, 1, 0, NULL, NULL) = -1 EAGAIN (Resource "
        "temporarily unavailable) <0.000013>\n"
        "read(6</etc/hostname>, \"\"..., 10)       = 3 <0.000012>\n"
        "[pid  9781] read(9<TCP:[127.0.0.1:1->127.0.0.1:2]>,  <unfinished ...>\n"
        "[pid  9779] epoll_wait(3<anon_inode:[eventpoll]>, [], 64, 10) = 0 <0.010000>\n"
        "[pid  9781] <... read resumed>\"\"..., 65536) = 4096 <0.000200>\n"
        "9782  readv(11<UNIX-STREAM:[1->2]>, [{iov_base=\"\"..., iov_len=8}], 1) = 8 <0.000005>\n"
        "[pid  9781] read(9<TCP:[127.0.0.1:1->127.0.0.1:2]>, \"\"..., 10) = -1 ECONNRESET (Connection reset by peer) "
        "<0.000005>\n"
        "[pid  9781] read(9<TCP:[127.0.0.1:1->127.0.0.1:2]>, \"\"..., 10) = 0 <0.000005>\n"
        "+++ exited with 0 +++\n";
    diag::trace_counts c;
    diag::strace_parser p(c, 9779);
    p.text(text);
    auto s = diag::summarize(c);
    EXPECT_EQ(p.calls_seen(), 7u);
    EXPECT_EQ(s.calls, 7u);
    EXPECT_EQ(s.data_calls, 5u);  // 1, 1, 4096, 8, 0
    EXPECT_EQ(s.bytes, 1u + 1 + 4096 + 8);
    EXPECT_EQ(s.eagain, 1u);
    EXPECT_EQ(s.errors, 1u);
    EXPECT_EQ(c.threads.at(9779).sizes.at(1), 2u);
    EXPECT_EQ(c.threads.at(9779).waits, 2u);
    EXPECT_EQ(c.threads.at(9779).wait_ns, 51463000u + 10000000u);
    EXPECT_EQ(c.threads.at(9781).sizes.at(4096), 1u);
    EXPECT_EQ(c.threads.at(9782).sizes.at(8), 1u);
    EXPECT_EQ(c.fds.at(4).calls, 3u);
    EXPECT_EQ(c.fds.at(9).calls, 3u);
    EXPECT_FALSE(c.fds.contains(6));  // the file read is not a receive
}

TEST(StraceOutput, ArgumentsAttachToEveryThreadOfThePid) {
    auto a = diag::strace_arguments(77);
    ASSERT_GE(a.size(), 2u);
    EXPECT_EQ(a[a.size() - 2], "-p");
    EXPECT_EQ(a.back(), "77");
    EXPECT_NE(std::find(a.begin(), a.end(), "-f"), a.end());
    EXPECT_NE(std::find(a.begin(), a.end(), "-yy"), a.end());
}
