// `greet server` as a program: options, port 0, logs, Ctrl+C, and its exit codes.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/greet_server_fixture.h"
#include "support/process.h"
#include "support/process_table.h"
#include "support/sock_io.h"

using greet_test::ClientPtr;
using greet_test::connect_local;
using greet_test::greet_exe;
using greet_test::Process;
using greet_test::read_greeting;
using greet_test::run_process;
using greet_test::TestServer;
using greet_test::under_wine;

namespace
{

size_t count_lines_starting(const std::string &s, const std::string &prefix)
{
    size_t n = 0;
    for (size_t at = 0; at < s.size();) {
        size_t nl = s.find('\n', at);
        n += s.compare(at, prefix.size(), prefix) == 0;
        at = nl == std::string::npos ? s.size() : nl + 1;
    }
    return n;
}

bool has_line(const std::string &s)
{
    return s.find('\n') != std::string::npos;
}

// Runs each test once per server model (--model NAME).
class ServerCli : public ::testing::TestWithParam<int>
{
  protected:
    // Starts `greet server --port 0 --model M ARGS...` on loopback and returns the port it
    // printed (0 when it printed none).
    unsigned start_server(Process &p, const std::vector<std::string> &extra = {});
};

unsigned ServerCli::start_server(Process &p, const std::vector<std::string> &extra)
{
    std::vector<std::string> args = {
        greet_exe(), "server", "--bind",  "127.0.0.1",
        "--port",    "0",      "--model", greet_test::model_name(GetParam())};
    args.insert(args.end(), extra.begin(), extra.end());
    if (!p.start(args)) {
        ADD_FAILURE() << p.error();
        return 0;
    }
    if (!p.wait_stdout(has_line, 20000)) {
        ADD_FAILURE() << "no port printed; stderr: " << p.err_so_far();
        return 0;
    }
    return (unsigned)std::stoul(p.out_so_far());
}

} // namespace

INSTANTIATE_TEST_SUITE_P(Models, ServerCli, ::testing::ValuesIn(greet_test::server_models()),
                         greet_test::ModelName());

TEST_P(ServerCli, PortZeroPrintsThePortAndServesClients)
{
    Process p;
    unsigned port = start_server(p);
    ASSERT_NE(port, 0u);
    ClientPtr c;
    ASSERT_EQ(connect_local(port, c), GREET_OK);
    EXPECT_EQ(read_greeting(c.c), "hello world!\n");
    char buf[64];
    size_t got = 0;
    ASSERT_EQ(greet_client_exchange(c.c, GREET_MODE_LINE, "cli", 3, buf, sizeof buf, &got),
              GREET_OK);
    EXPECT_EQ(std::string(buf, got), "Hello cli");
    EXPECT_TRUE(p.wait_stderr(
        [](const std::string &e) { return e.find("connection with 127.0.0.1:") != e.npos; }, 30000))
        << p.err_so_far();
    EXPECT_NE(p.err_so_far().find("listening on 127.0.0.1:" + std::to_string(port)),
              std::string::npos);
}

TEST_P(ServerCli, CtrlCStopsWithExitZeroWithinASecond)
{
    Process p;
    unsigned port = start_server(p);
    ASSERT_NE(port, 0u);
    ClientPtr c;
    ASSERT_EQ(connect_local(port, c), GREET_OK);
    read_greeting(c.c);
    if (!p.interrupt()) {
        GTEST_SKIP() << "this system cannot send the child a Ctrl+C";
    }
    auto t0 = std::chrono::steady_clock::now();
    auto r = p.wait(5000);
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LT(ms, 1500);
    EXPECT_NE(r.err.find("stopping"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("closed (server stopping)"), std::string::npos) << r.err;
}

TEST_P(ServerCli, QuietLeavesOutConnectionLines)
{
    Process p;
    unsigned port = start_server(p, {"-q", "--greeting", "hi %s %n"});
    ASSERT_NE(port, 0u);
    {
        ClientPtr c;
        ASSERT_EQ(connect_local(port, c), GREET_OK);
        EXPECT_EQ(read_greeting(c.c, 9), "hi %s %n\n");
    }
    // Where no Ctrl+C can be sent (Wine), the server is killed: its log is what counts here.
    bool interrupted = p.interrupt();
    auto r = p.wait(interrupted ? 5000 : 0);
    if (interrupted) {
        EXPECT_EQ(r.exit_code, 0);
    }
    EXPECT_EQ(r.err, "");
}

TEST(ServerCliOptions, PortInUseExitsWithTheBindCode)
{
    TestServer taken;
    ASSERT_EQ(taken.start(), GREET_OK);
    auto r = run_process(
        {greet_exe(), "server", "--bind", "127.0.0.1", "--port", std::to_string(taken.port())});
    EXPECT_EQ(r.exit_code, 9) << r.err;
    EXPECT_NE(r.err.find("greet server: cannot listen on 127.0.0.1 port"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("address already in use"), std::string::npos) << r.err;
}

TEST(ServerCliOptions, AddressNotHereExitsWithTheBindCode)
{
    auto r = run_process({greet_exe(), "server", "--bind", "192.0.2.1", "--port", "0"});
    EXPECT_EQ(r.exit_code, 9) << r.err;
}

TEST(ServerCliOptions, BadOptionsAreUsageErrors)
{
    auto r = run_process({greet_exe(), "server", "--port", "70000"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--port"), std::string::npos) << r.err;
    EXPECT_EQ(run_process({greet_exe(), "server", "--no-such"}).exit_code, 2);
    EXPECT_EQ(run_process({greet_exe(), "server", "extra"}).exit_code, 2);
    EXPECT_EQ(run_process({greet_exe(), "server", "--idle-timeout", "soon"}).exit_code, 2);
    EXPECT_EQ(run_process({greet_exe(), "server", "--max-line", "10"}).exit_code, 2);
    r = run_process({greet_exe(), "server", "--model", "fibers"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--model must be events, threads or processes, not 'fibers'"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(run_process({greet_exe(), "server", "--workers", "0"}).exit_code, 2);
}

TEST(ServerCliOptions, HelpListsEveryOption)
{
    auto r = run_process({greet_exe(), "help", "server"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char *opt :
         {"--bind", "--port", "--backlog", "--max-clients", "--idle-timeout", "--delay",
          "--greeting", "--model", "--workers", "--max-line", "--quiet", "--verbose"}) {
        EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
    }
    EXPECT_EQ(run_process({greet_exe(), "server", "--help"}).out, r.out);
}

// `seq 10 1000 | nc -N 127.0.0.1 PORT | grep -c '^Hello '` prints 991: the first receive holds
// many lines and ends inside one, and it is still line mode.
TEST_P(ServerCli, SeqThroughNetcatGetsOneReplyPerLine)
{
    Process p;
    unsigned port = start_server(p, {"-q"});
    ASSERT_NE(port, 0u);
    std::string seq;
    for (int i = 10; i <= 1000; i++) {
        seq += std::to_string(i) + "\n";
    }
    std::string got = nc_session((uint16_t)port, seq);
    EXPECT_EQ(count_lines_starting(got, "Hello "), 991u) << got.substr(0, 200);
    EXPECT_NE(got.find("\nHello 10\nHello 11\n"), std::string::npos);
    EXPECT_NE(got.find("\nHello 1000\n"), std::string::npos);
}

// A first receive that fills the 1,024-byte buffer without a newline is the start of a long line.
TEST_P(ServerCli, FirstReceiveThatFillsTheBufferIsLineMode)
{
    Process p;
    unsigned port = start_server(p, {"-q"});
    ASSERT_NE(port, 0u);
    std::string x(1024, 'x');
    EXPECT_EQ(nc_session((uint16_t)port, x + "y\nz\n"),
              "hello world!\nHello " + x + "y\nHello z\n");
}

// One byte with no newline is the tutorial's raw client: the reply has no newline added.
TEST_P(ServerCli, FirstReceiveOfOneByteIsRawMode)
{
    Process p;
    unsigned port = start_server(p, {"-q"});
    ASSERT_NE(port, 0u);
    EXPECT_EQ(nc_session((uint16_t)port, "a"), "hello world!\nHello a");
}

// 64 KiB in one write: every receive but the last is full, and each line is answered.
TEST_P(ServerCli, SixtyFourKiBOfLinesInOneWriteAreAllAnswered)
{
    Process p;
    unsigned port = start_server(p, {"-q"});
    ASSERT_NE(port, 0u);
    std::string line(63, 'z');
    std::string data;
    for (int i = 0; i < 1024; i++) {
        data += line + "\n";
    }
    ASSERT_EQ(data.size(), 65536u);
    std::string got = nc_session((uint16_t)port, data);
    EXPECT_EQ(count_lines_starting(got, "Hello " + line), 1024u) << got.size();
}

// 64 KiB with no newline: a first receive that fills the buffer is line mode, so this is one
// line over the limit (not 64 raw messages), refused with the error line.
TEST_P(ServerCli, SixtyFourKiBWithoutNewlineIsOneOverlongLine)
{
    Process p;
    unsigned port = start_server(p, {"-q"});
    ASSERT_NE(port, 0u);
    std::string got = nc_session((uint16_t)port, std::string(65536, 'y'));
    EXPECT_EQ(got, "hello world!\nerror: line too long\n");
}

TEST_P(ServerCli, LogFormatPlainLeavesOutTheTimeStamp)
{
    for (const char *format : {"plain", "timestamp"}) {
        Process p;
        unsigned port = start_server(p, {"--log-format", format});
        ASSERT_NE(port, 0u);
        std::string listening = "listening on 127.0.0.1:" + std::to_string(port);
        ASSERT_TRUE(p.wait_stderr(
            [&](const std::string &e) { return e.find(listening) != std::string::npos; }, 20000))
            << p.err_so_far();
        std::string err = p.err_so_far();
        if (std::string(format) == "plain") {
            EXPECT_EQ(err.compare(0, listening.size(), listening), 0) << err;
        } else {
            // "2026-12-02 02:10:21.026 listening on ...": the date first.
            EXPECT_TRUE(err.size() > 24 && err[4] == '-' && err[23] == ' ') << err;
        }
    }
    auto r = run_process({greet_exe(), "server", "--log-format", "json"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--log-format: 'json' is not plain or timestamp"), std::string::npos)
        << r.err;
}

// --idle-timeout 0.0001 is a limit of 1 ms, not 0 ("never"): a silent client is closed.
TEST_P(ServerCli, IdleTimeoutBelowAMillisecondIsStillALimit)
{
    Process p;
    unsigned port = start_server(p, {"-q", "--idle-timeout", "0.0001"});
    ASSERT_NE(port, 0u);
    ClientPtr c;
    ASSERT_EQ(connect_local(port, c), GREET_OK);
    char buf[64];
    size_t got = 0;
    int rc = GREET_OK;
    // The greeting, then the close; a server without the limit would leave this to the 60 s
    // receive limit of connect_local.
    for (int i = 0; i < 10 && rc == GREET_OK; i++) {
        rc = greet_client_recv(c.c, buf, sizeof buf, &got);
    }
    EXPECT_TRUE(rc == GREET_ECLOSED || rc == GREET_ECONNRESET) << greet_errname(rc);
}

// Slowloris on the real program: clients that trickle one byte at a time into a line that never
// ends hold every slot only until the idle limit, which counts complete messages, not bytes.
TEST_P(ServerCli, SlowlorisTricklingBytesIsClosedAtTheIdleLimit)
{
    // Under Wine a child process takes about 0.6 s to start, so filling the three slots of the
    // processes model outlasts 0.8 s: the first client would be idle-closed before the extra
    // one comes. There the limit is 3 s (and the trickle three times that, as here).
    const bool slow = under_wine();
    const int rounds = slow ? 45 : 12;
    Process p;
    unsigned port =
        start_server(p, {"-q", "--max-clients", "3", "--idle-timeout", slow ? "3" : "0.8"});
    ASSERT_NE(port, 0u);
    std::vector<ClientPtr> loris(3);
    for (auto &c : loris) {
        ASSERT_EQ(connect_local(port, c), GREET_OK);
        EXPECT_EQ(read_greeting(c.c), "hello world!\n");
        ASSERT_EQ(greet_client_send(c.c, GREET_MODE_RAW, "a\n", 2), GREET_OK);
        EXPECT_EQ(greet_test::recv_line(c.c), "Hello a");
    }
    {
        ClientPtr extra;
        ASSERT_EQ(connect_local(port, extra), GREET_OK);
        EXPECT_EQ(read_greeting(extra.c).rfind("busy:", 0), 0u) << "the slots are not all taken";
    }
    // One byte every 200 ms from each, for three times the limit.
    for (int round = 0; round < rounds; round++) {
        for (auto &c : loris) {
            (void)greet_client_send(c.c, GREET_MODE_RAW, "x", 1);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ClientPtr next;
    ASSERT_EQ(connect_local(port, next), GREET_OK);
    EXPECT_EQ(read_greeting(next.c), "hello world!\n");
}
