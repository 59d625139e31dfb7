// Ctrl+C (SIGINT) and SIGTERM stop `greet fetch` at every stage of a transfer - connecting, the
// TLS handshake, waiting for the response head, the body, a --limit-rate pause - quickly, with one
// line, the exit status shells expect (130, 143), no temporary file left and an existing target
// untouched. (Name resolution cannot be made to hang in a child without asking DNS; the library's
// tests stop a slow lookup in-process.) Under Wine the runner cannot send its child a Ctrl+C, so
// the mingw preset runs the Ctrl+C cases from Linux instead, in tests/cli/wine_fetch_stop.sh.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "gp.h"
#include "support/full_listener.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/dir_list.h"
#include "support/temp_dir.h"

using greet_test::FullListener;
using greet_test::held_reply;
using greet_test::HttpServer;
using greet_test::ProcessResult;
using greet_test::Reply;

namespace
{

// The rule is 0.5 s and the program looks every 50 ms; the bound leaves room for a loaded
// machine, sanitizers and Wine.
const int kStopLimitMs = 2000;

enum class Signal { Interrupt, Terminate };

class FetchStop : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        target = dir.file("out.html");
        ASSERT_EQ(write_file_utf8(target, "old content"), GREET_OK);
    }

    // Starts greet fetch -v [extra...] URL -o target, waits until ready() says the stage is
    // reached, sends the signal and checks how the program ended.
    void stop_at(const std::string &url, const std::function<bool(greet_test::Process &)> &ready,
                 Signal sig = Signal::Interrupt, const std::vector<std::string> &extra = {})
    {
        greet_test::Process p;
        std::vector<std::string> args = {greet_test::greet_exe(), "fetch", "-v"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {url, "-o", target});
        ASSERT_TRUE(p.start(args)) << p.error();
        bool reached = false;
        for (int i = 0; i < 600 && !reached; i++) { // 30 s at most
            reached = ready(p);
            if (!reached) {
                gp_sleep_ms(50);
            }
        }
        ASSERT_TRUE(reached) << p.err_so_far();
        gp_sleep_ms(100); // into the blocking call itself
        auto t0 = std::chrono::steady_clock::now();
        bool sent = sig == Signal::Interrupt ? p.interrupt() : p.terminate();
        if (!sent && sig == Signal::Terminate) {
            GTEST_SKIP() << "Windows has no SIGTERM, and Wine ends a process on one at once, "
                            "without an event to handle (tests/cli/wine_fetch_stop.sh shows it)";
        }
        if (!sent) {
            GTEST_SKIP() << "cannot send this child a Ctrl+C (under Wine: no shared console); "
                            "tests/cli/wine_fetch_stop.sh sends it with kill -INT from Linux";
        }
        ProcessResult r = p.wait(30000);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
        std::string word = sig == Signal::Interrupt ? "interrupted" : "terminated";
        EXPECT_EQ(r.exit_code, sig == Signal::Interrupt ? 130 : 143) << r.err;
        EXPECT_LT(ms, kStopLimitMs) << r.err;
        r.err.erase(std::remove(r.err.begin(), r.err.end(), '\r'), r.err.end());
        std::string last = "greet fetch: " + url + ": " + word + "\n";
        EXPECT_GE(r.err.size(), last.size());
        EXPECT_EQ(r.err.substr(r.err.size() - std::min(r.err.size(), last.size())), last) << r.err;
        EXPECT_EQ(read_file_utf8(target), "old content");
        EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{"out.html"})
            << "a temporary file was left behind";
    }

    static std::function<bool(greet_test::Process &)> stderr_has(const std::string &text)
    {
        return [text](greet_test::Process &p) {
            return p.err_so_far().find(text) != std::string::npos;
        };
    }

    HttpServer server;
    TempDir dir;
    std::string target;
};

} // namespace

TEST_F(FetchStop, WhileConnecting)
{
    ASSERT_EQ(gp_net_init(), GREET_OK);
    {
        FullListener full;
        if (!full.full) {
            gp_net_fini();
            GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
        }
        stop_at("http://127.0.0.1:" + std::to_string(full.port) + "/", stderr_has("* Trying"));
    }
    gp_net_fini();
}

TEST_F(FetchStop, DuringTheTlsHandshake)
{
    if (std::string(GREET_TLS_BACKEND_NAME) == "none") {
        GTEST_SKIP() << "no TLS in this build";
    }
    // The plain test server never answers a ClientHello: it waits for a blank line.
    stop_at("https://127.0.0.1:" + std::to_string(server.port()) + "/",
            stderr_has("* TLS handshake with"));
}

TEST_F(FetchStop, WaitingForTheResponseHead)
{
    Reply silent = held_reply();
    server.on("/slow", silent);
    stop_at(server.url("/slow"),
            [this](greet_test::Process &) { return !server.requests().empty(); });
}

TEST_F(FetchStop, InTheBodyBySigterm)
{
    Reply stall = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npart of it");
    server.on("/stall", stall);
    stop_at(server.url("/stall"), stderr_has("< Content-Length: 1000"), Signal::Terminate);
}

TEST_F(FetchStop, InTheBodyByCtrlC)
{
    Reply stall = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npart of it");
    server.on("/stall", stall);
    stop_at(server.url("/stall"), stderr_has("< Content-Length: 1000"));
}

TEST_F(FetchStop, InALimitRatePause)
{
    // The whole body is there at once: only the limit (1 KiB/s, 100 s for it) holds greet back,
    // and it spends its time pausing.
    Reply all;
    all.bytes = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'x');
    server.on("/limited", all);
    stop_at(server.url("/limited"), stderr_has("< Content-Length: 100000"), Signal::Interrupt,
            {"--limit-rate", "1K"});
}
