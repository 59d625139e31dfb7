// `greet fetch --retry`: transient failures and statuses are tried again (after Retry-After, a
// fixed delay or the backoff), the output holds only the last attempt, and permanent failures
// are not retried.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "gp.h"
#include "support/fetch_cli_fixture.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::ProcessResult;
using greet_test::raw_reply;
using greet_test::Reply;

namespace
{

const Reply kBusy =
    raw_reply("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 4"
              "\r\n\r\nbusy");

class FetchRetry : public greet_test::FetchCliFixture
{
};

} // namespace

TEST_F(FetchRetry, TransientStatusIsRetriedAndOnlyTheLastAttemptIsKept)
{
    server.on("/r", std::vector<Reply>{kBusy, kBusy, ok_reply("done")});
    std::string file = dir.file("out");
    ProcessResult r = greet({"--retry", "3", "-o", file, server.url("/r")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "done");
    EXPECT_EQ(server.requests().size(), 3u);
    EXPECT_NE(r.err.find("the server answered 503; retry 1 of 3 in 0 ms"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("retry 2 of 3"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("503"), std::string::npos) << "a retried answer is not output";
}

TEST_F(FetchRetry, ExhaustedRetriesEndWithTheLastAnswer)
{
    server.on("/busy", kBusy);
    ProcessResult failed = greet({"-s", "--retry", "2", "-f", server.url("/busy")});
    EXPECT_EQ(failed.exit_code, 7) << failed.err;
    EXPECT_EQ(server.requests().size(), 3u);
    ProcessResult plain = greet({"-s", "--retry", "1", server.url("/busy")});
    EXPECT_EQ(plain.exit_code, 0) << plain.err; // as curl: an answer, if not a good one
    EXPECT_EQ(plain.out, "busy");
}

TEST_F(FetchRetry, CutShortBodyIsRetriedWithAFixedDelay)
{
    server.on("/cut",
              std::vector<Reply>{raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"),
                                 ok_reply("whole")});
    std::string file = dir.file("out");
    ProcessResult r =
        greet({"--retry", "1", "--retry-delay", "0.05", "-o", file, server.url("/cut")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "whole");
    EXPECT_NE(r.err.find("5 of 100"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("retry 1 of 1 in 50 ms"), std::string::npos) << r.err;
}

TEST_F(FetchRetry, PermanentFailuresAreNotRetried)
{
    server.on("/gone", raw_reply("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    ProcessResult r = greet({"-s", "-f", "--retry", "3", server.url("/gone")});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_EQ(server.requests().size(), 1u);
    ProcessResult all = greet({"-s", "-f", "--retry", "1", "--retry-all-errors", "--retry-delay",
                               "0.01", server.url("/gone")});
    EXPECT_EQ(all.exit_code, 7) << all.err;
    EXPECT_EQ(server.requests().size(), 3u) << "--retry-all-errors retries a 404 with -f";
}

TEST_F(FetchRetry, RefusedConnectionBacksOffOneSecondFirst)
{
    uint16_t port;
    {
        HttpServer gone;
        port = gone.port();
    }
    auto t0 = std::chrono::steady_clock::now();
    ProcessResult r = greet({"--retry", "1", "http://127.0.0.1:" + std::to_string(port) + "/"});
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("retry 1 of 1 in 1000 ms"), std::string::npos) << r.err;
    EXPECT_GE(ms, 1000);
}

TEST_F(FetchRetry, RetryMaxTimeStopsNewAttempts)
{
    server.on("/busy", raw_reply("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"));
    ProcessResult r = greet({"-s", "-f", "--retry", "50", "--retry-delay", "0.2",
                             "--retry-max-time", "0.5", server.url("/busy")});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_GE(server.requests().size(), 2u);
    EXPECT_LE(server.requests().size(), 5u);
}
