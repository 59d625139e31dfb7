// The failure-injection seam of the platform contract (gp.h, gp_fault_install): each injected
// failure comes back as the portable code with the OS's own raw value in the message, short
// transfers are completed or reported as they would be by a real OS, and without a hook nothing
// changes. Runs natively and under Wine against Winsock, on loopback only; no name but
// "localhost" ever reaches a resolver.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "gp.h"
#include "support/fault.h"
#include "support/sock_io.h"

namespace
{

std::string os_detail()
{
    char buf[256];
    gp_oserr_describe(buf, sizeof buf);
    return buf;
}

// The raw names each OS records for an injected fault (gp.h lists them).
#ifdef _WIN32
const char *const kNoHost = "WSAHOST_NOT_FOUND";
const char *const kAgain = "WSATRY_AGAIN";
const char *const kMFile = "WSAEMFILE";
const char *const kNoBufs = "WSAENOBUFS";
const char *const kRefused = "WSAECONNREFUSED";
const char *const kReset = "WSAECONNRESET";
#else
const char *const kNoHost = "EAI";
const char *const kAgain = "EAI";
const char *const kMFile = "EMFILE";
const char *const kNoBufs = "ENOBUFS";
const char *const kRefused = "ECONNREFUSED";
const char *const kReset = "ECONNRESET";
#endif

class Fault : public ::testing::Test
{
  protected:
    gp_socket listener = GP_SOCKET_INVALID;
    gp_socket client = GP_SOCKET_INVALID;
    gp_socket server = GP_SOCKET_INVALID;
    gp_addr bound{};

    void SetUp() override
    {
        ASSERT_EQ(gp_net_init(), GREET_OK);
    }
    void TearDown() override
    {
        gp_sock_close(server);
        gp_sock_close(client);
        gp_sock_close(listener);
        gp_net_fini();
    }

    void listen_loopback()
    {
        gp_addr a[GP_RESOLVE_MAX];
        size_t n = 0;
        ASSERT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, a, GP_RESOLVE_MAX, &n), GREET_OK);
        ASSERT_EQ(gp_sock_listen(&a[0], 16, &listener), GREET_OK);
        ASSERT_EQ(gp_sock_local_addr(listener, &bound), GREET_OK);
    }

    void open_pair()
    {
        listen_loopback();
        ASSERT_EQ(gp_sock_connect(&bound, 5000, &client), GREET_OK);
        ASSERT_EQ(gp_sock_accept(listener, 0, &server, nullptr), GREET_OK);
    }
};

TEST_F(Fault, ResolverNoSuchHostIsENOHOSTWithTheResolversCode)
{
    ScopedFault f(ScopedFault::fail(GP_FAULT_RESOLVE, GP_FAULT_NOHOST));
    ASSERT_TRUE(f.installed());
    gp_addr a[GP_RESOLVE_MAX];
    size_t n = 99;

    EXPECT_EQ(gp_resolve("localhost", 80, GP_AF_ANY, 0, a, GP_RESOLVE_MAX, &n), GREET_ENOHOST);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(gp_oserr_code(), GREET_ENOHOST);
    EXPECT_NE(os_detail().find(kNoHost), std::string::npos) << os_detail();
    // One failure was asked for; the next lookup is real.
    EXPECT_EQ(gp_resolve("127.0.0.1", 80, GP_AF_ANY, 0, a, GP_RESOLVE_MAX, &n), GREET_OK);
}

TEST_F(Fault, ResolverTemporaryFailureIsERESOLVE)
{
    ScopedFault f(ScopedFault::fail(GP_FAULT_RESOLVE, GP_FAULT_AGAIN));
    gp_addr a[GP_RESOLVE_MAX];
    size_t n = 0;

    EXPECT_EQ(gp_resolve("localhost", 80, GP_AF_ANY, 0, a, GP_RESOLVE_MAX, &n), GREET_ERESOLVE);
    EXPECT_NE(os_detail().find(kAgain), std::string::npos) << os_detail();
    char text[256];
    EXPECT_NE(std::string(greet_error_text(GREET_ERESOLVE, text, sizeof text)), "");
}

TEST_F(Fault, HookCanPointAMadeUpNameAtLoopback)
{
    std::string asked;
    ScopedFault f([&asked](gp_fault_call &c) {
        if (c.point == GP_FAULT_RESOLVE) {
            asked = c.host != nullptr ? c.host : "(null)";
            c.host = "127.0.0.1";
        }
        return static_cast<int>(GP_FAULT_NONE);
    });
    gp_addr a[GP_RESOLVE_MAX];
    size_t n = 0;
    char host[GP_ADDRSTR_MAX];

    ASSERT_EQ(gp_resolve("greet-test.example", 8080, GP_AF_ANY, 0, a, GP_RESOLVE_MAX, &n),
              GREET_OK);
    EXPECT_EQ(asked, "greet-test.example");
    ASSERT_GE(n, 1u);
    ASSERT_EQ(gp_addr_host(&a[0], host, sizeof host), GREET_OK);
    EXPECT_STREQ(host, "127.0.0.1");
    EXPECT_EQ(gp_addr_port(&a[0]), 8080);
}

TEST_F(Fault, AcceptOutOfDescriptorsLeavesTheConnectionQueued)
{
    listen_loopback();
    ASSERT_EQ(gp_sock_connect(&bound, 5000, &client), GREET_OK);
    {
        ScopedFault f(ScopedFault::fail(GP_FAULT_ACCEPT, GP_FAULT_MFILE));
        EXPECT_EQ(gp_sock_accept(listener, 0, &server, nullptr), GREET_EMFILE);
        EXPECT_EQ(server, GP_SOCKET_INVALID);
        EXPECT_NE(os_detail().find(kMFile), std::string::npos) << os_detail();
        // The pending client was not taken off the queue: the next accept gets it.
        ASSERT_EQ(gp_sock_accept(listener, 0, &server, nullptr), GREET_OK);
    }
    ASSERT_EQ(gp_sock_send_all(client, "hi", 2), GREET_OK);
    EXPECT_EQ(recv_exact(server, 2), "hi");
}

TEST_F(Fault, AcceptOutOfBuffersIsENOMEM)
{
    listen_loopback();
    ScopedFault f(ScopedFault::fail(GP_FAULT_ACCEPT, GP_FAULT_NOBUFS, 3));
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ(gp_sock_accept(listener, 0, &server, nullptr), GREET_ENOMEM) << i;
        EXPECT_NE(os_detail().find(kNoBufs), std::string::npos) << os_detail();
    }
}

TEST_F(Fault, ConnectAndListenFailAsTheOsWould)
{
    listen_loopback();
    {
        ScopedFault f(ScopedFault::fail(GP_FAULT_CONNECT, GP_FAULT_REFUSED));
        EXPECT_EQ(gp_sock_connect(&bound, 5000, &client), GREET_ECONNREFUSED);
        EXPECT_EQ(client, GP_SOCKET_INVALID);
        EXPECT_NE(os_detail().find(kRefused), std::string::npos) << os_detail();
    }
    {
        gp_socket other = GP_SOCKET_INVALID;
        ScopedFault f(ScopedFault::fail(GP_FAULT_LISTEN, GP_FAULT_ADDRINUSE));
        EXPECT_EQ(gp_sock_listen(&bound, 16, &other), GREET_EADDRINUSE);
        EXPECT_EQ(other, GP_SOCKET_INVALID);
    }
    {
        ScopedFault f(ScopedFault::fail(GP_FAULT_CONNECT, GP_FAULT_TIMEDOUT));
        EXPECT_EQ(gp_sock_connect(&bound, 5000, &client), GREET_ETIMEDOUT);
    }
    // The hooks are gone: a real connect works.
    EXPECT_EQ(gp_sock_connect(&bound, 5000, &client), GREET_OK);
}

TEST_F(Fault, OneByteSendsStillDeliverEveryByteInOrder)
{
    open_pair();
    int sends = 0;
    ScopedFault f([&sends](gp_fault_call &c) {
        if (c.point == GP_FAULT_SEND) {
            sends++;
            c.len = 1;
        }
        return static_cast<int>(GP_FAULT_NONE);
    });
    std::string data;
    for (int i = 0; i < 500; i++) {
        data += static_cast<char>('a' + i % 26);
    }

    ASSERT_EQ(gp_sock_send_all(client, data.data(), data.size()), GREET_OK);
    EXPECT_EQ(sends, 500);
    EXPECT_EQ(recv_exact(server, data.size()), data);
}

TEST_F(Fault, SendFailsAfterAPartialWrite)
{
    open_pair();
    int sends = 0;
    ScopedFault f([&sends](gp_fault_call &c) {
        if (c.point != GP_FAULT_SEND) {
            return static_cast<int>(GP_FAULT_NONE);
        }
        if (sends++ == 0) {
            c.len = 3;
            return static_cast<int>(GP_FAULT_NONE);
        }
        return static_cast<int>(GP_FAULT_RESET);
    });

    EXPECT_EQ(gp_sock_send_all(client, "abcdef", 6), GREET_ECONNRESET);
    EXPECT_NE(os_detail().find(kReset), std::string::npos) << os_detail();
    EXPECT_EQ(recv_exact(server, 3), "abc");
}

TEST_F(Fault, ShortReceiveSplitsWhatArrived)
{
    open_pair();
    ScopedFault f([](gp_fault_call &c) {
        if (c.point == GP_FAULT_RECV) {
            c.len = 0; // below 1 is taken as 1: a receive of 0 bytes would read as end of stream
        }
        return static_cast<int>(GP_FAULT_NONE);
    });
    char buf[16];
    size_t got = 0;

    ASSERT_EQ(gp_sock_send_all(client, "hello", 5), GREET_OK);
    ASSERT_EQ(gp_sock_recv(server, buf, sizeof buf, &got), GREET_OK);
    EXPECT_EQ(got, 1u);
    EXPECT_EQ(buf[0], 'h');
    EXPECT_EQ(recv_exact(server, 4), "ello");
}

TEST_F(Fault, ReceiveFailure)
{
    open_pair();
    ScopedFault f(ScopedFault::fail(GP_FAULT_RECV, GP_FAULT_RESET));
    char buf[4];
    size_t got = 7;

    EXPECT_EQ(gp_sock_recv(server, buf, sizeof buf, &got), GREET_ECONNRESET);
    EXPECT_EQ(got, 0u);
}

TEST_F(Fault, HookCannotLengthenATransfer)
{
    open_pair();
    ScopedFault f([](gp_fault_call &c) {
        c.len = 1 << 20;
        return static_cast<int>(GP_FAULT_NONE);
    });
    char buf[4] = {0};
    size_t got = 0;

    ASSERT_EQ(gp_sock_send_all(client, "xyz", 3), GREET_OK);
    ASSERT_EQ(gp_sock_recv(server, buf, 2, &got), GREET_OK);
    EXPECT_EQ(got, 2u);
    EXPECT_EQ(std::string(buf, 2), "xy");
}

TEST_F(Fault, UnknownFaultIsEINVALWithNoOsDetail)
{
    listen_loopback();
    ScopedFault f([](gp_fault_call &) { return 1000; });

    EXPECT_EQ(gp_sock_accept(listener, 0, &server, nullptr), GREET_EINVAL);
    EXPECT_EQ(os_detail(), "");
}

TEST_F(Fault, RemovedHookIsNeverCalledAgain)
{
    int calls = 0;
    {
        ScopedFault f([&calls](gp_fault_call &) {
            calls++;
            return static_cast<int>(GP_FAULT_NONE);
        });
        open_pair();
    }
    int seen = calls;
    EXPECT_GE(seen, 4); // resolve, listen, connect, accept
    ASSERT_EQ(gp_sock_send_all(client, "ok", 2), GREET_OK);
    EXPECT_EQ(recv_exact(server, 2), "ok");
    EXPECT_EQ(calls, seen);
}

// Hooks run one at a time, so a plain counter in one sees every call from every thread.
TEST_F(Fault, HooksFromManyThreadsRunOneAtATime)
{
    open_pair();
    long sends = 0;
    ScopedFault f([&sends](gp_fault_call &c) {
        if (c.point == GP_FAULT_SEND) {
            sends++;
            c.len = 1;
        }
        return static_cast<int>(GP_FAULT_NONE);
    });
    const int kThreads = 4;
    const int kBytes = 200;
    std::vector<std::thread> threads;
    std::vector<int> results(kThreads, -1);

    std::thread reader([this] { EXPECT_EQ(recv_exact(server, kThreads * kBytes).size(), 800u); });
    for (int t = 0; t < kThreads; t++) {
        threads.emplace_back([this, t, &results] {
            std::string data(kBytes, static_cast<char>('0' + t));
            results[t] = gp_sock_send_all(client, data.data(), data.size());
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    reader.join();
    for (int rc : results) {
        EXPECT_EQ(rc, GREET_OK);
    }
    EXPECT_EQ(sends, kThreads * kBytes);
}

} // namespace

TEST_F(Fault, HookCanAnswerALookupWithItsOwnAddresses)
{
    gp_addr v4, v6, got[GP_RESOLVE_MAX];
    size_t n = 0;
    ASSERT_EQ(gp_resolve("127.0.0.1", 1001, GP_AF_ANY, 0, &v4, 1, &n), GREET_OK);
    ASSERT_EQ(gp_resolve("::1", 1002, GP_AF_ANY, 0, &v6, 1, &n), GREET_OK);
    ScopedFault f(ScopedFault::answer("two.example", {v6, v4}));
    ASSERT_TRUE(f.installed());

    ASSERT_EQ(gp_resolve("two.example", 80, GP_AF_ANY, 0, got, GP_RESOLVE_MAX, &n), GREET_OK);
    ASSERT_EQ(n, 2u);
    EXPECT_EQ(gp_addr_family(&got[0]), GP_AF_INET6);
    EXPECT_EQ(gp_addr_port(&got[0]), 1002); // the hook's ports, not the one asked for
    EXPECT_EQ(gp_addr_port(&got[1]), 1001);
    // Filtered by the family asked for, as a resolver would; cut at max.
    ASSERT_EQ(gp_resolve("two.example", 80, GP_AF_INET4, 0, got, GP_RESOLVE_MAX, &n), GREET_OK);
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(gp_addr_port(&got[0]), 1001);
    ASSERT_EQ(gp_resolve("two.example", 80, GP_AF_ANY, 0, got, 1, &n), GREET_OK);
    EXPECT_EQ(n, 1u);
}

TEST_F(Fault, HookAnswerWithoutTheFamilyAskedForIsNoHost)
{
    gp_addr v4, got[GP_RESOLVE_MAX];
    size_t n = 0;
    ASSERT_EQ(gp_resolve("127.0.0.1", 1001, GP_AF_ANY, 0, &v4, 1, &n), GREET_OK);
    ScopedFault f(ScopedFault::answer("v4only.example", {v4}));
    EXPECT_EQ(gp_resolve("v4only.example", 80, GP_AF_INET6, 0, got, GP_RESOLVE_MAX, &n),
              GREET_ENOHOST);
    EXPECT_EQ(n, 0u);
    EXPECT_NE(os_detail().find(kNoHost), std::string::npos) << os_detail();
}
