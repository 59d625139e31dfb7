// `greet server` under a service manager, as systemd runs greet.service: readiness and stopping
// over a fake NOTIFY_SOCKET, and socket activation through systemd-socket-activate (the systemd
// package's tool, which works without systemd running) serving the tutorial's client.
#ifndef _WIN32

#include <gtest/gtest.h>

#include <unistd.h>

#include <string>

#include "gp.h"
#include "support/fake_service_manager.h"
#include "support/process.h"

using greet_test::FakeServiceManager;
using greet_test::find_program;
using greet_test::greet_exe;
using greet_test::Process;
using greet_test::run_process;

namespace
{

// The fake service manager's notify socket: abstract, named for the test and this process.
std::string notify_name(const char *tag)
{
    return "@greet-test-" + std::string(tag) + "-" + std::to_string(getpid());
}

// A loopback port that was free a moment ago (systemd-socket-activate must bind it itself).
unsigned free_port()
{
    gp_addr addr;
    size_t n = 0;
    gp_socket s = GP_SOCKET_INVALID;
    unsigned port = 0;

    if (gp_resolve("127.0.0.1", 0, GP_AF_ANY, 1, &addr, 1, &n) == GREET_OK &&
        gp_sock_listen(&addr, 1, &s) == GREET_OK && gp_sock_local_addr(s, &addr) == GREET_OK) {
        port = gp_addr_port(&addr);
    }
    gp_sock_close(s);
    return port;
}

TEST(ServiceCli, TellsTheManagerWhenReadyAndWhenStopping)
{
    FakeServiceManager manager(notify_name("notify"));
    Process p;
    ASSERT_TRUE(p.start({"env", "NOTIFY_SOCKET=" + manager.name(), greet_exe(), "server", "--bind",
                         "127.0.0.1", "--port", "0"}))
        << p.error();
    // READY=1 only once the server listens: its port is printed by then.
    EXPECT_EQ(manager.next(), "READY=1");
    EXPECT_TRUE(p.wait_stdout([](const std::string &o) { return o.find('\n') != o.npos; }, 10000));
    ASSERT_TRUE(p.interrupt());
    EXPECT_EQ(manager.next(), "STOPPING=1");
    auto r = p.wait(10000);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(manager.next(100), "<nothing>");
}

TEST(ServiceCli, SocketActivatedServerServesTheTutorialClient)
{
    std::string activate = find_program("systemd-socket-activate");
    std::string python = find_program("python3");
    if (activate.empty() || python.empty()) {
        GTEST_SKIP() << "needs systemd-socket-activate (Debian package systemd) and python3";
    }
    unsigned port = free_port();
    ASSERT_NE(port, 0u);
    FakeServiceManager manager(notify_name("activate"));
    Process p;
    // systemd-socket-activate binds the port and, as systemd does for greet.socket, starts greet
    // on the first connection, with LISTEN_FDS=1 and the socket on descriptor 3.
    ASSERT_TRUE(p.start({activate, "-l", "127.0.0.1:" + std::to_string(port), "-E",
                         "NOTIFY_SOCKET=" + manager.name(), greet_exe(), "server", "--port", "1"}))
        << p.error();
    ASSERT_TRUE(
        p.wait_stderr([](const std::string &e) { return e.find("Listening on") != e.npos; }, 10000))
        << p.err_so_far();

    auto r =
        run_process({python, std::string(GREET_SOURCE_DIR) + "/tests/interop/tutorial_client.py",
                     "127.0.0.1", std::to_string(port)},
                    "", 30000);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello world!\n\nHello guoxiang\nHello yanchendong\nHello wangzipeng\n");
    EXPECT_EQ(manager.next(), "READY=1") << p.err_so_far();

    ASSERT_TRUE(p.interrupt());
    EXPECT_EQ(manager.next(), "STOPPING=1");
    auto done = p.wait(10000);
    EXPECT_EQ(done.exit_code, 0) << done.err;
    // The socket came from the manager: --port 1 was not bound (it would need privileges).
    EXPECT_NE(done.err.find("listening on 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << done.err;
    EXPECT_NE(done.err.find("socket from the service manager"), std::string::npos) << done.err;
}

} // namespace

#endif
