// `greet server 2>&1 | (a reader that never reads)`: the real program with its stderr on a real
// pipe that fills up. Serving and SIGTERM must not wait for the log (issue 11, item 1). POSIX
// only: the test needs a pipe it controls as the child's stderr and a SIGTERM.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "greet/client.h"
#include "support/greet_server_fixture.h"
#include "support/process.h"

#ifndef _WIN32
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

extern char **environ;

namespace
{

using Clock = std::chrono::steady_clock;

long ms_since(Clock::time_point t0)
{
    return (long)std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

// greet server on loopback port 0 with stdout (the port) read by the test and stderr on a pipe
// that nobody reads until the test says so.
class StalledLogServer
{
  public:
    ~StalledLogServer()
    {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        for (int fd : {out_, err_}) {
            if (fd >= 0) {
                close(fd);
            }
        }
    }

    // Starts the server; returns its port, 0 on failure.
    unsigned start()
    {
        int out[2], err[2];
        if (pipe(out) != 0 || pipe(err) != 0) {
            return 0;
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_adddup2(&fa, err[1], 2);
        for (int fd : {out[0], out[1], err[0], err[1]}) {
            posix_spawn_file_actions_addclose(&fa, fd);
        }
        std::string exe = greet_test::greet_exe();
        const char *argv[] = {exe.c_str(), "server", "--bind", "127.0.0.1", "--port", "0", nullptr};
        int rc = posix_spawn(&pid_, exe.c_str(), &fa, nullptr, const_cast<char **>(argv), environ);
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        close(err[1]);
        out_ = out[0];
        err_ = err[0];
        if (rc != 0) {
            pid_ = -1;
            return 0;
        }
        std::string line;
        while (line.find('\n') == std::string::npos) {
            std::string more = read_some(out_, 20000);
            if (more.empty()) {
                return 0;
            }
            line += more;
        }
        return (unsigned)std::stoul(line);
    }

    // What has reached the pipe so far, read without waiting more than timeout_ms for more.
    std::string drain_stderr(int timeout_ms)
    {
        std::string all, more;
        while (!(more = read_some(err_, timeout_ms)).empty()) {
            all += more;
        }
        return all;
    }

    // Sends SIGTERM and waits at most timeout_ms; the exit status, -1 if still running.
    int terminate(int timeout_ms, long *took_ms)
    {
        auto t0 = Clock::now();
        kill(pid_, SIGTERM);
        for (;;) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                *took_ms = ms_since(t0);
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            if (ms_since(t0) > timeout_ms) {
                *took_ms = ms_since(t0);
                return -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

  private:
    static std::string read_some(int fd, int timeout_ms)
    {
        struct pollfd p = {fd, POLLIN, 0};
        char buf[65536];
        if (poll(&p, 1, timeout_ms) <= 0) {
            return "";
        }
        ssize_t n = read(fd, buf, sizeof buf);
        return n > 0 ? std::string(buf, (size_t)n) : "";
    }

    pid_t pid_ = -1;
    int out_ = -1;
    int err_ = -1;
};

// Connects, reads the greeting, closes: true when the greeting came within the client's limit.
bool greeted(unsigned port)
{
    greet_test::ClientPtr c;
    if (greet_client_connect("127.0.0.1", port, GREET_FAMILY_IPV4, 5000, &c.c) != GREET_OK) {
        return false;
    }
    std::string g;
    return greet_test::recv_exact(c.c, sizeof GREET_DEFAULT_GREETING, g) == GREET_OK &&
           g == "hello world!\n";
}

std::string tail(const std::string &s)
{
    return s.size() > 500 ? s.substr(s.size() - 500) : s;
}

// Each connection logs two lines (~110 bytes); a 64 KiB pipe is full after some 600 of them.
const int kConnections = 1000;

} // namespace

TEST(ServerLogStall, StalledStderrPipeNeitherStopsGreetingsNorSigterm)
{
    StalledLogServer s;
    unsigned port = s.start();
    ASSERT_NE(port, 0u);
    for (int i = 0; i < kConnections; i++) {
        ASSERT_TRUE(greeted(port)) << "client " << i << " got no greeting";
    }
    long took = 0;
    int code = s.terminate(5000, &took);
    EXPECT_EQ(code, 0);
    EXPECT_LT(took, 2000);
}

TEST(ServerLogStall, WhenTheReaderResumesTheLogSaysHowManyLinesWereDropped)
{
    StalledLogServer s;
    unsigned port = s.start();
    ASSERT_NE(port, 0u);
    for (int i = 0; i < kConnections; i++) {
        ASSERT_TRUE(greeted(port)) << "client " << i << " got no greeting";
    }
    // The reader wakes up: what was queued comes out, then the next line that gets in is
    // preceded by the count of those that did not.
    std::string log = s.drain_stderr(200);
    for (int i = 0; i < 50 && log.find("log lines dropped") == std::string::npos; i++) {
        EXPECT_TRUE(greeted(port));
        log += s.drain_stderr(50);
    }
    EXPECT_NE(log.find("warning: "), std::string::npos) << tail(log);
    EXPECT_NE(log.find(" log lines dropped: the log could not keep up"), std::string::npos);
    long took = 0;
    EXPECT_EQ(s.terminate(5000, &took), 0);
    log += s.drain_stderr(200);
    EXPECT_NE(log.find("stopped"), std::string::npos) << tail(log);
}

#else

TEST(ServerLogStall, StalledStderrPipeNeitherStopsGreetingsNorSigterm)
{
    GTEST_SKIP() << "POSIX only: needs a pipe of the test's own as the server's stderr and SIGTERM "
                    "(under Wine, tests/cli/wine_native_peers.sh runs this case with Ctrl+C)";
}

#endif
