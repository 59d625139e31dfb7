// The service manager contract (gp_service_*): systemd's socket activation and notify protocols
// on POSIX, checked against a fake manager (a datagram socket of the test's own, descriptor 3
// handed over by hand); on Windows every call says "not a service".
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "gp.h"

#ifndef _WIN32
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "support/fake_service_manager.h"
#include "support/temp_dir.h"
#endif

#ifndef _WIN32
using greet_test::FakeServiceManager;
#endif

namespace
{

void set_env(const char *name, const std::string &value)
{
#ifdef _WIN32
    _putenv_s(name, value.c_str());
#else
    setenv(name, value.c_str(), 1);
#endif
}

void unset_env(const char *name)
{
#ifdef _WIN32
    _putenv_s(name, "");
#else
    unsetenv(name);
#endif
}

#ifdef _WIN32

TEST(Service, WindowsIsNeverAService)
{
    gp_socket s = 0;
    int n = -1;

    set_env("LISTEN_FDS", "1");
    set_env("LISTEN_PID", "1");
    set_env("NOTIFY_SOCKET", "/run/systemd/notify");
    EXPECT_EQ(gp_service_listeners(&s, &n), GREET_OK);
    EXPECT_EQ(n, 0);
    EXPECT_EQ(s, GP_SOCKET_INVALID);
    EXPECT_EQ(gp_service_notify("READY=1"), GREET_OK);
    EXPECT_EQ(gp_stderr_is_journal(), 0);
    unset_env("LISTEN_FDS");
    unset_env("LISTEN_PID");
    unset_env("NOTIFY_SOCKET");
}

#else

std::string abstract_name()
{
    return "@greet-test-notify-" + std::to_string(getpid());
}

TEST(Service, NotifyWithoutNotifySocketSendsNothingAndSucceeds)
{
    unset_env("NOTIFY_SOCKET");
    EXPECT_EQ(gp_service_notify("READY=1"), GREET_OK);
}

TEST(Service, NotifySendsEachStateAsOneDatagramToAPath)
{
    TempDir dir;
    std::string path = dir.file("notify");
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
        GTEST_SKIP() << "the test folder's path is too long for an AF_UNIX address: " << path;
    }
    FakeServiceManager manager(path);
    set_env("NOTIFY_SOCKET", path);
    EXPECT_EQ(gp_service_notify("READY=1"), GREET_OK);
    EXPECT_EQ(gp_service_notify("STOPPING=1"), GREET_OK);
    EXPECT_EQ(manager.next(), "READY=1");
    EXPECT_EQ(manager.next(), "STOPPING=1");
    unset_env("NOTIFY_SOCKET");
}

TEST(Service, NotifyReachesAnAbstractSocket)
{
    FakeServiceManager manager(abstract_name());
    set_env("NOTIFY_SOCKET", abstract_name());
    EXPECT_EQ(gp_service_notify("READY=1"), GREET_OK);
    EXPECT_EQ(manager.next(), "READY=1");
    unset_env("NOTIFY_SOCKET");
}

TEST(Service, NotifyToAManagerThatIsGoneIsAnOsError)
{
    TempDir dir;
    set_env("NOTIFY_SOCKET", dir.file("nobody"));
    EXPECT_EQ(gp_service_notify("READY=1"), GREET_ENOENT);
    set_env("NOTIFY_SOCKET", "vsock:2:1234");
    EXPECT_EQ(gp_service_notify("READY=1"), GREET_EUNSUPPORTED);
    unset_env("NOTIFY_SOCKET");
}

// Puts fd on descriptor 3, as a service manager does, for the test's duration; puts back what
// was there before.
class OnDescriptor3
{
  public:
    explicit OnDescriptor3(int fd)
    {
        saved_ = fcntl(3, F_DUPFD_CLOEXEC, 10); // -1 when 3 was free
        EXPECT_EQ(dup2(fd, 3), 3);
    }
    ~OnDescriptor3()
    {
        if (saved_ >= 0) {
            dup2(saved_, 3);
            close(saved_);
        } else {
            close(3);
        }
    }

  private:
    int saved_;
};

void activate(const std::string &pid, const std::string &count)
{
    set_env("LISTEN_PID", pid);
    set_env("LISTEN_FDS", count);
    set_env("LISTEN_FDNAMES", "greet.socket");
}

TEST(Service, ListenersTakesTheListeningSocketOnDescriptor3)
{
    gp_addr addr;
    size_t found = 0;
    gp_socket listener = GP_SOCKET_INVALID, got = GP_SOCKET_INVALID;
    int n = -1;

    ASSERT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_ANY, 1, &addr, 1, &found), GREET_OK);
    ASSERT_EQ(gp_sock_listen(&addr, 4, &listener), GREET_OK);
    {
        OnDescriptor3 three((int)listener);
        activate(std::to_string(getpid()), "1");
        EXPECT_EQ(gp_service_listeners(&got, &n), GREET_OK);
        EXPECT_EQ(n, 1);
        EXPECT_EQ(got, (gp_socket)3);
        EXPECT_NE(fcntl(3, F_GETFD) & FD_CLOEXEC, 0);
        // Taken once: children, and a second call, see no variables.
        EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
        EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
        EXPECT_EQ(std::getenv("LISTEN_FDNAMES"), nullptr);
        EXPECT_EQ(gp_service_listeners(&got, &n), GREET_OK);
        EXPECT_EQ(n, 0);
        EXPECT_EQ(got, GP_SOCKET_INVALID);
    }
    gp_sock_close(listener);
}

TEST(Service, ListenersForAnotherProcessAreLeftAlone)
{
    gp_socket got = 0;
    int n = -1;

    activate(std::to_string(getpid() + 1), "1");
    EXPECT_EQ(gp_service_listeners(&got, &n), GREET_OK);
    EXPECT_EQ(n, 0);
    EXPECT_EQ(got, GP_SOCKET_INVALID);
    EXPECT_NE(std::getenv("LISTEN_FDS"), nullptr);
    unset_env("LISTEN_PID");
    unset_env("LISTEN_FDS");
    unset_env("LISTEN_FDNAMES");
}

TEST(Service, ASocketThatDoesNotListenIsRefused)
{
    int pair[2];
    gp_socket got = 0;
    int n = -1;

    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    {
        OnDescriptor3 three(pair[0]);
        activate(std::to_string(getpid()), "1");
        EXPECT_EQ(gp_service_listeners(&got, &n), GREET_EINVAL);
        EXPECT_EQ(got, GP_SOCKET_INVALID);
    }
    activate(std::to_string(getpid()), "many");
    EXPECT_EQ(gp_service_listeners(&got, &n), GREET_EINVAL);
    close(pair[0]);
    close(pair[1]);
}

TEST(Service, StderrIsTheJournalOnlyWhenJournalStreamNamesIt)
{
    struct stat st;

    ASSERT_EQ(fstat(2, &st), 0);
    set_env("JOURNAL_STREAM", std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino));
    EXPECT_EQ(gp_stderr_is_journal(), 1);
    set_env("JOURNAL_STREAM", std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1));
    EXPECT_EQ(gp_stderr_is_journal(), 0);
    set_env("JOURNAL_STREAM", "garbage");
    EXPECT_EQ(gp_stderr_is_journal(), 0);
    unset_env("JOURNAL_STREAM");
    EXPECT_EQ(gp_stderr_is_journal(), 0);
}

#endif

} // namespace
