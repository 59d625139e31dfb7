// greet server --model processes as a program: no child outlives a server that is killed hard
// (Linux: PR_SET_PDEATHSIG; Windows: the job object closes with the killed server).
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/greet_server_fixture.h"
#include "support/process.h"
#include "support/process_table.h"

using greet_test::ClientPtr;
using greet_test::connect_local;
using greet_test::greet_exe;
using greet_test::Process;
using greet_test::process_running;
using greet_test::read_greeting;

TEST(ServerProcessesCli, KillingTheServerHardEndsEveryChild)
{
    Process p;
    ASSERT_TRUE(p.start({greet_exe(), "server", "--bind", "127.0.0.1", "--port", "0", "--model",
                         "processes", "-v"}))
        << p.error();
    ASSERT_TRUE(p.wait_stdout([](const std::string &s) { return s.find('\n') != s.npos; }, 20000))
        << p.err_so_far();
    unsigned port = (unsigned)std::stoul(p.out_so_far());
    std::vector<ClientPtr> clients(3);
    for (auto &c : clients) {
        ASSERT_EQ(connect_local(port, c), GREET_OK);
        ASSERT_EQ(read_greeting(c.c), "hello world!\n");
    }
    std::regex re("child process ([0-9]+) serves");
    auto count = [&](const std::string &s) {
        return std::distance(std::sregex_iterator(s.begin(), s.end(), re), std::sregex_iterator());
    };
    ASSERT_TRUE(p.wait_stderr([&](const std::string &s) { return count(s) == 3; }, 30000))
        << p.err_so_far();
    std::string err = p.err_so_far();
    std::vector<unsigned long> pids;
    for (auto it = std::sregex_iterator(err.begin(), err.end(), re); it != std::sregex_iterator();
         ++it) {
        pids.push_back(std::stoul((*it)[1]));
        EXPECT_TRUE(process_running(pids.back())) << pids.back();
    }

    p.wait(1); // not asked to stop: killed (SIGKILL / TerminateProcess) once 1 ms passed
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    for (unsigned long pid : pids) {
        while (process_running(pid) && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        EXPECT_FALSE(process_running(pid)) << "child " << pid << " outlived its server";
    }
}
