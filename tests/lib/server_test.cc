// The server as a library, on a loopback port 0, talked to through the client library: every
// reply is checked byte for byte.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "gp.h"
#include "support/greet_server_fixture.h"

using greet_test::ClientPtr;
using greet_test::connect_local;
using greet_test::read_greeting;
using greet_test::recv_exact;
using greet_test::recv_line;
using greet_test::TestServer;

namespace
{

using Clock = std::chrono::steady_clock;

long elapsed_ms(Clock::time_point since)
{
    return (long)std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since)
        .count();
}

// Sends a raw message and returns the reply, read to its expected length.
std::string raw_exchange(greet_client *c, const std::string &msg)
{
    std::string reply;
    EXPECT_EQ(greet_client_send(c, GREET_MODE_RAW, msg.data(), msg.size()), GREET_OK);
    int rc = recv_exact(c, 6 + msg.size(), reply);
    return rc == GREET_OK ? reply : "<" + std::string(greet_errname(rc)) + ">";
}

// Sends bytes as they are (the test decides where the line endings go).
void send_bytes(greet_client *c, const std::string &bytes)
{
    ASSERT_EQ(greet_client_send(c, GREET_MODE_RAW, bytes.data(), bytes.size()), GREET_OK);
}

// The next receive after the server closed: GREET_ECLOSED (or a reset, on some systems).
int recv_after_close(greet_client *c)
{
    char buf[64];
    size_t got = 0;
    int rc = greet_client_recv(c, buf, sizeof buf, &got);
    return rc == GREET_ECONNRESET ? GREET_ECLOSED : rc;
}

class Server : public ::testing::TestWithParam<int>
{
};

} // namespace

INSTANTIATE_TEST_SUITE_P(Models, Server, ::testing::ValuesIn(greet_test::server_models()),
                         greet_test::ModelName());

TEST_P(Server, GreetsEveryClientWithTheGreetingAndANewline)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    EXPECT_EQ(read_greeting(c.c), "hello world!\n");
}

TEST_P(Server, GreetingCanBeChanged)
{
    TestServer s(GetParam());
    s.cfg.greeting = "welcome %s %n";
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    EXPECT_EQ(read_greeting(c.c, 14), "welcome %s %n\n");
}

TEST_P(Server, RawRepliesAreHelloAndTheBytesExactly)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    EXPECT_EQ(raw_exchange(c.c, "guoxiang"), "Hello guoxiang");
    EXPECT_EQ(raw_exchange(c.c, "yanchendong"), "Hello yanchendong");
    EXPECT_EQ(raw_exchange(c.c, "two\nlines\n"), "Hello two\nlines\n");
}

TEST_P(Server, RawExitClosesTheConnection)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    EXPECT_EQ(raw_exchange(c.c, "wangzipeng"), "Hello wangzipeng");
    send_bytes(c.c, "exit");
    EXPECT_EQ(recv_after_close(c.c), GREET_ECLOSED);
    EXPECT_TRUE(s.log.wait_for("closed"));
}

TEST_P(Server, LineModeRepliesEndInNewlineAndStripCrLf)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    send_bytes(c.c, "alice\n");
    std::string reply;
    ASSERT_EQ(recv_exact(c.c, 12, reply), GREET_OK);
    EXPECT_EQ(reply, "Hello alice\n");
    send_bytes(c.c, "bob\r\n");
    ASSERT_EQ(recv_exact(c.c, 10, reply), GREET_OK);
    EXPECT_EQ(reply, "Hello bob\n");
    send_bytes(c.c, "exit\r\n");
    EXPECT_EQ(recv_after_close(c.c), GREET_ECLOSED);
}

TEST_P(Server, SplitAndCoalescedLinesGetOneReplyPerLine)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    send_bytes(c.c, "a\nb\n");
    EXPECT_EQ(recv_line(c.c), "Hello a");
    EXPECT_EQ(recv_line(c.c), "Hello b");
    send_bytes(c.c, "wang");
    send_bytes(c.c, "zi");
    send_bytes(c.c, "peng\r");
    send_bytes(c.c, "\nx\n\n");
    EXPECT_EQ(recv_line(c.c), "Hello wangzipeng");
    EXPECT_EQ(recv_line(c.c), "Hello x");
    EXPECT_EQ(recv_line(c.c), "Hello ");
}

TEST_P(Server, EndOfStreamClosesAndTheServerGoesOn)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    {
        ClientPtr c;
        ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
        read_greeting(c.c);
    }
    ASSERT_TRUE(s.log.wait_for("closed")) << s.log.all();
    ClientPtr again;
    ASSERT_EQ(connect_local(s.port(), again), GREET_OK);
    read_greeting(again.c);
    EXPECT_EQ(raw_exchange(again.c, "still here"), "Hello still here");
}

TEST_P(Server, UnterminatedLastLineIsAnsweredAtEndOfStream)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    // A bare socket, for the half-close the client library does not offer.
    ASSERT_EQ(gp_net_init(), GREET_OK);
    gp_addr addr;
    size_t n = 0;
    gp_socket sock = GP_SOCKET_INVALID;
    ASSERT_EQ(gp_resolve("127.0.0.1", (uint16_t)s.port(), GP_AF_INET4, 0, &addr, 1, &n), GREET_OK);
    ASSERT_EQ(gp_sock_connect(&addr, gp_deadline_in(5000), &sock), GREET_OK);
    ASSERT_EQ(gp_sock_set_timeouts(sock, 10000, 10000), GREET_OK);
    std::string all;
    // The first line alone latches line mode; "last" follows once its reply is in.
    ASSERT_EQ(gp_sock_send_all(sock, "a\n", 2), GREET_OK);
    for (int i = 0; i < 100 && all.find("Hello a\n") == std::string::npos; i++) {
        char buf[256];
        size_t got = 0;
        ASSERT_EQ(gp_sock_recv(sock, buf, sizeof buf, &got), GREET_OK);
        all.append(buf, got);
    }
    ASSERT_EQ(gp_sock_send_all(sock, "last", 4), GREET_OK);
    ASSERT_EQ(gp_sock_shutdown(sock, GP_SHUT_WR), GREET_OK);
    for (int i = 0; i < 100; i++) {
        char buf[256];
        size_t got = 0;
        if (gp_sock_recv(sock, buf, sizeof buf, &got) != GREET_OK || got == 0) {
            break;
        }
        all.append(buf, got);
    }
    gp_sock_close(sock);
    gp_net_fini();
    EXPECT_EQ(all, "hello world!\nHello a\nHello last\n");
}

TEST_P(Server, NulBytesAndInvalidUtf8AreEchoedWhole)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr raw, line;
    ASSERT_EQ(connect_local(s.port(), raw), GREET_OK);
    ASSERT_EQ(connect_local(s.port(), line), GREET_OK);
    read_greeting(raw.c);
    read_greeting(line.c);
    std::string odd("\0a%s%n\xff\xfe\xc3(", 11);
    EXPECT_EQ(raw_exchange(raw.c, odd), "Hello " + odd);
    send_bytes(line.c, odd + "\n");
    std::string reply;
    ASSERT_EQ(recv_exact(line.c, 6 + odd.size() + 1, reply), GREET_OK);
    EXPECT_EQ(reply, "Hello " + odd + "\n");
}

TEST_P(Server, LineOverTheLimitGetsAnErrorAndTheServerGoesOn)
{
    TestServer s(GetParam());
    s.cfg.max_line = 1024;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    send_bytes(c.c, "ok\n");
    EXPECT_EQ(recv_line(c.c), "Hello ok");
    std::string chunk(512, 'x');
    for (int i = 0; i < 3; i++) {
        send_bytes(c.c, chunk);
    }
    EXPECT_EQ(recv_line(c.c), "error: line too long");
    EXPECT_EQ(recv_after_close(c.c), GREET_ECLOSED);
    EXPECT_TRUE(s.log.wait_for("line longer than 1024 bytes"));

    ClientPtr next;
    ASSERT_EQ(connect_local(s.port(), next), GREET_OK);
    read_greeting(next.c);
    EXPECT_EQ(raw_exchange(next.c, "next"), "Hello next");
}

TEST_P(Server, ClientsOverMaxClientsGetTheBusyMessage)
{
    TestServer s(GetParam());
    s.cfg.max_clients = 2;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr a, b, busy;
    ASSERT_EQ(connect_local(s.port(), a), GREET_OK);
    ASSERT_EQ(connect_local(s.port(), b), GREET_OK);
    read_greeting(a.c);
    read_greeting(b.c);
    ASSERT_EQ(connect_local(s.port(), busy), GREET_OK);
    std::string msg;
    ASSERT_EQ(recv_exact(busy.c, sizeof GREET_BUSY_MESSAGE - 1, msg), GREET_OK);
    EXPECT_EQ(msg, GREET_BUSY_MESSAGE);
    EXPECT_EQ(recv_after_close(busy.c), GREET_ECLOSED);
    EXPECT_EQ(raw_exchange(a.c, "served"), "Hello served");

    greet_client_close(a.c);
    a.c = nullptr;
    ASSERT_TRUE(s.log.wait_for("closed"));
    ClientPtr later;
    ASSERT_EQ(connect_local(s.port(), later), GREET_OK);
    EXPECT_EQ(read_greeting(later.c), "hello world!\n");

    greet_server_stats st;
    greet_server_stats_init(&st);
    ASSERT_EQ(greet_server_stats_get(s.srv, &st), GREET_OK);
    EXPECT_EQ(st.active, 2);
    EXPECT_EQ(st.accepted, 3u);
    EXPECT_EQ(st.rejected, 1u);
}

// Below info level nothing is written about the clients that come and go, but a refused client
// is still a warning that names it, and a connection still stops counting when it ends.
TEST_P(Server, AtWarnLevelOnlyTheRefusedClientIsLoggedByAddress)
{
    TestServer s(GetParam());
    s.cfg.max_clients = 1;
    s.cfg.log_level = GREET_LOG_WARN;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr a, busy;
    ASSERT_EQ(connect_local(s.port(), a), GREET_OK);
    read_greeting(a.c);
    ASSERT_EQ(connect_local(s.port(), busy), GREET_OK);
    std::string msg;
    ASSERT_EQ(recv_exact(busy.c, sizeof GREET_BUSY_MESSAGE - 1, msg), GREET_OK);
    ASSERT_TRUE(s.log.wait_for("refused: 1 clients already"));
    std::string log = s.log.all();
    EXPECT_TRUE(
        std::regex_search(log, std::regex("connection with (127\\.0\\.0\\.1|::1|\\[::1\\]):[0-9]+ "
                                          "refused: 1 clients already")))
        << log;

    send_bytes(a.c, "exit");
    EXPECT_EQ(recv_after_close(a.c), GREET_ECLOSED);
    auto t0 = Clock::now();
    greet_server_stats st;
    greet_server_stats_init(&st);
    ASSERT_EQ(greet_server_stats_get(s.srv, &st), GREET_OK);
    while (st.active > 0 && elapsed_ms(t0) < 10000) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        ASSERT_EQ(greet_server_stats_get(s.srv, &st), GREET_OK);
    }
    EXPECT_EQ(st.active, 0);
    EXPECT_EQ(s.log.count("connection with"), 1u) << s.log.all();
    EXPECT_EQ(s.log.count("closed"), 0u) << s.log.all();
}

TEST_P(Server, IdleClientsAreDropped)
{
    TestServer s(GetParam());
    s.cfg.idle_timeout_ms = 200;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    auto t0 = Clock::now();
    EXPECT_EQ(recv_after_close(c.c), GREET_ECLOSED);
    EXPECT_GE(elapsed_ms(t0), 150);
    EXPECT_TRUE(s.log.wait_for("closed (idle for 200 ms)")) << s.log.all();
}

TEST_P(Server, DelayWaitsBeforeEachReply)
{
    TestServer s(GetParam());
    s.cfg.delay_ms = 150;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    auto t0 = Clock::now();
    EXPECT_EQ(raw_exchange(c.c, "slow"), "Hello slow");
    EXPECT_GE(elapsed_ms(t0), 140);
}

TEST_P(Server, LogsTheTutorialsConnectionLines)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    {
        ClientPtr c;
        ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
        read_greeting(c.c);
    }
    ASSERT_TRUE(s.log.wait_for("closed"));
    EXPECT_EQ(s.log.count("listening on 127.0.0.1:"), 1u);
    EXPECT_EQ(s.log.count("connection with 127.0.0.1:"), 1u);
    EXPECT_EQ(s.log.count("connection from 127.0.0.1:"), 1u);
}

TEST_P(Server, StopClosesConnectedClientsWithinASecond)
{
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    std::vector<ClientPtr> clients(10);
    for (auto &c : clients) {
        ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
        read_greeting(c.c);
    }
    send_bytes(clients[0].c, "a line\n");
    EXPECT_EQ(recv_line(clients[0].c), "Hello a line");
    send_bytes(clients[0].c, "half a li");
    auto t0 = Clock::now();
    s.stop();
    EXPECT_LT(elapsed_ms(t0), 1500);
    for (auto &c : clients) {
        EXPECT_EQ(recv_after_close(c.c), GREET_ECLOSED);
    }
}

TEST_P(Server, StopLetsAReplyInFlightFinish)
{
    TestServer s(GetParam());
    s.cfg.delay_ms = 100;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    send_bytes(c.c, "in flight");
    ASSERT_TRUE(s.log.wait_for("raw mode"));
    s.stop();
    std::string reply;
    EXPECT_EQ(recv_exact(c.c, 15, reply), GREET_OK);
    EXPECT_EQ(reply, "Hello in flight");
}

TEST_P(Server, StopCutsALongDelayShort)
{
    TestServer s(GetParam());
    s.cfg.delay_ms = 60000;
    s.cfg.drain_ms = 100;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    send_bytes(c.c, "never answered");
    ASSERT_TRUE(s.log.wait_for("raw mode"));
    auto t0 = Clock::now();
    s.stop();
    EXPECT_LT(elapsed_ms(t0), 1500);
    EXPECT_EQ(recv_after_close(c.c), GREET_ECLOSED);
}

TEST_P(Server, ManyConcurrentClientsEachGetTheirOwnReplies)
{
#ifdef _WIN32
    // Each processes-model child is a new process of this test program, started one after
    // another (under Wine through the emulator): at 200 the last greetings outlast 60 s.
    const int clients = GetParam() == GREET_SERVER_PROCESSES ? 50 : 200, rounds = 25;
#else
    const int clients = 200, rounds = 25;
#endif
    TestServer s(GetParam());
    s.cfg.log_level = GREET_LOG_WARN;
    ASSERT_EQ(s.start(), GREET_OK);
    std::atomic<int> good_rounds{0}, failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; i++) {
        threads.emplace_back([&, i] {
            ClientPtr c;
            if (connect_local(s.port(), c) != GREET_OK) {
                failures++;
                return;
            }
            read_greeting(c.c);
            bool lines = i % 2 == 1;
            for (int r = 0; r < rounds; r++) {
                std::string msg = "client " + std::to_string(i) + " round " + std::to_string(r);
                char reply[256];
                size_t got = 0;
                int rc = greet_client_exchange(c.c, lines ? GREET_MODE_LINE : GREET_MODE_RAW,
                                               msg.data(), msg.size(), reply, sizeof reply, &got);
                std::string want = "Hello " + msg;
                if (rc == GREET_OK && !lines && got < want.size()) {
                    std::string rest;
                    rc = recv_exact(c.c, want.size() - got, rest);
                    std::copy(rest.begin(), rest.end(), reply + got);
                    got = want.size();
                }
                if (rc == GREET_OK && std::string(reply, got) == want) {
                    good_rounds++;
                } else {
                    failures++;
                }
            }
            greet_client_send(c.c, lines ? GREET_MODE_LINE : GREET_MODE_RAW, "exit", 4);
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(good_rounds.load(), clients * rounds);
    greet_server_stats st;
    greet_server_stats_init(&st);
    ASSERT_EQ(greet_server_stats_get(s.srv, &st), GREET_OK);
    EXPECT_EQ(st.accepted, (unsigned long)clients);
    EXPECT_EQ(st.rejected, 0u);
}

TEST_P(Server, DefaultBindServesIpv4AndIpv6Clients)
{
    TestServer s(GetParam());
    s.cfg.bind = nullptr;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr v4;
    ASSERT_EQ(connect_local(s.port(), v4, "127.0.0.1"), GREET_OK);
    read_greeting(v4.c);
    EXPECT_EQ(raw_exchange(v4.c, "four"), "Hello four");
    EXPECT_TRUE(s.log.wait_for("connection with 127.0.0.1:")) << s.log.all();

    ClientPtr v6;
    int rc = connect_local(s.port(), v6, "::1");
    if (rc != GREET_OK) {
        GTEST_SKIP() << "no IPv6 loopback here: " << greet_strerror(rc);
    }
    read_greeting(v6.c);
    EXPECT_EQ(raw_exchange(v6.c, "six"), "Hello six");
}

TEST_P(Server, PortInUseIsReportedByStart)
{
    TestServer first;
    ASSERT_EQ(first.start(), GREET_OK);
    TestServer second;
    second.cfg.port = first.port();
    EXPECT_EQ(second.start(), GREET_EADDRINUSE);
    EXPECT_EQ(second.srv, nullptr);
}

// Between the failed listen and the caller's greet_error_text, start cleans up, and stopping the
// log writer waits on a condition: a call that forgets the record. The failure, taken before the
// clean-up and carried past it, still says why.
TEST_P(Server, PortInUseKeepsItsOsDetailPastStartsCleanUp)
{
#ifdef _WIN32
    const std::string in_use = "address already in use (WSAEADDRINUSE 10048";
#else
    const std::string in_use = "address already in use (EADDRINUSE ";
#endif
    TestServer first(GetParam());
    ASSERT_EQ(first.start(), GREET_OK);
    TestServer second(GetParam());
    ASSERT_NE(second.cfg.log, nullptr); // the log writer runs, so start's clean-up waits for it
    second.cfg.port = first.port();
    int rc = second.start();
    ASSERT_EQ(rc, GREET_EADDRINUSE) << greet_errname(rc);
    char text[512];
    std::string said = greet_error_text(rc, text, sizeof text);
    EXPECT_EQ(said.rfind(in_use, 0), 0u) << said;
}

TEST_P(Server, AddressNotOnThisMachineIsReportedByStart)
{
    TestServer s(GetParam());
    s.cfg.bind = "192.0.2.1"; // TEST-NET-1: never a local address
    EXPECT_EQ(s.start(), GREET_EADDRNOTAVAIL);
}

TEST_P(Server, InvalidConfigIsRejected)
{
    TestServer s(GetParam());
    s.cfg.port = 70000;
    EXPECT_EQ(s.start(), GREET_EINVAL);
    s.cfg.port = 0;
    s.cfg.model = 99;
    EXPECT_EQ(s.start(), GREET_EINVAL);
    s.cfg.model = GREET_SERVER_THREADS;
    s.cfg.workers = -1;
    EXPECT_EQ(s.start(), GREET_EINVAL);
}

TEST(ServerApi, StopOfNullIsANoOp)
{
    greet_server_stop(nullptr);
}

// A listening socket opened by someone else (a service manager) is served as it is; bind, port
// and backlog are then unused, and the server closes the socket at stop.
// A socket listening on a free loopback port, as a service manager would open one.
static gp_socket loopback_listener(gp_addr *addr)
{
    size_t n = 0;
    gp_socket s = GP_SOCKET_INVALID;
    EXPECT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_ANY, 1, addr, 1, &n), GREET_OK);
    EXPECT_EQ(gp_sock_listen(addr, 8, &s), GREET_OK);
    EXPECT_EQ(gp_sock_local_addr(s, addr), GREET_OK);
    return s;
}

TEST(ServerApi, ServesAListenerOpenedByTheCaller)
{
    gp_addr addr;
    gp_socket listener = loopback_listener(&addr);
    ASSERT_NE(listener, GP_SOCKET_INVALID);

    greet_server_config cfg;
    greet_server_config_init(&cfg);
    EXPECT_EQ(cfg.listener, GREET_NO_LISTENER);
    cfg.listener = (uintptr_t)listener;
    cfg.bind = "192.0.2.1"; // not an address of this machine: binding it would fail
    cfg.port = 1;
    greet_server *srv = nullptr;
    ASSERT_EQ(greet_server_start(&cfg, &srv), GREET_OK);
    EXPECT_EQ(greet_server_port(srv), gp_addr_port(&addr));
    ClientPtr c;
    ASSERT_EQ(connect_local(greet_server_port(srv), c), GREET_OK);
    EXPECT_EQ(read_greeting(c.c), "hello world!\n");
    EXPECT_EQ(raw_exchange(c.c, "svc"), "Hello svc");
    greet_server_stop(srv);
}

TEST(ServerApi, AListenerThatIsNotASocketIsRefusedAndLeftToTheCaller)
{
    gp_addr addr;
    gp_socket listener = loopback_listener(&addr);
    gp_sock_close(listener); // now a closed handle: what a confused caller might pass

    greet_server_config cfg;
    greet_server_config_init(&cfg);
    cfg.listener = (uintptr_t)listener;
    greet_server *srv = nullptr;
    EXPECT_NE(greet_server_start(&cfg, &srv), GREET_OK);
    EXPECT_EQ(srv, nullptr);
}

TEST(ServerApi, IdleLimitIsOnByDefault)
{
    greet_server_config cfg;
    greet_server_config_init(&cfg);
    EXPECT_EQ(cfg.idle_timeout_ms, GREET_DEFAULT_IDLE_TIMEOUT_MS);
    EXPECT_GT(cfg.idle_timeout_ms, 0);
    EXPECT_EQ(cfg.model, GREET_SERVER_DEFAULT);
}

// A slowloris trickles bytes of a line that never ends: each byte must not buy more time.
TEST_P(Server, IdleLimitCountsCompleteMessagesNotTrickledBytes)
{
    TestServer s(GetParam());
    s.cfg.idle_timeout_ms = 600;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    send_bytes(c.c, "first\n");
    EXPECT_EQ(recv_line(c.c), "Hello first");
    auto t0 = Clock::now();
    for (int i = 0; i < 40 && s.log.count("closed (idle for 600 ms)") == 0; i++) {
        if (greet_client_send(c.c, GREET_MODE_RAW, "x", 1) != GREET_OK) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(s.log.wait_for("closed (idle for 600 ms)", 1, 5000)) << s.log.all();
    EXPECT_LT(elapsed_ms(t0), 2500);
    EXPECT_GE(elapsed_ms(t0), 400);
}

TEST_P(Server, CompleteMessagesKeepAConnectionPastTheIdleLimit)
{
    TestServer s(GetParam());
    s.cfg.idle_timeout_ms = 400;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    for (int i = 0; i < 6; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        send_bytes(c.c, "still here\n");
        EXPECT_EQ(recv_line(c.c), "Hello still here");
    }
    EXPECT_EQ(s.log.count("idle for"), 0u);
}

namespace
{

#ifdef _WIN32
const int kManyClients = 1000;   // Wine's socket emulation is far slower
const long kStopBoundMs = 15000; // closing 500 sockets through wineserver takes seconds
// Wine stalls a blocking send and a receive on one socket from two threads: the flood stays
// small enough there for the sender never to block.
const size_t kFlood = 1 << 16;
#else
const int kManyClients = 2000;
const long kStopBoundMs = 3000;
const size_t kFlood = 1 << 20;
#endif

// Sends n bytes of empty lines without reading; each is answered "Hello \n", 7 times as much.
void flood_without_reading(greet_client *c, size_t n, std::atomic<size_t> *sent)
{
    std::string chunk(16384, '\n');
    while (*sent < n) {
        if (greet_client_send(c, GREET_MODE_RAW, chunk.data(), chunk.size()) != GREET_OK) {
            return;
        }
        *sent += chunk.size();
    }
}

// How many clients the stress tests hold at once. A child process per client costs a process
// start each (a fifth of a second under Wine): the processes model's own scale test
// (server_processes_test.cc: 500 clients, 200 under Wine) covers it, so here it gets a smaller
// crowd that keeps the suite's time bounded under the sanitizers and Wine.
int many_clients(int model)
{
#ifdef _WIN32
    const int processes = 40;
#else
    const int processes = 200;
#endif
    return model == GREET_SERVER_PROCESSES ? processes : kManyClients;
}

} // namespace

TEST_P(Server, ManyClientsAtOnceEachGetTheirOwnReplies)
{
    TestServer s(GetParam());
    s.cfg.log_level = GREET_LOG_WARN;
    ASSERT_EQ(s.start(), GREET_OK);
    std::vector<ClientPtr> clients(many_clients(GetParam()));
    for (auto &c : clients) {
        ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
        ASSERT_EQ(read_greeting(c.c), "hello world!\n");
    }
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < clients.size(); i++) {
            std::string msg = "c" + std::to_string(i) + "r" + std::to_string(round);
            ASSERT_EQ(greet_client_send(clients[i].c, GREET_MODE_RAW, msg.data(), msg.size()),
                      GREET_OK);
        }
        for (size_t i = 0; i < clients.size(); i++) {
            std::string msg = "c" + std::to_string(i) + "r" + std::to_string(round), reply;
            ASSERT_EQ(recv_exact(clients[i].c, 6 + msg.size(), reply), GREET_OK);
            ASSERT_EQ(reply, "Hello " + msg);
        }
    }
    greet_server_stats st;
    greet_server_stats_init(&st);
    ASSERT_EQ(greet_server_stats_get(s.srv, &st), GREET_OK);
    EXPECT_EQ(st.active, static_cast<long>(clients.size()));
    EXPECT_EQ(st.rejected, 0u);
}

// Back-pressure: the server stops reading from a client that does not read its replies, keeps
// serving everyone else, and loses nothing once the client reads again.
TEST_P(Server, AClientThatNeverReadsDoesNotStallOthersAndLosesNothing)
{
    const size_t flood = kFlood;
    TestServer s(GetParam());
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr slow, other;
    ASSERT_EQ(connect_local(s.port(), slow), GREET_OK);
    read_greeting(slow.c);
    std::atomic<size_t> sent{0};
    std::thread sender(flood_without_reading, slow.c, flood, &sent);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_EQ(connect_local(s.port(), other), GREET_OK);
    read_greeting(other.c);
    EXPECT_EQ(raw_exchange(other.c, "not stalled"), "Hello not stalled");

    std::string reply;
    size_t want = 7 * flood;
    size_t checked = 0;
    while (checked < want) {
        size_t n = want - checked < 65536 ? want - checked : 65536;
        ASSERT_EQ(recv_exact(slow.c, n, reply), GREET_OK) << checked;
        for (size_t i = 0; i < n; i++, checked++) {
            ASSERT_EQ(reply[i], "Hello \n"[checked % 7]) << checked;
        }
    }
    sender.join();
    EXPECT_EQ(sent.load(), flood);
}

TEST_P(Server, StopWithManyClientsSomeBlockedEndsPromptly)
{
    const int blocked = 8;
    TestServer s(GetParam());
    s.cfg.log_level = GREET_LOG_WARN;
    ASSERT_EQ(s.start(), GREET_OK);
    std::vector<ClientPtr> clients(many_clients(GetParam()) / 2);
    for (auto &c : clients) {
        ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
        ASSERT_EQ(read_greeting(c.c), "hello world!\n");
    }
    std::vector<std::atomic<size_t>> sent(blocked);
    std::vector<std::thread> senders;
    for (int i = 0; i < blocked; i++) {
        sent[i] = 0;
        senders.emplace_back(flood_without_reading, clients[i].c, (size_t)4 << 20, &sent[i]);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto t0 = Clock::now();
    s.stop();
    EXPECT_LT(elapsed_ms(t0), kStopBoundMs);
    for (auto &t : senders) {
        t.join(); // the server closed their connections, so their sends ended
    }
    for (size_t i = blocked; i < clients.size(); i++) {
        ASSERT_EQ(recv_after_close(clients[i].c), GREET_ECLOSED);
    }
}
