// The client library against an in-process server: its errors name the cause.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "support/fault.h"
#include "support/greet_server_fixture.h"
#include "support/scripted_server.h"

using greet_test::ClientPtr;
using greet_test::connect_local;
using greet_test::read_greeting;
using greet_test::TestServer;

TEST(Client, ExchangesInRawAndLineMode)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    char buf[64];
    size_t got = 0;
    ASSERT_EQ(greet_client_recv(c.c, buf, sizeof buf, &got), GREET_OK);
    EXPECT_EQ(std::string(buf, got), "hello world!\n");
    ASSERT_EQ(greet_client_exchange(c.c, GREET_MODE_LINE, "ann", 3, buf, sizeof buf, &got),
              GREET_OK);
    EXPECT_EQ(std::string(buf, got), "Hello ann");
}

TEST(Client, PeerNamesTheAddressConnectedTo)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    char peer[64];
    ASSERT_EQ(greet_client_peer(c.c, peer, sizeof peer), GREET_OK);
    EXPECT_EQ(std::string(peer), "127.0.0.1:" + std::to_string(s.port()));
}

TEST(Client, RefusedConnectionIsConnRefused)
{
    unsigned port;
    {
        TestServer s;
        ASSERT_EQ(s.start(), GREET_OK);
        port = s.port();
    }
    greet_client *c = nullptr;
    EXPECT_EQ(greet_client_connect("127.0.0.1", port, GREET_FAMILY_ANY, 5000, &c),
              GREET_ECONNREFUSED);
    EXPECT_EQ(c, nullptr);
}

TEST(Client, UnknownHostIsAResolveError)
{
    // The resolver's answer comes from the platform seam: no DNS query leaves the machine.
    ScopedFault f(ScopedFault::fail(GP_FAULT_RESOLVE, GP_FAULT_NOHOST));
    ASSERT_TRUE(f.installed());
    greet_client *c = nullptr;
    int rc = greet_client_connect("no-such-host.example", 12341, GREET_FAMILY_ANY, 5000, &c);
    EXPECT_EQ(rc, GREET_ENOHOST) << greet_errname(rc);
    EXPECT_EQ(c, nullptr);
}

TEST(Client, SlowReplyTimesOut)
{
    TestServer s;
    s.cfg.delay_ms = 60000; // stop cuts it short
    s.cfg.drain_ms = 0;
    ASSERT_EQ(s.start(), GREET_OK);
    greet_client *c = nullptr;
    // Long enough for the greeting on a loaded machine, far shorter than the delay.
    ASSERT_EQ(greet_client_connect("127.0.0.1", s.port(), GREET_FAMILY_ANY, 2000, &c), GREET_OK);
    read_greeting(c);
    char buf[64];
    size_t got = 0;
    EXPECT_EQ(greet_client_exchange(c, GREET_MODE_RAW, "x", 1, buf, sizeof buf, &got),
              GREET_ETIMEDOUT);
    greet_client_close(c);
}

TEST(Client, ServerClosingIsEclosed)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    char buf[64];
    size_t got = 0;
    ASSERT_EQ(greet_client_send(c.c, GREET_MODE_LINE, "exit", 4), GREET_OK);
    EXPECT_EQ(greet_client_recv_line(c.c, buf, sizeof buf, &got), GREET_ECLOSED);
}

TEST(Client, LineLongerThanTheBufferIsTooBig)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    char buf[8];
    size_t got = 0;
    EXPECT_EQ(greet_client_recv_line(c.c, buf, sizeof buf, &got), GREET_ETOOBIG);
}

TEST(Client, EmptyRawMessageAndPortZeroAreInvalid)
{
    greet_client *c = nullptr;
    EXPECT_EQ(greet_client_connect("127.0.0.1", 0, GREET_FAMILY_ANY, 1000, &c), GREET_EINVAL);
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr ok;
    ASSERT_EQ(connect_local(s.port(), ok), GREET_OK);
    EXPECT_EQ(greet_client_send(ok.c, GREET_MODE_RAW, "", 0), GREET_EINVAL);
}

TEST(Client, FamilyRestrictsTheAddressesTried)
{
    TestServer s; // listens on 127.0.0.1 only
    ASSERT_EQ(s.start(), GREET_OK);
    greet_client *c = nullptr;
    int rc = greet_client_connect("127.0.0.1", s.port(), GREET_FAMILY_IPV6, 1000, &c);
    EXPECT_NE(rc, GREET_OK);
    greet_client_close(c);
}

// ---- Whole greetings and replies, whatever the segments (issue 11) ---------------------------

using greet_test::script_recv;
using greet_test::script_send;
using greet_test::ScriptedServer;

namespace
{

// Connects to a scripted server with the given limit (ms) and reads the greeting in mode.
int greeted(const ScriptedServer &s, int mode, ClientPtr &c, std::string &greeting,
            int timeout_ms = 20000)
{
    int rc = greet_client_connect("127.0.0.1", s.port(), GREET_FAMILY_IPV4, timeout_ms, &c.c);
    if (rc != GREET_OK) {
        return rc;
    }
    std::string buf(64 * 1024, '\0');
    size_t got = 0;
    rc = greet_client_greeting(c.c, mode, &buf[0], buf.size(), &got);
    greeting.assign(buf.data(), got);
    return rc;
}

// Answers each message as greet's raw mode does, until the client goes.
void answer_raw(gp_socket s)
{
    for (std::string m = script_recv(s); !m.empty() && m != "exit"; m = script_recv(s)) {
        script_send(s, "Hello " + m);
    }
}

std::string exchange(greet_client *c, int mode, const std::string &msg, int *rc)
{
    char buf[2048];
    size_t got = 0;
    *rc = greet_client_exchange(c, mode, msg.data(), msg.size(), buf, sizeof buf, &got);
    return std::string(buf, got);
}

} // namespace

TEST(ClientGreeting, SplitAcrossSegmentsIsReadWhole)
{
    for (int mode : {GREET_MODE_LINE, GREET_MODE_RAW}) {
        ScriptedServer s([](gp_socket c) {
            script_send(c, "hel");
            gp_sleep_ms(100);
            script_send(c, "lo world!\n");
            script_send(c, "Hello " + script_recv(c)); // "Hello ann\n"
        });
        ClientPtr c;
        std::string greeting;
        ASSERT_EQ(greeted(s, mode, c, greeting), GREET_OK);
        EXPECT_EQ(greeting, "hello world!\n") << "mode " << mode;
        int rc = 0;
        std::string reply = exchange(c.c, GREET_MODE_LINE, "ann", &rc);
        EXPECT_EQ(rc, GREET_OK) << greet_errname(rc);
        EXPECT_EQ(reply, "Hello ann") << "the greeting's second half was taken as the reply";
    }
}

TEST(ClientGreeting, WithoutNewlineIsCompleteWhenTheServerGoesQuiet)
{
    // The tutorial's server: "hello word!" alone, then it waits for the client.
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello ");
        gp_sleep_ms(50); // well inside the quiet time: still the greeting
        script_send(c, "word!");
        answer_raw(c);
    });
    ClientPtr c;
    std::string greeting;
    uint64_t t0 = gp_clock_ms();
    ASSERT_EQ(greeted(s, GREET_MODE_RAW, c, greeting), GREET_OK);
    uint64_t took = gp_clock_ms() - t0;
    EXPECT_EQ(greeting, "hello word!");
    EXPECT_GE(took, static_cast<uint64_t>(GREET_GREETING_QUIET_MS));
    int rc = 0;
    EXPECT_EQ(exchange(c.c, GREET_MODE_RAW, "guoxiang", &rc), "Hello guoxiang");
    EXPECT_EQ(rc, GREET_OK) << greet_errname(rc);
}

TEST(ClientGreeting, HugeGreetingIsReadWholeUpToTheBuffer)
{
    const std::string huge = std::string(20000, 'g') + "\n"; // over 8 KiB, as the server allows
    ScriptedServer s([&huge](gp_socket c) {
        script_send(c, huge);
        answer_raw(c);
    });
    {
        ClientPtr c;
        std::string greeting;
        ASSERT_EQ(greeted(s, GREET_MODE_RAW, c, greeting), GREET_OK);
        EXPECT_EQ(greeting, huge);
        int rc = 0;
        EXPECT_EQ(exchange(c.c, GREET_MODE_RAW, "ann", &rc), "Hello ann");
        EXPECT_EQ(rc, GREET_OK) << greet_errname(rc);
    }
    ClientPtr c;
    ASSERT_EQ(greet_client_connect("127.0.0.1", s.port(), GREET_FAMILY_IPV4, 20000, &c.c),
              GREET_OK);
    std::string small(1000, '\0');
    size_t got = 0;
    EXPECT_EQ(greet_client_greeting(c.c, GREET_MODE_LINE, &small[0], small.size(), &got),
              GREET_ETOOBIG);
}

TEST(ClientReply, RawReplySplitAcrossSegmentsIsReadWhole)
{
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello world!\n");
        std::string m = script_recv(c);
        script_send(c, "Hel");
        gp_sleep_ms(100);
        script_send(c, "lo " + m);
        answer_raw(c);
    });
    ClientPtr c;
    std::string greeting;
    ASSERT_EQ(greeted(s, GREET_MODE_RAW, c, greeting), GREET_OK);
    int rc = 0;
    EXPECT_EQ(exchange(c.c, GREET_MODE_RAW, "ann", &rc), "Hello ann");
    EXPECT_EQ(rc, GREET_OK) << greet_errname(rc);
    EXPECT_EQ(exchange(c.c, GREET_MODE_RAW, "bob", &rc), "Hello bob");
    EXPECT_EQ(rc, GREET_OK) << greet_errname(rc);
}

TEST(ClientReply, ShortRawReplyIsEclosedWithWhatArrived)
{
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello world!\n");
        script_recv(c);
        script_send(c, "Hello gu"); // and close
    });
    ClientPtr c;
    std::string greeting;
    ASSERT_EQ(greeted(s, GREET_MODE_RAW, c, greeting), GREET_OK);
    int rc = 0;
    EXPECT_EQ(exchange(c.c, GREET_MODE_RAW, "guoxiang", &rc), "Hello gu");
    EXPECT_EQ(rc, GREET_ECLOSED) << greet_errname(rc);
}

TEST(ClientReply, DifferentRawReplyIsEprotoWithWhatArrived)
{
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello world!\n");
        script_recv(c);
        script_send(c, "Hello bob"); // the same length, another name; the connection stays
        script_recv(c);
    });
    ClientPtr c;
    std::string greeting;
    ASSERT_EQ(greeted(s, GREET_MODE_RAW, c, greeting), GREET_OK);
    int rc = 0;
    EXPECT_EQ(exchange(c.c, GREET_MODE_RAW, "ann", &rc), "Hello bob");
    EXPECT_EQ(rc, GREET_EPROTO) << greet_errname(rc);
}

TEST(ClientReply, TimeoutLimitsTheWholeTrickledReply)
{
    // 300 ms between bytes: each receive is far inside 1 s, the whole reply far outside it.
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello world!\n");
        std::string m = script_recv(c);
        script_send(c, "Hello " + m, 300);
    });
    ClientPtr c;
    std::string greeting;
    ASSERT_EQ(greeted(s, GREET_MODE_RAW, c, greeting, 1000), GREET_OK);
    uint64_t t0 = gp_clock_ms();
    int rc = 0;
    std::string part = exchange(c.c, GREET_MODE_RAW, "guoxiang", &rc);
    uint64_t took = gp_clock_ms() - t0;
    EXPECT_EQ(rc, GREET_ETIMEDOUT) << greet_errname(rc);
    EXPECT_LT(part.size(), sizeof "Hello guoxiang" - 1);
    EXPECT_EQ(part, std::string("Hello guoxiang").substr(0, part.size()));
    EXPECT_GE(took, 900u);
    EXPECT_LT(took, 2500u) << "the limit was per receive, not per reply";
}

TEST(ClientReply, TimeoutLimitsTheConnectAndTrickledGreetingTogether)
{
    ScriptedServer s([](gp_socket c) { script_send(c, "hello world!\n", 300); });
    ClientPtr c;
    std::string greeting;
    uint64_t t0 = gp_clock_ms();
    EXPECT_EQ(greeted(s, GREET_MODE_LINE, c, greeting, 1000), GREET_ETIMEDOUT);
    EXPECT_LT(gp_clock_ms() - t0, 2500u);
}

TEST(ClientReply, LineReplyTrickledIsReadWholeWithinTheLimit)
{
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello world!\n", 5);
        std::string m = script_recv(c);
        script_send(c, "Hello " + m, 5);
    });
    ClientPtr c;
    std::string greeting;
    ASSERT_EQ(greeted(s, GREET_MODE_LINE, c, greeting), GREET_OK);
    EXPECT_EQ(greeting, "hello world!\n");
    int rc = 0;
    EXPECT_EQ(exchange(c.c, GREET_MODE_LINE, "ann", &rc), "Hello ann");
    EXPECT_EQ(rc, GREET_OK) << greet_errname(rc);
}

// The real server, with every receive of the client cut to one byte by the platform seam.
TEST(ClientReply, OneByteReceivesGiveTheSameExchanges)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    for (int mode : {GREET_MODE_RAW, GREET_MODE_LINE}) {
        ClientPtr c;
        ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
        // Only the client's receives: the server runs in this process too.
        std::thread::id me = std::this_thread::get_id();
        ScopedFault f([me](gp_fault_call &call) {
            if (call.point == GP_FAULT_RECV && std::this_thread::get_id() == me) {
                call.len = 1;
            }
            return static_cast<int>(GP_FAULT_NONE);
        });
        ASSERT_TRUE(f.installed());
        char buf[64];
        size_t got = 0;
        ASSERT_EQ(greet_client_greeting(c.c, mode, buf, sizeof buf, &got), GREET_OK);
        EXPECT_EQ(std::string(buf, got), "hello world!\n");
        int rc = 0;
        EXPECT_EQ(exchange(c.c, mode, "ann", &rc), "Hello ann");
        EXPECT_EQ(rc, GREET_OK) << greet_errname(rc);
    }
}

TEST(ClientReply, RawMessageLimitsAreChecked)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    std::string big(GREET_RAW_MESSAGE_MAX + 1, 'x');
    char buf[4096];
    size_t got = 0;
    EXPECT_EQ(
        greet_client_exchange(c.c, GREET_MODE_RAW, big.data(), big.size(), buf, sizeof buf, &got),
        GREET_EINVAL);
    EXPECT_EQ(greet_client_exchange(c.c, GREET_MODE_RAW, "ann", 3, buf, 8, &got), GREET_EINVAL);
}
