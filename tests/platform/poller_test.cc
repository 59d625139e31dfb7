// The readiness poller of the platform contract (gp_poller_*), on loopback: accept and read
// readiness, level-triggered reporting, interest changes, unregistering and the cross-thread
// wake-up. The same tests run natively (epoll) and under Wine (AFD polls on a completion port).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "gp.h"

namespace
{

class Poller : public ::testing::Test
{
  protected:
    gp_poller *p = nullptr;
    gp_socket listener = GP_SOCKET_INVALID, client = GP_SOCKET_INVALID, server = GP_SOCKET_INVALID;
    gp_pollreg lreg{}, sreg{};
    int ltag = 1, stag = 2;

    void SetUp() override
    {
        ASSERT_EQ(gp_net_init(), GREET_OK);
        ASSERT_EQ(gp_poller_create(&p), GREET_OK);
        gp_addr a[GP_RESOLVE_MAX], bound;
        size_t n = 0;
        ASSERT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, a, GP_RESOLVE_MAX, &n), GREET_OK);
        ASSERT_EQ(gp_sock_listen(&a[0], 16, &listener), GREET_OK);
        ASSERT_EQ(gp_sock_set_nonblocking(listener, 1), GREET_OK);
        ASSERT_EQ(gp_sock_local_addr(listener, &bound), GREET_OK);
        ASSERT_EQ(gp_poller_add(p, &lreg, listener, GP_WAIT_READ, &ltag), GREET_OK);
        ASSERT_EQ(gp_sock_connect(&bound, gp_deadline_in(10000), &client), GREET_OK);
    }
    void TearDown() override
    {
        gp_poller_destroy(p);
        gp_sock_close(server);
        gp_sock_close(client);
        gp_sock_close(listener);
        gp_net_fini();
    }

    // Waits up to ms for events; returns those reported for tag (0: none).
    int events_for(void *tag, int ms)
    {
        gp_poll_event ev[8];
        int n = 0, found = 0;
        EXPECT_EQ(gp_poller_wait(p, ev, 8, gp_deadline_in(ms), &n), GREET_OK);
        for (int i = 0; i < n; i++) {
            if (ev[i].data == tag) {
                found |= ev[i].events;
            }
        }
        return found;
    }

    // Waits (bounded) until tag is reported; a wake-up or another socket may come first.
    int wait_for(void *tag, int tries = 20)
    {
        for (int i = 0; i < tries; i++) {
            int ev = events_for(tag, 500);
            if (ev) {
                return ev;
            }
        }
        return 0;
    }

    void accept_server()
    {
        ASSERT_EQ(wait_for(&ltag) & GP_WAIT_READ, GP_WAIT_READ);
        ASSERT_EQ(gp_sock_accept(listener, GP_ACCEPT_NONBLOCKING, &server, nullptr), GREET_OK);
    }
};

} // namespace

TEST_F(Poller, APendingConnectionMakesTheListenerReadable)
{
    accept_server();
    size_t got = 0;
    char buf[8];
    // Non-blocking as asked: nothing to read yet is "try again", not a wait.
    EXPECT_EQ(gp_sock_recv(server, buf, sizeof buf, &got), GREET_EAGAIN);
}

TEST_F(Poller, ReadinessIsLevelTriggeredUntilTheDataIsRead)
{
    accept_server();
    ASSERT_EQ(gp_poller_add(p, &sreg, server, GP_WAIT_READ, &stag), GREET_OK);
    EXPECT_EQ(events_for(&stag, 100), 0);
    ASSERT_EQ(gp_sock_send_all(client, "hello", 5), GREET_OK);
    EXPECT_EQ(wait_for(&stag), GP_WAIT_READ);
    EXPECT_EQ(wait_for(&stag), GP_WAIT_READ) << "still unread: reported again";
    char buf[16];
    size_t got = 0;
    ASSERT_EQ(gp_sock_recv(server, buf, sizeof buf, &got), GREET_OK);
    EXPECT_EQ(got, 5u);
    EXPECT_EQ(events_for(&stag, 200), 0) << "all read: quiet";
    gp_poller_del(p, &sreg);
}

TEST_F(Poller, InterestChangesTakeEffect)
{
    accept_server();
    ASSERT_EQ(gp_poller_add(p, &sreg, server, 0, &stag), GREET_OK);
    ASSERT_EQ(gp_sock_send_all(client, "x", 1), GREET_OK);
    EXPECT_EQ(events_for(&stag, 200), 0) << "nothing asked for";
    ASSERT_EQ(gp_poller_set(p, &sreg, GP_WAIT_WRITE), GREET_OK);
    EXPECT_EQ(wait_for(&stag), GP_WAIT_WRITE);
    ASSERT_EQ(gp_poller_set(p, &sreg, GP_WAIT_READ), GREET_OK);
    EXPECT_EQ(wait_for(&stag), GP_WAIT_READ);
    gp_poller_del(p, &sreg);
    EXPECT_EQ(events_for(&stag, 200), 0) << "unregistered";
}

TEST_F(Poller, SendReportsAFullSocketAndHowMuchWasTaken)
{
    accept_server();
    std::string chunk(65536, 'z');
    size_t total = 0, sent = 0;
    int rc = GREET_OK;
    for (int i = 0; i < 10000 && rc == GREET_OK; i++) { // the client never reads
        rc = gp_sock_send(server, chunk.data(), chunk.size(), &sent);
        total += rc == GREET_OK ? sent : 0;
    }
    EXPECT_EQ(rc, GREET_EAGAIN);
    EXPECT_GT(total, 0u);
    ASSERT_EQ(gp_poller_add(p, &sreg, server, GP_WAIT_WRITE, &stag), GREET_OK);
    EXPECT_EQ(events_for(&stag, 200), 0) << "full: not writable";
    gp_poller_del(p, &sreg);
}

TEST_F(Poller, WakeFromAnotherThreadEndsAWait)
{
    std::thread waker([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        gp_poller_wake(p);
    });
    auto t0 = std::chrono::steady_clock::now();
    gp_poll_event ev[4];
    int n = -1;
    // The listener is ready (a connection waits), so unregister it to see the wake alone.
    gp_poller_del(p, &lreg);
    EXPECT_EQ(gp_poller_wait(p, ev, 4, gp_deadline_in(10000), &n), GREET_OK);
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    waker.join();
    EXPECT_EQ(n, 0);
    EXPECT_LT(ms, 5000);
}

// The wait takes a deadline like every other waiting call: a passed one only looks, a near one
// ends the wait when it passes, with nothing reported and no error.
TEST_F(Poller, DeadlineBoundsTheWait)
{
    gp_poll_event ev[4];
    int n = -1;
    gp_poller_del(p, &lreg); // nothing registered: only the deadline can end the wait

    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(gp_poller_wait(p, ev, 4, gp_clock_ms() - 1, &n), GREET_OK);
    EXPECT_EQ(n, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000)) << "passed";

    n = -1;
    t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(gp_poller_wait(p, ev, 4, gp_deadline_in(150), &n), GREET_OK);
    auto waited = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(n, 0);
    EXPECT_GE(waited, std::chrono::milliseconds(100));
    EXPECT_LT(waited, std::chrono::milliseconds(5000));
}

TEST(PlatformLimits, CpuCountAndDescriptorLimitAreSane)
{
    EXPECT_GE(gp_cpu_count(), 1);
    long limit = 0;
    ASSERT_EQ(gp_fd_limit_raise(&limit), GREET_OK);
    EXPECT_TRUE(limit == -1 || limit >= 64) << limit;
    gp_reserve r = gp_reserve_take();
    gp_reserve_release(r);
}
