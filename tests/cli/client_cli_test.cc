// `greet client` as a program against an in-process server: what it prints and its exit codes.
#include <gtest/gtest.h>

#include <string>

#include "gp.h"
#include "support/cli_in_process.h"
#include "support/fault.h"
#include "support/full_listener.h"
#include "support/greet_server_fixture.h"
#include "support/process.h"
#include "support/scripted_server.h"

using greet_test::ClientPtr;
using greet_test::connect_local;
using greet_test::greet_exe;
using greet_test::read_greeting;
using greet_test::run_cli_in_process;
using greet_test::run_process;
using greet_test::script_recv;
using greet_test::script_send;
using greet_test::ScriptedServer;
using greet_test::TestServer;

namespace
{

greet_test::ProcessResult client(const TestServer &s, std::vector<std::string> args,
                                 const std::string &input = "", int timeout_ms = 30000)
{
    std::vector<std::string> all = {greet_exe(), "client", "127.0.0.1", "--port",
                                    std::to_string(s.port())};
    all.insert(all.end(), args.begin(), args.end());
    return run_process(all, input, timeout_ms);
}

greet_test::ProcessResult client(const ScriptedServer &s, std::vector<std::string> args,
                                 int timeout_ms = 30000)
{
    std::vector<std::string> all = {greet_exe(), "client", "127.0.0.1", "--port",
                                    std::to_string(s.port())};
    all.insert(all.end(), args.begin(), args.end());
    return run_process(all, "", timeout_ms);
}

// Sends greeting, then answers each raw message with answer(message) until the client goes.
ScriptedServer::Script serving(const std::string &greeting,
                               std::string (*answer)(const std::string &))
{
    return [greeting, answer](gp_socket c) {
        script_send(c, greeting);
        for (std::string m = script_recv(c); !m.empty() && m != "exit"; m = script_recv(c)) {
            script_send(c, answer(m));
        }
    };
}

std::string hello(const std::string &m)
{
    return "Hello " + m;
}

} // namespace

TEST(ClientCli, SendsTheTutorialsThreeNamesByDefault)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    auto r = client(s, {});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello world!\nHello guoxiang\nHello yanchendong\nHello wangzipeng\n");
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(s.log.wait_for("connection from 127.0.0.1:"));
}

TEST(ClientCli, SendsNamesGivenAsArgumentsInLineMode)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    auto r = client(s, {"--lines", "ann", "b o b", "%s%n"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello world!\nHello ann\nHello b o b\nHello %s%n\n");
}

TEST(ClientCli, DashReadsNamesFromStdin)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    auto raw = client(s, {"-"}, "x\r\n\ny\n");
    EXPECT_EQ(raw.exit_code, 0) << raw.err;
    EXPECT_EQ(raw.out, "hello world!\nHello x\nHello y\n");
    auto lines = client(s, {"--lines", "-"}, "x\n\nlast");
    EXPECT_EQ(lines.exit_code, 0) << lines.err;
    EXPECT_EQ(lines.out, "hello world!\nHello x\nHello \nHello last\n");
}

TEST(ClientCli, NulInAStdinNameIsRefusedAsSuch)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    auto r = client(s, {"-"}, std::string("ok\nna\0me\n", 9));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("names cannot contain NUL bytes"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("longer than"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "hello world!\nHello ok\n");
    // Also in the last line, without its newline.
    auto last = client(s, {"--lines", "-"}, std::string("a\0", 2));
    EXPECT_EQ(last.exit_code, 2) << last.err;
    EXPECT_NE(last.err.find("names cannot contain NUL bytes"), std::string::npos) << last.err;
}

// The server's raw receive is 1024 bytes: a longer name would come back as two replies.
TEST(ClientCli, RawStdinNameOverTheRawLimitIsRefused)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    auto r = client(s, {"-"}, "ok\n" + std::string(GREET_RAW_MESSAGE_MAX + 1, 'x') + "\n");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("in raw mode a name has at most 1024 bytes"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "hello world!\nHello ok\n");
}

TEST(ClientCli, HostDefaultsToThisMachinesName)
{
    char name[256];
    ASSERT_EQ(gp_hostname(name, sizeof name), GREET_OK);
    greet_client *probe = nullptr;
    TestServer s;
    s.cfg.bind = nullptr; // every interface, so that the host name's address is served
    ASSERT_EQ(s.start(), GREET_OK);
    if (greet_client_connect(name, s.port(), GREET_FAMILY_ANY, 2000, &probe) != GREET_OK) {
        GTEST_SKIP() << "this machine's name (" << name << ") does not reach it";
    }
    greet_client_close(probe);
    auto r = run_process({greet_exe(), "client", "--port", std::to_string(s.port()), "-l"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello world!\nHello guoxiang\nHello yanchendong\nHello wangzipeng\n");
}

TEST(ClientCli, RefusedConnectionExitsWithTheConnectCode)
{
    unsigned port;
    {
        TestServer s;
        ASSERT_EQ(s.start(), GREET_OK);
        port = s.port();
    }
    auto r = run_process({greet_exe(), "client", "127.0.0.1", "--port", std::to_string(port)});
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_NE(r.err.find("greet client: connect to 127.0.0.1:" + std::to_string(port) +
                         ": connection refused"),
              std::string::npos)
        << r.err;
}

// The resolver's answer comes from the platform seam, reached by running the program in-process:
// no DNS query leaves the machine.
TEST(ClientCli, UnknownHostExitsWithTheResolveCode)
{
    ScopedFault f(ScopedFault::fail(GP_FAULT_RESOLVE, GP_FAULT_NOHOST));
    ASSERT_TRUE(f.installed());
    auto r = run_cli_in_process({"client", "no-such-host.example"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("greet client: cannot resolve 'no-such-host.example': host not found"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
}

TEST(ClientCli, SlowServerExitsWithTheTimeoutCode)
{
    TestServer s;
    s.cfg.delay_ms = 60000; // stop cuts it short
    s.cfg.drain_ms = 0;
    ASSERT_EQ(s.start(), GREET_OK);
    auto r = client(s, {"--timeout", "2"});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_EQ(r.out, "hello world!\n");
    EXPECT_NE(r.err.find("no answer from 127.0.0.1:"), std::string::npos) << r.err;
}

// 0 means "no limit": a positive time below a millisecond must still be a limit (1 ms).
TEST(ClientCli, TimeoutBelowAMillisecondIsStillALimit)
{
    TestServer s;
    s.cfg.delay_ms = 60000; // stop cuts it short
    s.cfg.drain_ms = 0;
    ASSERT_EQ(s.start(), GREET_OK);
    auto r = client(s, {"-t", "0.0001"}, "", 20000);
    EXPECT_FALSE(r.timed_out) << "-t 0.0001 was taken as no limit";
    EXPECT_EQ(r.exit_code, 5) << r.err;
}

TEST(ClientCli, BusyServerExitsWithTheProtocolCode)
{
    TestServer s;
    s.cfg.max_clients = 1;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr holder;
    ASSERT_EQ(connect_local(s.port(), holder), GREET_OK);
    read_greeting(holder.c);
    auto r = client(s, {});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(r.out, GREET_BUSY_MESSAGE);
    EXPECT_NE(r.err.find("is busy"), std::string::npos) << r.err;
}

TEST(ClientCli, ServerClosingEarlyExitsWithTheProtocolCode)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    auto r = client(s, {"one", "exit", "three"});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(r.out, "hello world!\nHello one\n");
    EXPECT_NE(r.err.find("closed the connection"), std::string::npos) << r.err;
}

TEST(ClientCli, UsageErrors)
{
    EXPECT_EQ(run_process({greet_exe(), "client", "--port", "0"}).exit_code, 2);
    EXPECT_EQ(run_process({greet_exe(), "client", "--timeout", "x"}).exit_code, 2);
    EXPECT_EQ(run_process({greet_exe(), "client", "-x"}).exit_code, 2);
    EXPECT_EQ(run_process({greet_exe(), "client", "h", ""}).exit_code, 2);
    auto help = run_process({greet_exe(), "client", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("--lines"), std::string::npos);
}

// ---- What the server sends, checked and shown safely (issue 11) -----------------------------

TEST(ClientCli, GreetingOverEightKibKeepsTheHelloLines)
{
    const std::string big(20000, 'g');
    TestServer s;
    s.cfg.greeting = big.c_str();
    ASSERT_EQ(s.start(), GREET_OK);
    for (bool lines : {false, true}) {
        auto r =
            client(s, lines ? std::vector<std::string>{"--lines"} : std::vector<std::string>{});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, big + "\nHello guoxiang\nHello yanchendong\nHello wangzipeng\n")
            << (lines ? "line mode" : "raw mode");
    }
}

TEST(ClientCli, GreetingPastTheLimitIsAnError)
{
    ScriptedServer s(serving(std::string(70000, 'g') + "\n", hello));
    auto r = client(s, {});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("is longer than 64 KiB"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST(ClientCli, SplitGreetingIsPrintedWholeInBothModes)
{
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello ");
        gp_sleep_ms(100);
        script_send(c, "world!\n");
        for (std::string m = script_recv(c); !m.empty() && m.rfind("exit", 0) != 0;
             m = script_recv(c)) {
            script_send(c, "Hello " + m);
        }
    });
    auto raw = client(s, {"ann"});
    EXPECT_EQ(raw.exit_code, 0) << raw.err;
    EXPECT_EQ(raw.out, "hello world!\nHello ann\n");
    auto lines = client(s, {"--lines", "ann", "bob"});
    EXPECT_EQ(lines.exit_code, 0) << lines.err;
    EXPECT_EQ(lines.out, "hello world!\nHello ann\nHello bob\n");
}

// The tutorial's server: a greeting without a newline, replies without one.
TEST(ClientCli, TutorialGreetingWithoutNewline)
{
    ScriptedServer s(serving("hello word!", hello));
    auto r = client(s, {});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello word!\nHello guoxiang\nHello yanchendong\nHello wangzipeng\n");
}

TEST(ClientCli, ShortRawReplyExitsWithTheProtocolCodeAndSaysWhatArrived)
{
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello world!\n");
        script_recv(c);
        script_send(c, "Hello gu"); // and close
    });
    auto r = client(s, {});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(r.out, "hello world!\n");
    EXPECT_NE(r.err.find("closed the connection after a short reply: \"Hello gu\" (8 of 14 bytes)"),
              std::string::npos)
        << r.err;
}

TEST(ClientCli, DifferentRawReplyExitsWithTheProtocolCodeEscaped)
{
    ScriptedServer s(serving("hello world!\n",
                             [](const std::string &m) { return "Hello \x1b[2J" + m.substr(4); }));
    auto r = client(s, {"guoxiang"});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(r.out, "hello world!\n");
    EXPECT_NE(r.err.find("replied \"Hello \\x1b[2Jiang\", not \"Hello guoxiang\""),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "a raw escape reached stderr";
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line";
}

TEST(ClientCli, TimeoutLimitsTheWholeTrickledReply)
{
    ScriptedServer s([](gp_socket c) {
        script_send(c, "hello world!\n");
        script_send(c, "Hello " + script_recv(c), 1000);
    });
    uint64_t t0 = gp_clock_ms();
    auto r = client(s, {"-t", "1", "guoxiang"});
    uint64_t took = gp_clock_ms() - t0;
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("no complete reply from 127.0.0.1:"), std::string::npos) << r.err;
    // The whole reply takes 13 s; a limit per receive would never end it. The bound leaves room
    // for a slow process start (Wine on a loaded machine: 2 to 3 s).
    EXPECT_LT(took, 7000u) << "14 bytes 1 s apart took " << took << " ms with -t 1";
}

// A pipe or a file gets the server's bytes exactly, escape sequences included.
TEST(ClientCli, PipeGetsTheExactBytes)
{
    const std::string evil = "hi \x1b]0;title\x07 \x1b[31mred\x1b[0m \xc2\x9b \xff\r\n";
    ScriptedServer s(serving(evil, hello));
    auto r = client(s, {"a\tb"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, evil + "Hello a\tb\n");
}

#ifndef _WIN32
// On a terminal (a pty, through script(1)) the same bytes are shown escaped, as cat -v would.
TEST(ClientCli, TerminalGetsControlCharactersEscaped)
{
    if (run_process({"script", "-qec", "true", "/dev/null"}).exit_code != 0) {
        GTEST_SKIP() << "script(1) is needed for a terminal";
    }
    const std::string evil = "hi \x1b]0;title\x07 \x1b[31mred\x1b[0m \xc2\x9b \xff\r\n";
    ScriptedServer s(serving(evil, hello));
    std::string cmd = std::string("'") + greet_exe() + "' client 127.0.0.1 --port " +
                      std::to_string(s.port()) + " 'a\tb' ann";
    auto r = run_process({"script", "-qec", cmd, "/dev/null"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // The terminal turns each "\n" into "\r\n" (onlcr); tab and newline stay themselves.
    EXPECT_EQ(r.out, "hi \\x1b]0;title\\x07 \\x1b[31mred\\x1b[0m \\xc2\\x9b \\xff\\r\r\n"
                     "Hello a\tb\r\nHello ann\r\n");
}
#endif

// Happy eyeballs: a name whose first address hangs is greeted from its second one in about
// 250 ms, well within --timeout (the name's addresses come from the platform seam).
TEST(ClientCli, ANameWhoseFirstAddressHangsIsGreetedFromTheNextOne)
{
    greet_test::FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    gp_addr live{};
    size_t n = 0;
    ASSERT_EQ(
        gp_resolve("127.0.0.1", static_cast<uint16_t>(s.port()), GP_AF_INET4, 0, &live, 1, &n),
        GREET_OK);
    ScopedFault f(ScopedFault::answer("dead-first.example", {dead.addr, live}));
    ASSERT_TRUE(f.installed());
    uint64_t start = gp_clock_ms();
    auto r = run_cli_in_process({"client", "dead-first.example", "--port", std::to_string(s.port()),
                                 "--timeout", "20", "--lines", "Ann"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Hello Ann"), std::string::npos) << r.out;
    EXPECT_LT(gp_clock_ms() - start, 2000u) << r.err;
}
