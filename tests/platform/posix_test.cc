// What only the POSIX implementation does: errno and getaddrinfo codes named and described,
// SIGPIPE ignored, descriptors close-on-exec, signals in the middle of blocking calls retried.
#ifndef _WIN32

#include <gtest/gtest.h>

#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

#include "gp.h"
#include "support/temp_dir.h"

namespace
{

std::string describe()
{
    char buf[512];
    gp_oserr_describe(buf, sizeof buf);
    return buf;
}

bool starts_with(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

TEST(Posix, ErrnoIsNamedNumberedAndDescribed)
{
    EXPECT_EQ(gp_oserr_set(GP_OSERR_ERRNO, ECONNREFUSED), GREET_ECONNREFUSED);
    EXPECT_EQ(gp_oserr_code(), GREET_ECONNREFUSED);
    std::string text = describe();
    EXPECT_TRUE(starts_with(text, "ECONNREFUSED " + std::to_string(ECONNREFUSED) + ": ")) << text;
    EXPECT_GT(text.size(), 20u) << text;
    gp_oserr_clear();
    EXPECT_EQ(gp_oserr_code(), GREET_OK);
    EXPECT_EQ(describe(), "");
}

TEST(Posix, UnknownErrnoIsESYSAndKeepsItsNumber)
{
    EXPECT_EQ(gp_oserr_set(GP_OSERR_ERRNO, 9999), GREET_ESYS);
    EXPECT_TRUE(starts_with(describe(), "errno 9999: ")) << describe();
    gp_oserr_clear();
}

TEST(Posix, ResolverCodesMapToHostErrors)
{
    EXPECT_EQ(gp_oserr_set(GP_OSERR_GAI, EAI_NONAME), GREET_ENOHOST);
    EXPECT_TRUE(starts_with(describe(), "EAI " + std::to_string(EAI_NONAME) + ": ")) << describe();
    EXPECT_EQ(gp_oserr_set(GP_OSERR_GAI, EAI_AGAIN), GREET_ERESOLVE);
    gp_oserr_clear();
}

TEST(Posix, OsDetailIsPerThread)
{
    gp_oserr_set(GP_OSERR_ERRNO, EPIPE);
    std::thread other([] { EXPECT_EQ(gp_oserr_code(), GREET_OK); });
    other.join();
    EXPECT_EQ(gp_oserr_code(), GREET_EPIPE);
    gp_oserr_clear();
}

TEST(Posix, NetInitMakesSigpipeHarmless)
{
    struct sigaction sa;

    ASSERT_EQ(gp_net_init(), GREET_OK);
    ASSERT_EQ(sigaction(SIGPIPE, nullptr, &sa), 0);
    EXPECT_TRUE(sa.sa_handler == SIG_IGN);
    EXPECT_EQ(raise(SIGPIPE), 0); // still alive
    gp_net_fini();
}

bool cloexec(gp_socket s)
{
    int flags = fcntl(static_cast<int>(s), F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC) != 0;
}

// Listener, client and accepted socket on 127.0.0.1, port 0.
struct Trio {
    gp_socket listener = GP_SOCKET_INVALID;
    gp_socket client = GP_SOCKET_INVALID;
    gp_socket server = GP_SOCKET_INVALID;

    Trio()
    {
        gp_addr a[1];
        gp_addr bound;
        size_t n = 0;
        EXPECT_EQ(gp_net_init(), GREET_OK);
        EXPECT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, a, 1, &n), GREET_OK);
        EXPECT_EQ(gp_sock_listen(&a[0], 4, &listener), GREET_OK);
        EXPECT_EQ(gp_sock_local_addr(listener, &bound), GREET_OK);
        EXPECT_EQ(gp_sock_connect(&bound, gp_deadline_in(5000), &client), GREET_OK);
        EXPECT_EQ(gp_sock_accept(listener, 0, &server, nullptr), GREET_OK);
    }
    ~Trio()
    {
        gp_sock_close(server);
        gp_sock_close(client);
        gp_sock_close(listener);
        gp_net_fini();
    }
};

TEST(Posix, SocketsAreCloseOnExec)
{
    Trio t;

    EXPECT_TRUE(cloexec(t.listener));
    EXPECT_TRUE(cloexec(t.client));
    EXPECT_TRUE(cloexec(t.server));
}

// A signal landing on a thread blocked in recv must not surface as a failure: recv is retried
// (with a receive timeout set, Linux returns EINTR even for SA_RESTART handlers).
TEST(Posix, SignalDuringABlockingRecvIsRetried)
{
    Trio t;
    int rc = -1;
    size_t got = 0;
    char buf[16];

    ASSERT_EQ(gp_stop_install(), GREET_OK);
    gp_stop_reset();
    ASSERT_EQ(gp_sock_set_timeouts(t.client, 10000, 0), GREET_OK);
    std::thread reader([&] { rc = gp_sock_recv(t.client, buf, sizeof buf, &got); });
    gp_sleep_ms(50); // let it block; if the signal comes first, the test still holds
    ASSERT_EQ(pthread_kill(reader.native_handle(), SIGINT), 0);
    EXPECT_EQ(gp_stop_wait(gp_deadline_in(5000)), GREET_OK);
    gp_sleep_ms(20);
    ASSERT_EQ(gp_sock_send_all(t.server, "data", 4), GREET_OK);
    reader.join();
    EXPECT_EQ(rc, GREET_OK);
    EXPECT_EQ(std::string(buf, got), "data");
    gp_stop_reset();
}

TEST(Posix, FollowGoesThroughRelativeAndAbsoluteLinksToAMissingTarget)
{
    TempDir dir;
    char *out = nullptr;

    ASSERT_EQ(mkdir(dir.file("sub").c_str(), 0777), 0);
    ASSERT_EQ(symlink("sub/real", dir.file("rel").c_str()), 0);
    ASSERT_EQ(symlink(dir.file("rel").c_str(), dir.file("abs").c_str()), 0);
    ASSERT_EQ(gp_path_follow(dir.file("abs").c_str(), &out), GREET_OK);
    EXPECT_EQ(std::string(out), dir.file("sub/real"));
    free(out);
    ASSERT_EQ(symlink("loop", dir.file("loop").c_str()), 0);
    EXPECT_NE(gp_path_follow(dir.file("loop").c_str(), &out), GREET_OK);
}

TEST(Posix, KindOfAFifoIsSpecialAndAFileWithoutWriteBitsIsReadOnly)
{
    TempDir dir;
    int kind = -1, writable = -1;

    ASSERT_EQ(mkfifo(dir.file("fifo").c_str(), 0600), 0);
    ASSERT_EQ(gp_file_kind(dir.file("fifo").c_str(), &kind, &writable), GREET_OK);
    EXPECT_EQ(kind, GP_FILE_SPECIAL);
    ASSERT_EQ(gp_file_kind("/dev/null", &kind, &writable), GREET_OK);
    EXPECT_EQ(kind, GP_FILE_SPECIAL);
    EXPECT_EQ(writable, 1);
    ASSERT_EQ(write_file_utf8(dir.file("ro"), "x"), GREET_OK);
    ASSERT_EQ(chmod(dir.file("ro").c_str(), 0444), 0);
    ASSERT_EQ(gp_file_kind(dir.file("ro").c_str(), &kind, &writable), GREET_OK);
    EXPECT_EQ(kind, GP_FILE_REGULAR);
    EXPECT_EQ(writable, 0); // also for root
}

TEST(Posix, CopyModeGivesTheOldFilesPermissionBits)
{
    TempDir dir;
    struct stat st;

    ASSERT_EQ(write_file_utf8(dir.file("old"), "x"), GREET_OK);
    ASSERT_EQ(write_file_utf8(dir.file("new"), "y"), GREET_OK);
    ASSERT_EQ(chmod(dir.file("old").c_str(), 0640), 0);
    ASSERT_EQ(gp_file_copy_mode(dir.file("old").c_str(), dir.file("new").c_str()), GREET_OK);
    ASSERT_EQ(stat(dir.file("new").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_NE(gp_file_copy_mode(dir.file("missing").c_str(), dir.file("new").c_str()), GREET_OK);
}

} // namespace

#endif
