// The address race behind the client and fetch (connect.c, RFC 8305 "happy eyeballs"), on
// loopback: a blackholed first address (support/full_listener.h) costs the connection attempt
// delay, not the connect timeout; a refused one costs nothing; the losers are closed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connect.h"
#include "gp.h"
#include "support/full_listener.h"

#ifdef __linux__
#include <dirent.h>
#endif

using greet_test::FullListener;

namespace
{

gp_addr literal(const char *host, uint16_t port)
{
    gp_addr a{};
    size_t n = 0;
    EXPECT_EQ(gp_resolve(host, port, GP_AF_ANY, 0, &a, 1, &n), GREET_OK) << host;
    return a;
}

// A listener nobody accepts from: connects to it complete (the kernel queues them).
struct Listener {
    gp_socket s = GP_SOCKET_INVALID;
    gp_addr addr{};
    explicit Listener(const char *host = "127.0.0.1")
    {
        gp_addr a = literal(host, 0);
        if (gp_sock_listen(&a, 0, &s) == GREET_OK) {
            gp_sock_local_addr(s, &addr);
        }
    }
    ~Listener()
    {
        gp_sock_close(s);
    }
};

// An address that refuses: a port that was listened on and closed again.
gp_addr refusing(const char *host = "127.0.0.1")
{
    Listener gone(host);
    return gone.addr;
}

struct Race {
    std::vector<std::string> tried;
    std::vector<uint64_t> tried_at;
    std::string connected;
    uint64_t start = gp_clock_ms();
    uint64_t stop_after_ms = 0; // 0: never
    gi_connect_plan plan{};
    gi_connect_result res{};

    explicit Race(int64_t attempt_ms = 10000, int64_t total_ms = 20000)
    {
        plan.deadline = gp_deadline_in(total_ms);
        plan.attempt_ms = attempt_ms;
        plan.on_attempt = on_attempt;
        plan.go_on = go_on;
        plan.ctx = this;
        res.sock = GP_SOCKET_INVALID;
        res.which = 99;
    }
    ~Race()
    {
        gp_sock_close(res.sock);
    }
    int run(const std::vector<gp_addr> &addrs)
    {
        start = gp_clock_ms();
        return gi_connect_first(addrs.data(), addrs.size(), &plan, &res);
    }
    uint64_t took() const
    {
        return gp_clock_ms() - start;
    }
    static void on_attempt(void *ctx, const char *addr, int connected)
    {
        auto *r = static_cast<Race *>(ctx);
        if (connected) {
            r->connected = addr;
        } else {
            r->tried.push_back(addr);
            r->tried_at.push_back(gp_clock_ms() - r->start);
        }
    }
    static int go_on(void *ctx)
    {
        auto *r = static_cast<Race *>(ctx);
        return r->stop_after_ms > 0 && gp_clock_ms() - r->start >= r->stop_after_ms
                   ? GREET_ECANCELED
                   : GREET_OK;
    }
};

std::string text(const gp_addr &a)
{
    char buf[GP_ADDRSTR_MAX];
    EXPECT_EQ(gp_addr_format(&a, buf, sizeof buf), GREET_OK);
    return buf;
}

class Connect : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_EQ(gp_net_init(), GREET_OK);
    }
    void TearDown() override
    {
        gp_net_fini();
    }
};

#ifdef __linux__
int open_fds()
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        return -1;
    }
    while (readdir(d)) {
        n++;
    }
    closedir(d);
    return n;
}
#endif

} // namespace

TEST(ConnectOrder, InterleavesFamiliesFirstAddressFamilyFirst)
{
    std::vector<gp_addr> a = {literal("::1", 1), literal("::1", 2), literal("127.0.0.1", 3),
                              literal("127.0.0.1", 4), literal("127.0.0.1", 5)};
    size_t order[5];
    gi_connect_order(a.data(), a.size(), order);
    EXPECT_EQ(std::vector<size_t>(order, order + 5), (std::vector<size_t>{0, 2, 1, 3, 4}));

    std::vector<gp_addr> b = {literal("127.0.0.1", 1), literal("127.0.0.1", 2), literal("::1", 3)};
    gi_connect_order(b.data(), b.size(), order);
    EXPECT_EQ(std::vector<size_t>(order, order + 3), (std::vector<size_t>{0, 2, 1}));

    std::vector<gp_addr> c = {literal("127.0.0.1", 1), literal("127.0.0.1", 2)};
    gi_connect_order(c.data(), c.size(), order);
    EXPECT_EQ(std::vector<size_t>(order, order + 2), (std::vector<size_t>{0, 1}));
}

TEST_F(Connect, AHangingFirstAddressCostsTheAttemptDelayNotTheTimeout)
{
    FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    Listener live;
    Race r;
    ASSERT_EQ(r.run({dead.addr, live.addr}), GREET_OK) << r.res.name;
    uint64_t took = r.took();
    EXPECT_EQ(r.res.which, 1u);
    EXPECT_EQ(r.connected, text(live.addr));
    ASSERT_EQ(r.tried.size(), 2u);
    EXPECT_EQ(r.tried[0], text(dead.addr));
    // The second attempt waits for the delay, then wins well within the 10 s attempt limit.
    EXPECT_GE(r.tried_at[1] + 5, static_cast<uint64_t>(GI_CONNECT_DELAY_MS));
    EXPECT_LT(took, 2000u);
}

TEST_F(Connect, ARefusedFirstAddressStartsTheNextAtOnce)
{
    Listener live;
    Race r;
    ASSERT_EQ(r.run({refusing(), live.addr}), GREET_OK) << r.res.name;
    EXPECT_EQ(r.res.which, 1u);
    ASSERT_EQ(r.tried.size(), 2u);
    EXPECT_LT(r.tried_at[1], static_cast<uint64_t>(GI_CONNECT_DELAY_MS) - 50)
        << "the next address waited for the delay after a refusal";
}

TEST_F(Connect, TheFirstToAnswerWinsEvenIfTriedFirst)
{
    Listener live, other;
    Race r;
    ASSERT_EQ(r.run({live.addr, other.addr}), GREET_OK);
    EXPECT_EQ(r.res.which, 0u);
    EXPECT_EQ(r.tried.size(), 1u) << "a second attempt started though the first answered";
}

TEST_F(Connect, AllRefusedIsTheLastRefusalNamingItsAddress)
{
    gp_addr a = refusing(), b = refusing();
    Race r;
    EXPECT_EQ(r.run({a, b}), GREET_ECONNREFUSED);
    EXPECT_EQ(r.res.why.code, GREET_ECONNREFUSED);
    EXPECT_NE(std::string(r.res.why.detail), "") << "the OS detail of the last failure is lost";
    EXPECT_EQ(std::string(r.res.name), text(b));
    EXPECT_EQ(r.res.sock, GP_SOCKET_INVALID);
}

TEST_F(Connect, EachAttemptHasItsOwnLimit)
{
    FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    Race r(300);
    EXPECT_EQ(r.run({dead.addr, dead.addr}), GREET_ETIMEDOUT);
    // 250 ms apart, 300 ms each: both over by about 550 ms.
    EXPECT_GE(r.took(), 500u);
    EXPECT_LT(r.took(), 3000u);
    EXPECT_EQ(std::string(r.res.name), text(dead.addr));
}

TEST_F(Connect, TheDeadlineBoundsTheWholeRace)
{
    FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    Race r(10000, 400);
    EXPECT_EQ(r.run({dead.addr, dead.addr, dead.addr}), GREET_ETIMEDOUT);
    EXPECT_GE(r.took(), 350u);
    EXPECT_LT(r.took(), 2000u);
    EXPECT_EQ(std::string(r.res.name), text(dead.addr));
}

TEST_F(Connect, AStopEndsTheRaceWithinASlice)
{
    FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    Race r;
    r.stop_after_ms = 300;
    EXPECT_EQ(r.run({dead.addr, dead.addr}), GREET_ECANCELED);
    EXPECT_GE(r.took(), 300u);
    EXPECT_LT(r.took(), 800u) << "the stop waited for more than a slice";
}

TEST_F(Connect, NothingToTryIsNoHost)
{
    Race r;
    EXPECT_EQ(r.run({}), GREET_ENOHOST);
}

TEST_F(Connect, MoreHangingAddressesThanCanRunTogetherStillReachTheLastOne)
{
    FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    Listener live;
    // GP_CONNECT_WAIT_MAX attempts run at once; the rest wait for one of them to end.
    std::vector<gp_addr> addrs(GP_CONNECT_WAIT_MAX, dead.addr);
    addrs.push_back(live.addr);
    Race r(2500);
    ASSERT_EQ(r.run(addrs), GREET_OK) << r.res.name;
    EXPECT_EQ(r.res.which, addrs.size() - 1);
    EXPECT_LT(r.took(), 8000u);
}

#ifdef __linux__
TEST_F(Connect, TheLosersAreClosed)
{
    FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    Listener live;
    int before = open_fds();
    {
        Race r;
        ASSERT_EQ(r.run({dead.addr, dead.addr, live.addr}), GREET_OK);
        EXPECT_EQ(open_fds(), before + 1) << "only the winner may stay open";
    }
    EXPECT_EQ(open_fds(), before);
    {
        Race r(200); // the hanging one gives up after 200 ms, then the refusal comes at once
        EXPECT_EQ(r.run({dead.addr, refusing()}), GREET_ECONNREFUSED);
    }
    EXPECT_EQ(open_fds(), before);
    {
        Race r;
        r.stop_after_ms = 100;
        EXPECT_EQ(r.run({dead.addr, dead.addr}), GREET_ECANCELED);
    }
    EXPECT_EQ(open_fds(), before);
}
#endif
