// Interoperability with the tutorial's own programs and with netcat: the tutorial's Python
// client against `greet server`, `greet client` against the tutorial's server (fixed for
// Python 3), and a netcat line session. They need python3 / nc on PATH and are reported as
// skipped, with the reason, where those are missing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/greet_server_fixture.h"
#include "support/process.h"

using greet_test::find_program;
using greet_test::greet_exe;
using greet_test::Process;
using greet_test::run_process;

namespace
{

std::string interop_file(const char *name)
{
    return std::string(GREET_SOURCE_DIR) + "/tests/interop/" + name;
}

// Waits until the child printed `lines` lines on stdout; returns the last one.
std::string nth_line(Process &p, int lines)
{
    auto enough = [lines](const std::string &s) {
        int n = 0;
        for (char ch : s) {
            n += ch == '\n';
        }
        return n >= lines;
    };
    if (!p.wait_stdout(enough, 60000)) {
        return "";
    }
    std::string out = p.out_so_far();
    size_t end = 0, start = 0;
    for (int i = 0; i < lines; i++) {
        start = end;
        end = out.find('\n', start) + 1;
    }
    return out.substr(start, end - start - 1);
}

// Starts `greet server --model NAME` on a loopback port 0 and returns the port, or "" on failure.
std::string start_greet_server(Process &server, int model)
{
    if (!server.start({greet_exe(), "server", "--bind", "127.0.0.1", "--port", "0", "--model",
                       greet_test::model_name(model)})) {
        return "";
    }
    return nth_line(server, 1);
}

// The tests that run greet server, once per server model.
class InteropServer : public ::testing::TestWithParam<int>
{
};

} // namespace

INSTANTIATE_TEST_SUITE_P(Models, InteropServer, ::testing::ValuesIn(greet_test::server_models()),
                         greet_test::ModelName());

TEST_P(InteropServer, TutorialPythonClientTalksToGreetServer)
{
    std::string python = find_program("python3");
    if (python.empty()) {
        GTEST_SKIP() << "python3 not found on PATH: interop with the tutorial's client skipped";
    }
    Process server;
    std::string port = start_greet_server(server, GetParam());
    ASSERT_FALSE(port.empty()) << server.err_so_far();
    auto r =
        run_process({python, interop_file("tutorial_client.py"), "127.0.0.1", port}, "", 60000);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // The greeting's own newline plus print's: the one blank line docs/protocol.md mentions.
    EXPECT_EQ(r.out, "hello world!\n\nHello guoxiang\nHello yanchendong\nHello wangzipeng\n");
    EXPECT_TRUE(server.wait_stderr(
        [](const std::string &e) { return e.find("connection from 127.0.0.1:") != e.npos; }, 30000))
        << server.err_so_far();
}

TEST(Interop, GreetClientTalksToTheTutorialsPythonServer)
{
    std::string python = find_program("python3");
    if (python.empty()) {
        GTEST_SKIP() << "python3 not found on PATH: interop with the tutorial's server skipped";
    }
    Process server;
    ASSERT_TRUE(server.start({python, interop_file("tutorial_server.py"), "127.0.0.1", "0"}))
        << server.error();
    std::string port = nth_line(server, 3); // its address, "Please Waiting", then the port
    ASSERT_FALSE(port.empty()) << server.err_so_far();
    auto r = run_process({greet_exe(), "client", "127.0.0.1", "--port", port}, "", 60000);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello word!\nHello guoxiang\nHello yanchendong\nHello wangzipeng\n");
}

TEST_P(InteropServer, NetcatLineSession)
{
    std::string nc = find_program("nc");
    if (nc.empty()) {
        GTEST_SKIP() << "nc not found on PATH: netcat line session skipped";
    }
    Process server;
    std::string port = start_greet_server(server, GetParam());
    ASSERT_FALSE(port.empty()) << server.err_so_far();
    auto r = run_process({nc, "127.0.0.1", port}, "alice\nbob\r\n\nexit\nnever\n", 20000);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.out, "hello world!\nHello alice\nHello bob\nHello \n");
}
