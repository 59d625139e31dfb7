// `greet fetch` as a user runs it: the greet program against the scripted in-process server,
// checking bytes on stdout and in files, messages on stderr, exit codes, and that a failure never
// leaves a file behind nor changes an existing one.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_in_process.h"
#include "support/fault.h"
#include "support/full_listener.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/dir_list.h"
#include "support/temp_dir.h"

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

using greet_test::held_reply;
using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::ProcessResult;
using greet_test::raw_reply;
using greet_test::redirect_reply;
using greet_test::Reply;

namespace
{

const char kBinary[] = "<html>\r\n\xe6\x96\xb0\xe6\xb5\xaa\n\0\xff</html>";
const std::string kBody(kBinary, sizeof kBinary - 1);

size_t count_lines(const std::string &text)
{
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

class FetchCli : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
    }
    ProcessResult greet(std::vector<std::string> args, int timeout_ms = 60000)
    {
        args.insert(args.begin(), {greet_test::greet_exe(), "fetch"});
        return greet_test::run_process(args, "", timeout_ms);
    }

    HttpServer server;
    TempDir dir;
};

std::string head_of(const std::string &body)
{
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
}

} // namespace

TEST_F(FetchCli, BodyGoesToStdoutByteForByte)
{
    server.on("/", ok_reply(kBody));
    ProcessResult r = greet({server.url("/")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, kBody);
    EXPECT_EQ(r.err, ""); // stderr is not a terminal: no progress bar
}

TEST_F(FetchCli, OutputFileGetsTheBodyAndStdoutTheHead)
{
    server.on("/page", ok_reply(kBody));
    std::string file = dir.file("page.html");
    ProcessResult r = greet({server.url("/page"), "-o", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), kBody);
    EXPECT_EQ(r.out, head_of(kBody));
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{"page.html"});
}

TEST_F(FetchCli, SilentPrintsNothing)
{
    server.on("/page", ok_reply(kBody));
    std::string file = dir.file("page.html");
    ProcessResult r = greet({"-s", server.url("/page"), "-o", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(read_file_utf8(file), kBody);
}

TEST_F(FetchCli, IncludePutsTheHeadBeforeTheBody)
{
    server.on("/i", ok_reply(kBody));
    ProcessResult r = greet({"-i", server.url("/i")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, head_of(kBody) + kBody);
}

TEST_F(FetchCli, HeadSendsHeadAndPrintsTheHeadOnly)
{
    Reply reply = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
    server.on("/h", reply);
    ProcessResult r = greet({"-I", server.url("/h")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
    EXPECT_EQ(server.requests().at(0).rfind("HEAD /h ", 0), 0u);
}

TEST_F(FetchCli, DumpHeaderWritesEveryHeadAlongRedirects)
{
    server.on("/from", redirect_reply(302, "/to"));
    server.on("/to", ok_reply("final"));
    std::string heads = dir.file("heads.txt");
    ProcessResult r = greet({"-L", "-D", heads, server.url("/from")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "final");
    std::string dumped = read_file_utf8(heads);
    EXPECT_EQ(dumped.rfind("HTTP/1.1 302 Moved\r\nLocation: /to\r\n", 0), 0u) << dumped;
    EXPECT_NE(dumped.find("\r\n\r\nHTTP/1.1 200 OK\r\n"), std::string::npos) << dumped;
}

TEST_F(FetchCli, VerboseShowsTheConnectionTheRequestAndTheHeadOnStderr)
{
    server.on("/v", ok_reply("x"));
    ProcessResult r = greet({"-v", "-H", "X-Mine: yes", server.url("/v")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r.err.erase(std::remove(r.err.begin(), r.err.end(), '\r'), r.err.end()); // text mode on Windows
    EXPECT_EQ(r.out, "x");
    EXPECT_NE(r.err.find("* Connected to 127.0.0.1:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("> GET /v HTTP/1.1\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("> X-Mine: yes\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("< HTTP/1.1 200 OK\n"), std::string::npos) << r.err;
}

TEST_F(FetchCli, RemoteNameUsesTheLastPathSegmentInTheCurrentFolder)
{
    std::string name = "greet-remote-name-" + std::to_string(gp_process_id()) + ".bin";
    server.on("/files/" + name + "?v=2", ok_reply(kBody));
    ProcessResult r = greet({"-s", "-O", server.url("/files/" + name + "?v=2")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(name), kBody);
    EXPECT_EQ(gp_file_remove(name.c_str()), GREET_OK);
}

TEST_F(FetchCli, CreateDirsMakesMissingFolders)
{
    server.on("/", ok_reply(kBody));
    std::string file = dir.file("photo/deep/sina.html");
    ProcessResult without = greet({"-s", server.url("/"), "-o", file});
    EXPECT_EQ(without.exit_code, 8);
    EXPECT_NE(without.err.find(file), std::string::npos) << without.err;
    ProcessResult with = greet({"-s", server.url("/"), "-o", file, "--create-dirs"});
    ASSERT_EQ(with.exit_code, 0) << with.err;
    EXPECT_EQ(read_file_utf8(file), kBody);
}

TEST_F(FetchCli, ChineseFileNameWorks)
{
    server.on("/", ok_reply(kBody));
    std::string file = dir.file("\xe6\x96\xb0\xe6\xb5\xaa.html"); // 新浪.html
    ProcessResult r = greet({"-s", server.url("/"), "-o", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), kBody);
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{"\xe6\x96\xb0\xe6\xb5\xaa.html"});
}

#ifdef _WIN32
TEST_F(FetchCli, WindowsBackslashPathWithChineseName)
{
    server.on("/", ok_reply(kBody));
    std::string win = dir.path();
    std::replace(win.begin(), win.end(), '/', '\\');
    ProcessResult r = greet({"-s", server.url("/"), "--create-dirs", "-o",
                             win + "\\photo\\\xe6\x96\xb0\xe6\xb5\xaa.html"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("photo/\xe6\x96\xb0\xe6\xb5\xaa.html")), kBody);
}
#endif

// ---- What is at the output path already --------------------------------------------------------

TEST_F(FetchCli, DashOutputIsStdout)
{
    server.on("/", ok_reply(kBody));
    ProcessResult r = greet({server.url("/"), "-o", "-"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, kBody);
    EXPECT_FALSE(gp_path_exists("-"));
}

TEST_F(FetchCli, NotModifiedLeavesTheFileAndSaysSo)
{
    server.on("/c", raw_reply("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"));
    std::string file = dir.file("page.html");
    ASSERT_EQ(write_file_utf8(file, "cached copy"), GREET_OK);
    ProcessResult r = greet({server.url("/c"), "-H", "If-None-Match: \"v1\"", "-o", file});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "cached copy");
    EXPECT_NE(r.err.find("not modified"), std::string::npos) << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{"page.html"});
    ProcessResult quiet = greet({"-s", server.url("/c"), "-o", file});
    EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_EQ(quiet.err, "");
    EXPECT_EQ(read_file_utf8(file), "cached copy");
}

TEST_F(FetchCli, FolderTargetIsRefused)
{
    server.on("/", ok_reply(kBody));
    ProcessResult r = greet({"-s", server.url("/"), "-o", dir.path()});
    EXPECT_EQ(r.exit_code, 8) << r.err;
    EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{});
}

#ifndef _WIN32
mode_t mode_of(const std::string &path)
{
    struct stat st;
    return lstat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

TEST_F(FetchCli, ReplacedFileKeepsItsPermissions)
{
    server.on("/", ok_reply(kBody));
    std::string file = dir.file("secret.html");
    ASSERT_EQ(write_file_utf8(file, "old"), GREET_OK);
    ASSERT_EQ(chmod(file.c_str(), 0600), 0);
    ProcessResult r = greet({"-s", server.url("/"), "-o", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), kBody);
    EXPECT_EQ(mode_of(file) & 07777, 0600u);
}

TEST_F(FetchCli, SymlinkIsFollowedAndStaysALink)
{
    server.on("/", ok_reply(kBody));
    std::string target = dir.file("real.html");
    std::string link = dir.file("link.html");
    ASSERT_EQ(write_file_utf8(target, "old"), GREET_OK);
    ASSERT_EQ(symlink("real.html", link.c_str()), 0);
    ProcessResult r = greet({"-s", server.url("/"), "-o", link});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(S_ISLNK(mode_of(link)));
    EXPECT_EQ(read_file_utf8(target), kBody);
    EXPECT_EQ(list_dir_utf8(dir.path()), (std::vector<std::string>{"link.html", "real.html"}));
}

TEST_F(FetchCli, ReadOnlyFileIsRefusedAndUntouched)
{
    server.on("/", ok_reply(kBody));
    std::string file = dir.file("ro.html");
    ASSERT_EQ(write_file_utf8(file, "keep me"), GREET_OK);
    ASSERT_EQ(chmod(file.c_str(), 0444), 0);
    ProcessResult r = greet({"-s", server.url("/"), "-o", file});
    EXPECT_EQ(r.exit_code, 8) << r.err;
    EXPECT_NE(r.err.find("read-only"), std::string::npos) << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_EQ(read_file_utf8(file), "keep me");
    EXPECT_EQ(mode_of(file) & 07777, 0444u);
    EXPECT_TRUE(server.requests().empty()); // refused before connecting
}

TEST_F(FetchCli, FifoIsWrittenInPlace)
{
    server.on("/", ok_reply(kBody));
    std::string fifo = dir.file("pipe");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    std::string got;
    std::thread reader([&] { got = read_file_utf8(fifo); });
    ProcessResult r = greet({"-s", server.url("/"), "-o", fifo});
    reader.join();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(got, kBody);
    EXPECT_TRUE(S_ISFIFO(mode_of(fifo)));
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{"pipe"});
}

TEST_F(FetchCli, DevStdoutIsWrittenInPlace)
{
    server.on("/", ok_reply(kBody));
    ProcessResult r = greet({"-s", server.url("/"), "-o", "/dev/stdout"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, kBody);
}
#endif

// ---- Failures: exit code, one clear line, no file left, an existing file untouched ------------

struct Failure {
    const char *name;
    Reply reply;
    std::vector<std::string> extra;
    int exit_code;
    const char *says; // a piece of the message
};

TEST_F(FetchCli, FailuresLeaveNoFileAndKeepAnExistingOne)
{
    Reply silent = held_reply();
    Reply stalled = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome");
    std::vector<Failure> cases = {
        {"truncated body",
         raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"),
         {},
         6,
         "5 of 100"},
        {"truncated chunked body",
         raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nab"),
         {},
         6,
         "127.0.0.1"},
        {"conflicting Content-Length",
         raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
         {},
         6,
         "Content-Length"},
        {"chunk size overflow",
         raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n"),
         {},
         6,
         "chunk"},
        {"oversized header section",
         raw_reply("HTTP/1.1 200 OK\r\nX-Big: " + std::string(70000, 'b') + "\r\n\r\n"),
         {},
         6,
         "127.0.0.1"},
        {"NUL in a header",
         raw_reply(std::string("HTTP/1.1 200 OK\r\nX-N: a") + '\0' +
                   "\r\nContent-Length: 1\r\n\r\nx"),
         {},
         6,
         "127.0.0.1"},
        {"silent server", silent, {"--max-time", "1"}, 5, "timed out"},
        {"stalled body", stalled, {"--speed-limit", "100", "--speed-time", "1"}, 5, "stalled"},
        {"404 with --fail",
         raw_reply("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone"),
         {"-f"},
         7,
         "404"},
        {"redirect loop", redirect_reply(302, "/case"), {"-L"}, 11, "loop"},
    };
    std::string file = dir.file("out.html");
    for (const Failure &c : cases) {
        SCOPED_TRACE(c.name);
        server.on("/case", c.reply);
        ASSERT_EQ(write_file_utf8(file, "old content"), GREET_OK);
        std::vector<std::string> args = {server.url("/case"), "-o", file};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        ProcessResult r = greet(args);
        EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
        EXPECT_EQ(r.err.rfind("greet fetch: " + server.url("/case") + ": ", 0), 0u) << r.err;
        EXPECT_EQ(count_lines(r.err), 1u) << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
        EXPECT_EQ(read_file_utf8(file), "old content");
        EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{"out.html"});
    }
}

TEST_F(FetchCli, FailureCreatesNoFile)
{
    server.on("/t", raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"));
    server.on("/404", raw_reply("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone"));
    ProcessResult t = greet({server.url("/t"), "-o", dir.file("a.html")});
    EXPECT_EQ(t.exit_code, 6) << t.err;
    ProcessResult f = greet({"--fail", server.url("/404"), "-o", dir.file("b.html")});
    EXPECT_EQ(f.exit_code, 7) << f.err;
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{});
}

TEST_F(FetchCli, ConnectionRefusedIsExitFour)
{
    uint16_t port;
    {
        HttpServer gone;
        port = gone.port();
    }
    std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
    ProcessResult r = greet({url, "-o", dir.file("x")});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("connect to 127.0.0.1:" + std::to_string(port) + ": connection refused"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{});
}

TEST_F(FetchCli, TooManyRedirectsIsExitEleven)
{
    server.on("/r1", redirect_reply(301, "/r2"));
    server.on("/r2", redirect_reply(301, "/r3"));
    ProcessResult r = greet({"-L", "--max-redirs", "1", server.url("/r1")});
    EXPECT_EQ(r.exit_code, 11) << r.err;
    EXPECT_NE(r.err.find("more than 1 redirect"), std::string::npos) << r.err;
}

// The resolver's answer comes from the platform seam, reached by running the program in-process
// (tests/support/cli_in_process.h): no DNS query leaves the machine.
TEST(FetchCliInProcess, UnknownHostIsExitThree)
{
    ScopedFault f(ScopedFault::fail(GP_FAULT_RESOLVE, GP_FAULT_NOHOST));
    ASSERT_TRUE(f.installed());
    auto r = greet_test::run_cli_in_process({"fetch", "http://no-such-host.example/"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("no-such-host.example"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(FetchCli, HttpsSaysItIsNotSupportedWithoutTls)
{
    if (std::string(GREET_TLS_BACKEND_NAME) != "none") {
        GTEST_SKIP() << "this build has TLS (tests/tls covers https)";
    }
    ProcessResult r = greet({"https://127.0.0.1/"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("https is not supported in this build"), std::string::npos) << r.err;
}

TEST_F(FetchCli, UsageErrorsAreExitTwo)
{
    EXPECT_EQ(greet({}).exit_code, 2);
    EXPECT_EQ(greet({"-o", "x", "-O"}).exit_code, 2); // outputs, but no URL
    EXPECT_EQ(greet({"http://a/", "-Z", "--parallel-max", "0"}).exit_code, 2);
    EXPECT_EQ(greet({"http://a/", "--max-time", "soon"}).exit_code, 2);
    EXPECT_EQ(greet({"http://a/", "--max-redirs", "1000"}).exit_code, 2);
    EXPECT_EQ(greet({"http://us%zzer@a/"}).exit_code, 2); // bad percent-encoding in user-info
    ProcessResult r = greet({"http://127.0.0.1:1/", "-H", "Bad header"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("Bad header"), std::string::npos) << r.err;
}

TEST_F(FetchCli, HelpIsTheSameAsGreetHelpFetch)
{
    ProcessResult r = greet({"--help"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("--max-redirs"), std::string::npos) << r.out;
    ProcessResult viahelp = greet_test::run_process({greet_test::greet_exe(), "help", "fetch"});
    EXPECT_EQ(viahelp.out, r.out);
    EXPECT_EQ(greet({"-h"}).out, r.out);
}

TEST_F(FetchCli, UserAgentAndWriteOut)
{
    server.on("/from", redirect_reply(302, "/to"));
    server.on("/to", ok_reply("hello"));
    std::string file = dir.file("w.txt");
    ProcessResult r = greet({"-s", "-L", "-A", "tester/1", "-o", file, "-w",
                             "%{http_code} %{size_download} %{num_redirects} %{exitcode} "
                             "%{url_effective} %{filename_effective} [%{errormsg}] 100%%\\n",
                             server.url("/from")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "200 5 1 0 " + server.url("/to") + " " + file + " [] 100%\n");
    EXPECT_NE(server.requests().at(0).find("\r\nUser-Agent: tester/1\r\n"), std::string::npos);
    ProcessResult t = greet({"-s", "-w", "%{time_total}|%{bogus}", server.url("/to")});
    EXPECT_EQ(t.out.substr(0, 5), "hello");
    EXPECT_NE(t.out.find('.'), std::string::npos) << t.out;
    EXPECT_NE(t.err.find("unknown --write-out variable 'bogus'"), std::string::npos) << t.err;
}

TEST_F(FetchCli, WriteOutAfterAFailureHasTheCodeAndMessage)
{
    server.on("/gone", raw_reply("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    ProcessResult r =
        greet({"-s", "-f", "-w", "%{http_code} %{exitcode} %{errormsg}", server.url("/gone")});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_EQ(r.out, "404 7 the server answered 404: HTTP error status");
}

// Happy eyeballs at the program level: a name whose first address hangs (a full accept queue)
// and whose second answers, as the platform seam resolves it, is fetched in about 250 ms, not
// after --connect-timeout; -v shows both attempts.
TEST(FetchCliInProcess, ANameWhoseFirstAddressHangsIsFetchedFromTheNextOne)
{
    greet_test::FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    HttpServer server;
    ASSERT_TRUE(server.ok());
    server.on("/", greet_test::ok_reply("raced\n"));
    gp_addr live{};
    size_t n = 0;
    ASSERT_EQ(gp_resolve("127.0.0.1", server.port(), GP_AF_INET4, 0, &live, 1, &n), GREET_OK);
    ScopedFault f(ScopedFault::answer("dead-first.example", {dead.addr, live}));
    ASSERT_TRUE(f.installed());
    uint64_t start = gp_clock_ms();
    auto r = greet_test::run_cli_in_process(
        {"fetch", "-v", "--connect-timeout", "20", "http://dead-first.example/"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "raced\n");
    EXPECT_LT(gp_clock_ms() - start, 2000u) << r.err;
    std::string port = std::to_string(server.port());
    EXPECT_NE(r.err.find("* Trying 127.0.0.1:" + std::to_string(dead.port)), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("* Connected to 127.0.0.1:" + port), std::string::npos) << r.err;
}

TEST(FetchCliInProcess, ANameWhoseAddressesAllRefuseIsExitFourNamingTheHost)
{
    gp_addr gone[2];
    for (gp_addr &a : gone) {
        HttpServer s;
        size_t n = 0;
        ASSERT_EQ(gp_resolve("127.0.0.1", s.port(), GP_AF_INET4, 0, &a, 1, &n), GREET_OK);
    }
    ScopedFault f(ScopedFault::answer("all-dead.example", {gone[0], gone[1]}));
    ASSERT_TRUE(f.installed());
    auto r = greet_test::run_cli_in_process({"fetch", "http://all-dead.example/"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("connect to all-dead.example (127.0.0.1:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("last of 2 addresses): connection refused"), std::string::npos) << r.err;
}
