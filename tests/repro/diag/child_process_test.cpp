// child_process: what the child inherits. It keeps stdin, stdout and stderr, and no other descriptor of the
// parent (an in-process feed server's sockets would otherwise stay open in a long-lived child).
#include "repro/diag/child_process.hpp"

#include <gtest/gtest.h>

#include <string>

#include <poll.h>
#include <unistd.h>

namespace diag = feedbench::diag;

TEST(ChildProcess, InheritsNoDescriptorAboveStderr) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);  // no O_CLOEXEC: a plain fork + exec would hand both ends to the child
    diag::spawn_options o;
    o.capture_stdout = true;
    const std::string fd = std::to_string(p[0]);
    diag::child_process c({"/bin/sh", "-c", "if [ -e /proc/$$/fd/" + fd + " ]; then echo open; else echo closed; fi"},
                          o);
    std::string out;
    for (bool open = true; open;) {
        pollfd w{c.stdout_fd(), POLLIN, 0};
        ::poll(&w, 1, 1000);
        open = diag::drain_fd(c.stdout_fd(), out);
    }
    EXPECT_EQ(c.wait(), 0);
    EXPECT_EQ(out, "closed\n") << "fd " << fd << " reached the child";
    ::close(p[0]);
    ::close(p[1]);
}
