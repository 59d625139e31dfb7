// `greet fetch URL1 URL2 ...`: outputs paired with URLs as curl pairs them, one kept connection per
// server (counted by the test server), every URL tried with the last failure's exit code, and -Z
// with its cap (the server's count of connections open at once).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gp.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

using greet_test::held_reply;
using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::ProcessResult;
using greet_test::raw_reply;
using greet_test::Reply;

namespace
{

std::vector<std::string> lines_of(const std::string &text)
{
    std::vector<std::string> lines;
    size_t start = 0, nl;
    while ((nl = text.find('\n', start)) != std::string::npos) {
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

class FetchMany : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        server.set_keep_alive(true);
        for (int i = 0; i < 10; i++) {
            server.on("/f" + std::to_string(i), ok_reply("file " + std::to_string(i) + "\n"));
        }
    }
    ProcessResult greet(std::vector<std::string> args, int timeout_ms = 60000)
    {
        args.insert(args.begin(), {greet_test::greet_exe(), "fetch", "--max-time", "20"});
        return greet_test::run_process(args, "", timeout_ms);
    }
    std::string body(int i)
    {
        return "file " + std::to_string(i) + "\n";
    }

    HttpServer server;
    TempDir dir;
};

} // namespace

TEST_F(FetchMany, EachUrlToItsFileOverOneConnection)
{
    ProcessResult r = greet({"-s", server.url("/f0"), server.url("/f1"), server.url("/f2"), "-o",
                             dir.file("a"), "-o", dir.file("b"), "-o", dir.file("c")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("a")), body(0));
    EXPECT_EQ(read_file_utf8(dir.file("b")), body(1));
    EXPECT_EQ(read_file_utf8(dir.file("c")), body(2));
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(server.accepted(), 1);
    EXPECT_EQ(server.requests().size(), 3u);
}

// As curl: the n-th -o goes with the n-th URL wherever it stands; URLs without one go to stdout.
TEST_F(FetchMany, OutputsPairInOrderAndTheRestGoToStdout)
{
    ProcessResult r = greet(
        {"-o", dir.file("first"), "-s", server.url("/f0"), server.url("/f1"), server.url("/f2")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("first")), body(0));
    EXPECT_EQ(r.out, body(1) + body(2));
    EXPECT_EQ(server.accepted(), 1);
}

TEST_F(FetchMany, MoreOutputsThanUrlsIsAWarning)
{
    ProcessResult r = greet({"-s", server.url("/f0"), "-o", dir.file("a"), "-o", dir.file("b")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("a")), body(0));
}

TEST_F(FetchMany, RemoteNameForEachAndForAll)
{
    std::string tag = std::to_string(gp_process_id());
    std::vector<std::string> names;
    for (int i = 0; i < 3; i++) {
        names.push_back("greet-many-" + tag + "-" + std::to_string(i) + ".txt");
        server.on("/d/" + names.back(), ok_reply(body(i)));
    }
    // -O, then -o, then nothing: stdout.
    ProcessResult r = greet({"-s", "-O", "-o", dir.file("mid"), server.url("/d/" + names[0]),
                             server.url("/d/" + names[1]), server.url("/d/" + names[2])});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(names[0]), body(0));
    EXPECT_EQ(read_file_utf8(dir.file("mid")), body(1));
    EXPECT_EQ(r.out, body(2));
    EXPECT_EQ(gp_file_remove(names[0].c_str()), GREET_OK);
    // --remote-name-all: every URL without an output of its own.
    r = greet({"-s", "--remote-name-all", "-o", dir.file("one"), server.url("/d/" + names[0]),
               server.url("/d/" + names[1]), server.url("/d/" + names[2])});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("one")), body(0));
    EXPECT_EQ(read_file_utf8(names[1]), body(1));
    EXPECT_EQ(read_file_utf8(names[2]), body(2));
    EXPECT_EQ(gp_file_remove(names[1].c_str()), GREET_OK);
    EXPECT_EQ(gp_file_remove(names[2].c_str()), GREET_OK);
}

// Every URL is tried; each failure has one line naming its URL; the exit code is the last
// failure's (curl's rule), whatever came after it.
TEST_F(FetchMany, EveryUrlIsTriedAndTheLastFailureSetsTheExitCode)
{
    uint16_t port;
    {
        HttpServer gone;
        port = gone.port();
    }
    const std::string refused = "http://127.0.0.1:" + std::to_string(port) + "/x";
    const std::string missing = server.url("/nothing-here");
    ProcessResult r =
        greet({"-s", "-f", missing, server.url("/f1"), refused, server.url("/f3"), "-o",
               dir.file("m"), "-o", dir.file("1"), "-o", dir.file("r"), "-o", dir.file("3")});
    EXPECT_EQ(r.exit_code, 4) << r.err; // the refused one came last among the failures
    EXPECT_EQ(read_file_utf8(dir.file("1")), body(1));
    EXPECT_EQ(read_file_utf8(dir.file("3")), body(3));
    auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 2u) << r.err;
    EXPECT_NE(lines[0].find(missing), std::string::npos) << r.err;
    EXPECT_NE(lines[1].find(refused), std::string::npos) << r.err;

    r = greet({"-s", "-f", refused, missing, server.url("/f2"), "-o", dir.file("r"), "-o",
               dir.file("m"), "-o", dir.file("2")});
    EXPECT_EQ(r.exit_code, 7) << r.err; // now the HTTP error is the last failure
    EXPECT_EQ(read_file_utf8(dir.file("2")), body(2));
}

// A server that closes after every response without saying so: the kept connection is found
// closed at the next request, which goes out again on a new one; every download succeeds.
TEST_F(FetchMany, ServerThatClosesAfterEachResponse)
{
    for (int i = 0; i < 4; i++) {
        Reply reply = ok_reply(body(i));
        reply.close = true;
        server.on("/c" + std::to_string(i), reply);
    }
    ProcessResult r =
        greet({"-s", server.url("/c0"), server.url("/c1"), server.url("/c2"), server.url("/c3")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, body(0) + body(1) + body(2) + body(3));
    EXPECT_EQ(server.accepted(), 4);
}

TEST_F(FetchMany, ConnectionCloseAnswerGetsANewConnectionEachTime)
{
    for (int i = 0; i < 3; i++) {
        Reply reply = ok_reply(body(i), "Connection: close\r\n");
        reply.close = true;
        server.on("/c" + std::to_string(i), reply);
    }
    ProcessResult r = greet({"-s", "-v", server.url("/c0"), server.url("/c1"), server.url("/c2")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, body(0) + body(1) + body(2));
    EXPECT_EQ(server.accepted(), 3);
    // Told to close, greet never tried the closed connection again.
    EXPECT_EQ(r.err.find("closed the kept connection"), std::string::npos) << r.err;
}

TEST_F(FetchMany, Http10AnswersAreNotKept)
{
    server.on("/old", raw_reply("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold"));
    ProcessResult r = greet({"-s", server.url("/old"), server.url("/old")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "oldold");
    EXPECT_EQ(server.accepted(), 2);
}

TEST_F(FetchMany, DumpHeaderHoldsEveryHead)
{
    ProcessResult r = greet({"-s", "-D", dir.file("heads"), server.url("/f0"), server.url("/f1")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string heads = read_file_utf8(dir.file("heads"));
    EXPECT_EQ(std::count(heads.begin(), heads.end(), 'H'), 2) << heads; // two status lines
}

// -Z with a cap: the server sees several connections at once, never more than the cap, and each
// transfer's -w line stays whole.
TEST_F(FetchMany, ParallelStaysWithinTheCap)
{
    server.set_concurrent(true);
    std::vector<std::string> args = {
        "-s", "-Z", "--parallel-max",
        "3",  "-w", "%{url_effective} %{http_code} %{filename_effective}\\n"};
    for (int i = 0; i < 9; i++) {
        Reply slow = ok_reply(body(i));
        slow.delay_ms = 150;
        server.on("/s" + std::to_string(i), slow);
        args.push_back(server.url("/s" + std::to_string(i)));
        args.push_back("-o");
        args.push_back(dir.file("s" + std::to_string(i)));
    }
    ProcessResult r = greet(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (int i = 0; i < 9; i++) {
        EXPECT_EQ(read_file_utf8(dir.file("s" + std::to_string(i))), body(i));
    }
    EXPECT_LE(server.max_active(), 3);
    EXPECT_GE(server.max_active(), 2); // they did overlap
    EXPECT_LE(server.accepted(), 3);   // and kept their connections
    auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), 9u) << r.out;
    for (int i = 0; i < 9; i++) {
        const std::string want =
            server.url("/s" + std::to_string(i)) + " 200 " + dir.file("s" + std::to_string(i));
        EXPECT_EQ(std::count(lines.begin(), lines.end(), want), 1) << r.out;
    }
}

TEST_F(FetchMany, ParallelFailuresEachHaveTheirLine)
{
    server.set_concurrent(true);
    ProcessResult r =
        greet({"-s", "-f", "-Z", server.url("/no1"), server.url("/f1"), server.url("/no2"), "-o",
               dir.file("a"), "-o", dir.file("b"), "-o", dir.file("c")});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("b")), body(1));
    auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 2u) << r.err;
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [&](const std::string &l) {
                                return l.find(server.url("/no1")) != std::string::npos;
                            }),
              1)
        << r.err;
}

// Ctrl+C with transfers under way in parallel: each one's temporary file goes, each says so in
// its own line, an existing target stays as it was, and the rest are not started.
TEST_F(FetchMany, CtrlCStopsEveryParallelTransfer)
{
    server.set_concurrent(true);
    Reply stall = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npart of it");
    std::vector<std::string> args = {greet_test::greet_exe(), "fetch", "-s", "-Z",
                                     "--parallel-max",        "3"};
    for (int i = 0; i < 5; i++) {
        server.on("/stall" + std::to_string(i), stall);
        args.push_back(server.url("/stall" + std::to_string(i)));
        args.push_back("-o");
        args.push_back(dir.file("out" + std::to_string(i)));
    }
    ASSERT_EQ(write_file_utf8(dir.file("out0"), "old content"), GREET_OK);
    greet_test::Process p;
    ASSERT_TRUE(p.start(args)) << p.error();
    for (int i = 0; i < 600 && server.requests().size() < 3; i++) { // 30 s at most
        gp_sleep_ms(50);
    }
    ASSERT_EQ(server.requests().size(), 3u);
    gp_sleep_ms(200); // into the bodies
    if (!p.interrupt()) {
        GTEST_SKIP() << "this system cannot send the child that signal";
    }
    ProcessResult r = p.wait(30000);
    EXPECT_EQ(r.exit_code, 130) << r.err;
    r.err.erase(std::remove(r.err.begin(), r.err.end(), '\r'), r.err.end());
    auto lines = lines_of(r.err);
    EXPECT_EQ(lines.size(), 3u) << r.err;
    for (const auto &line : lines) {
        EXPECT_NE(line.find(": interrupted"), std::string::npos) << r.err;
    }
    EXPECT_EQ(server.requests().size(), 3u); // the other two were never started
    EXPECT_EQ(read_file_utf8(dir.file("out0")), "old content");
    size_t files = 0;
    for (const auto &e : std::filesystem::directory_iterator(std::filesystem::u8path(dir.path()))) {
        (void)e;
        files++;
    }
    EXPECT_EQ(files, 1u) << "a temporary file was left behind";
}
