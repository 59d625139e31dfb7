// A fake service manager's notify socket for tests (POSIX only): an AF_UNIX datagram socket at
// a path or, for a name starting with '@', in Linux's abstract namespace. What a service sends
// to NOTIFY_SOCKET arrives here, one state per datagram.
#ifndef GREET_TESTS_SUPPORT_FAKE_SERVICE_MANAGER_H
#define GREET_TESTS_SUPPORT_FAKE_SERVICE_MANAGER_H

#ifndef _WIN32

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

namespace greet_test
{

class FakeServiceManager
{
  public:
    // where: a path, or "@name" for an abstract socket.
    explicit FakeServiceManager(const std::string &where) : where_(where)
    {
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        EXPECT_LT(where.size(), sizeof sa.sun_path) << where;
        std::memcpy(sa.sun_path, where.data(), std::min(where.size(), sizeof sa.sun_path - 1));
        socklen_t len = sizeof sa;
        if (where[0] == '@') {
            sa.sun_path[0] = '\0';
            len = (socklen_t)(offsetof(sockaddr_un, sun_path) + where.size());
        }
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        EXPECT_GE(fd_, 0);
        EXPECT_EQ(bind(fd_, (const sockaddr *)&sa, len), 0) << std::strerror(errno);
    }
    ~FakeServiceManager()
    {
        close(fd_);
    }
    FakeServiceManager(const FakeServiceManager &) = delete;
    FakeServiceManager &operator=(const FakeServiceManager &) = delete;

    // The value for NOTIFY_SOCKET.
    const std::string &name() const
    {
        return where_;
    }

    // The next state the service sent, or "<nothing>" after timeout_ms.
    std::string next(int timeout_ms = 10000)
    {
        pollfd p = {fd_, POLLIN, 0};
        char buf[256];
        if (poll(&p, 1, timeout_ms) != 1) {
            return "<nothing>";
        }
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        return n < 0 ? "<error>" : std::string(buf, (size_t)n);
    }

  private:
    std::string where_;
    int fd_ = -1;
};

} // namespace greet_test

#endif
#endif
