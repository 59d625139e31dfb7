// `greet client` as a program against an in-process server: what it prints and its exit codes.
#include <gtest/gtest.h>

#include <string>

#include "gp.h"
#include "support/cli_in_process.h"
#include "support/fault.h"
#include "support/greet_server_fixture.h"
#include "support/process.h"

using greet_test::ClientPtr;
using greet_test::connect_local;
using greet_test::greet_exe;
using greet_test::read_greeting;
using greet_test::run_cli_in_process;
using greet_test::run_process;
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
