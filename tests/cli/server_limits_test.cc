// `greet server` under a real descriptor limit (`ulimit -n 256`, set by the shell that starts it)
// with more clients than fit: every client gets either the greeting or the busy reply at once,
// none hangs, and the warnings are few. POSIX only: the limit is RLIMIT_NOFILE.
#ifndef _WIN32

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/greet_server_fixture.h"
#include "support/process.h"

using greet_test::greet_exe;
using greet_test::Process;

namespace
{

const int kClients = 400;

class ServerLimits : public ::testing::TestWithParam<int>
{
  protected:
    // Starts the server under `ulimit -n 256` and returns its port (0 on failure).
    unsigned start(Process &p, const std::string &extra)
    {
        std::string cmd = "ulimit -n 256 && exec '" + greet_exe() +
                          "' server --bind 127.0.0.1 --port 0 --model " +
                          greet_test::model_name(GetParam()) + " " + extra;
        if (!p.start({"/bin/sh", "-c", cmd})) {
            ADD_FAILURE() << p.error();
            return 0;
        }
        if (!p.wait_stdout([](const std::string &s) { return s.find('\n') != s.npos; }, 20000)) {
            ADD_FAILURE() << "no port printed; stderr: " << p.err_so_far();
            return 0;
        }
        return (unsigned)std::stoul(p.out_so_far());
    }

    // Connects kClients at once and counts who got the greeting and who got "busy"; a client
    // that gets neither within 10 s counts as hung.
    void connect_all(unsigned port, int *greeted, int *busy, int *hung)
    {
        std::vector<greet_client *> clients;
        *greeted = *busy = *hung = 0;
        for (int i = 0; i < kClients; i++) {
            greet_client *c = nullptr;
            if (greet_client_connect("127.0.0.1", port, GREET_FAMILY_ANY, 10000, &c) != GREET_OK) {
                (*hung)++;
                continue;
            }
            clients.push_back(c);
            char buf[128];
            size_t got = 0;
            int rc = greet_client_recv_line(c, buf, sizeof buf, &got);
            std::string line(buf, rc == GREET_OK ? got : 0);
            if (line == "hello world!") {
                (*greeted)++;
            } else if (line + "\n" == GREET_BUSY_MESSAGE) {
                (*busy)++;
            } else {
                (*hung)++;
            }
        }
        for (greet_client *c : clients) {
            greet_client_close(c);
        }
    }
};

} // namespace

INSTANTIATE_TEST_SUITE_P(Models, ServerLimits, ::testing::ValuesIn(greet_test::server_models()),
                         greet_test::ModelName());

// --max-clients (default 10000) cannot fit in 256 descriptors: it is lowered, with one warning
// naming both numbers, and the clients past it get "busy".
TEST_P(ServerLimits, MaxClientsIsLoweredToFitTheDescriptorLimit)
{
    Process p;
    unsigned port = start(p, "");
    ASSERT_NE(port, 0u);
    int greeted, busy, hung;
    connect_all(port, &greeted, &busy, &hung);
    // The log is written by a thread of its own (logq.h): wait for the line, not just read.
    p.wait_stderr([](const std::string &e) { return e.find("serving at most") != e.npos; }, 10000);
    std::string err = p.err_so_far();
    EXPECT_EQ(hung, 0) << err;
    EXPECT_GT(greeted, 100);
    EXPECT_LT(greeted, 256);
    EXPECT_EQ(greeted + busy, kClients);
    EXPECT_NE(err.find("warning: max-clients 10000 does not fit in the limit of 256 open "
                       "descriptors: serving at most " +
                       std::to_string(greeted) + " clients at once"),
              std::string::npos)
        << err;
}

// With no --max-clients limit the descriptors run out: the spare descriptor still lets the
// server accept, say "busy" and close, and it warns at most once a second.
TEST_P(ServerLimits, OutOfDescriptorsClientsGetBusyInsteadOfHanging)
{
    Process p;
    unsigned port = start(p, "--max-clients 0 -q");
    ASSERT_NE(port, 0u);
    int greeted, busy, hung;
    auto t0 = std::chrono::steady_clock::now();
    connect_all(port, &greeted, &busy, &hung);
    auto secs =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0)
            .count();
    p.wait_stderr([](const std::string &e) { return e.find("too many open files") != e.npos; },
                  10000);
    std::string err = p.err_so_far();
    EXPECT_EQ(hung, 0) << err;
    EXPECT_GT(greeted, 100);
    EXPECT_GT(busy, 100);
    EXPECT_EQ(greeted + busy, kClients);
    size_t warnings = 0;
    for (size_t at = err.find("too many open files"); at != std::string::npos;
         at = err.find("too many open files", at + 1)) {
        warnings++;
    }
    EXPECT_GE(warnings, 1u) << err;
    EXPECT_LE(warnings, (size_t)secs + 2) << err;
}

#endif
