// What only the processes model promises, on top of the behaviour every model shares: a child
// process per connection that can die alone, many at once, and none left behind by a stop.
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "gp.h"
#include "support/greet_server_fixture.h"
#include "support/process_table.h"

using greet_test::ClientPtr;
using greet_test::connect_local;
using greet_test::process_exists;
using greet_test::process_kill;
using greet_test::read_greeting;
using greet_test::recv_exact;
using greet_test::TestServer;
using greet_test::under_wine;

namespace
{

// A server of the processes model on a loopback port 0, logging at debug level.
struct ProcessServer : TestServer {
    ProcessServer() : TestServer(GREET_SERVER_PROCESSES)
    {
    }
};

// The child process ids the server logged ("child process N serves ..."), in order.
std::vector<unsigned long> child_pids(ProcessServer &s)
{
    std::vector<unsigned long> pids;
    std::string all = s.log.all();
    std::regex re("child process ([0-9]+) serves");
    for (auto it = std::sregex_iterator(all.begin(), all.end(), re); it != std::sregex_iterator();
         ++it) {
        pids.push_back(std::stoul((*it)[1]));
    }
    return pids;
}

std::string raw_exchange(greet_client *c, const std::string &msg)
{
    std::string reply;
    EXPECT_EQ(greet_client_send(c, GREET_MODE_RAW, msg.data(), msg.size()), GREET_OK);
    int rc = recv_exact(c, 6 + msg.size(), reply);
    return rc == GREET_OK ? reply : "<" + std::string(greet_errname(rc)) + ">";
}

// Connects n clients that each read their greeting (so that each has its child).
void connect_all(ProcessServer &s, std::vector<ClientPtr> &clients)
{
    for (auto &c : clients) {
        ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
        ASSERT_EQ(read_greeting(c.c), "hello world!\n");
    }
}

} // namespace

TEST(ServerProcesses, EachConnectionHasAChildProcessOfItsOwn)
{
    ProcessServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    std::vector<ClientPtr> clients(3);
    connect_all(s, clients);
    ASSERT_TRUE(s.log.wait_for("serves 127.0.0.1:", 3)) << s.log.all();
    auto pids = child_pids(s);
    ASSERT_EQ(pids.size(), 3u);
    EXPECT_NE(pids[0], pids[1]);
    EXPECT_NE(pids[1], pids[2]);
    for (unsigned long pid : pids) {
        EXPECT_NE(pid, gp_process_id());
        EXPECT_TRUE(process_exists(pid)) << pid;
    }
}

TEST(ServerProcesses, KillingOneChildLeavesTheOthersServed)
{
    ProcessServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    std::vector<ClientPtr> clients(3);
    connect_all(s, clients);
    ASSERT_TRUE(s.log.wait_for("serves 127.0.0.1:", 3)) << s.log.all();
    unsigned long victim = child_pids(s)[1];

    ASSERT_TRUE(process_kill(victim));
    std::string closed = "closed (child process " + std::to_string(victim) + " ";
    ASSERT_TRUE(s.log.wait_for(closed)) << s.log.all();
    EXPECT_FALSE(process_exists(victim));
    EXPECT_EQ(raw_exchange(clients[0].c, "still here"), "Hello still here");
    EXPECT_EQ(raw_exchange(clients[2].c, "me too"), "Hello me too");
    ClientPtr later;
    ASSERT_EQ(connect_local(s.port(), later), GREET_OK);
    EXPECT_EQ(read_greeting(later.c), "hello world!\n");
    EXPECT_EQ(raw_exchange(later.c, "new"), "Hello new");

    greet_server_stats st;
    greet_server_stats_init(&st);
    ASSERT_EQ(greet_server_stats_get(s.srv, &st), GREET_OK);
    EXPECT_EQ(st.active, 3);
    EXPECT_EQ(st.accepted, 4u);
}

// 500 clients at once, every reply checked byte for byte, in raw and line mode. Under Wine 50:
// each child there is a new Windows process of this test program started through the emulator,
// one after another, at about 0.6 s each: 200 outlast the clients' 60 s greeting limit.
TEST(ServerProcesses, HundredsOfConcurrentClientsEachGetTheirOwnReplies)
{
    const int clients = under_wine() ? 50 : 500, rounds = 3;
    ProcessServer s;
    s.cfg.log_level = GREET_LOG_WARN;
    s.cfg.backlog = 1024;
    ASSERT_EQ(s.start(), GREET_OK);
    std::atomic<int> good{0}, failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; i++) {
        threads.emplace_back([&, i] {
            ClientPtr c;
            if (connect_local(s.port(), c) != GREET_OK || read_greeting(c.c) != "hello world!\n") {
                failures++;
                return;
            }
            bool lines = i % 2 == 1;
            for (int r = 0; r < rounds; r++) {
                std::string msg = "client " + std::to_string(i) + " round " + std::to_string(r);
                std::string want = "Hello " + msg + (lines ? "\n" : "");
                std::string reply;
                int rc = greet_client_send(c.c, lines ? GREET_MODE_LINE : GREET_MODE_RAW,
                                           msg.data(), msg.size());
                if (rc == GREET_OK) {
                    rc = recv_exact(c.c, want.size(), reply);
                }
                if (rc == GREET_OK && reply == want) {
                    good++;
                } else {
                    failures++;
                }
            }
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(good.load(), clients * rounds);
    greet_server_stats st;
    greet_server_stats_init(&st);
    ASSERT_EQ(greet_server_stats_get(s.srv, &st), GREET_OK);
    EXPECT_EQ(st.accepted, (unsigned long)clients);
    EXPECT_EQ(st.rejected, 0u);
}

// A stop with 200 clients connected (50 under Wine, where each child takes a fifth of a second
// to start) ends and reaps every child: none is left in the process table (on POSIX not even as
// a zombie), and every client sees its connection end.
TEST(ServerProcesses, StopWithTwoHundredClientsLeavesNoChildBehind)
{
    ProcessServer s;
    s.cfg.backlog = 1024;
    ASSERT_EQ(s.start(), GREET_OK);
    std::vector<ClientPtr> clients(under_wine() ? 50 : 200);
    std::atomic<int> greeted{0};
    std::vector<std::thread> threads;
    for (auto &c : clients) {
        threads.emplace_back([&] {
            greeted +=
                connect_local(s.port(), c) == GREET_OK && read_greeting(c.c) == "hello world!\n";
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    ASSERT_EQ(greeted.load(), (int)clients.size());
    ASSERT_TRUE(s.log.wait_for("serves 127.0.0.1:", clients.size()));
    auto pids = child_pids(s);
    ASSERT_EQ(pids.size(), clients.size());
    s.stop();
    for (unsigned long pid : pids) {
        EXPECT_FALSE(process_exists(pid)) << pid;
    }
    for (auto &c : clients) {
        char buf[16];
        size_t got = 1;
        int rc = greet_client_recv(c.c, buf, sizeof buf, &got);
        EXPECT_TRUE(rc == GREET_ECLOSED || rc == GREET_ECONNRESET) << greet_errname(rc);
    }
}
