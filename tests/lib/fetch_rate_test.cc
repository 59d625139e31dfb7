// greet_fetch_options.limit_rate through the public API, against the scripted in-process server:
// a limited transfer takes at least the time its rate implies and arrives byte for byte, a pause
// stays responsive to a stop and to max_time_ms, and the stall check measures the server, not
// the pauses. Timing is asserted from below only (a loaded machine is slow, never fast), except
// where a stop must be prompt, with a wide margin.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "gp.h"
#include "greet/fetch.h"
#include "support/fetch_fixture.h"
#include "support/http_server.h"

using greet_test::GeneratedBody;
using greet_test::held_reply;
using greet_test::Reply;

namespace
{

Reply generated(uint64_t size)
{
    Reply r;
    r.bytes = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
    r.generated = size;
    return r;
}

class FetchRate : public greet_test::FetchFixture
{
};

} // namespace

TEST_F(FetchRate, NoLimitByDefault)
{
    greet_fetch_options o;
    greet_fetch_options_init(&o);
    EXPECT_EQ(o.limit_rate, 0);
}

TEST_F(FetchRate, LimitedBodyTakesAtLeastWhatTheRateImpliesAndArrivesIntact)
{
    const uint64_t size = 300 * 1024;
    server.on("/big", generated(size));
    opt.limit_rate = 200 * 1024;
    ASSERT_EQ(fetch("/big"), GREET_OK) << result.message;
    EXPECT_EQ(got.size, size);
    EXPECT_EQ(got.hash.value(), GeneratedBody::hash_of(size));
    // Never more than the rate since the first byte was asked for: the body alone takes 1.5 s.
    EXPECT_GE(took_ms, size * 1000 / static_cast<uint64_t>(opt.limit_rate));
}

TEST_F(FetchRate, ChunkedBodyIsLimitedToo)
{
    std::string body;
    for (int i = 0; i < 40; i++) {
        body += "1000\r\n" + std::string(4096, static_cast<char>('a' + i % 26)) + "\r\n";
    }
    server.on("/chunked",
              greet_test::raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body +
                                    "0\r\n\r\n"));
    opt.limit_rate = 160 * 1024; // 160 KiB of body and its framing: more than a second
    ASSERT_EQ(fetch("/chunked"), GREET_OK) << result.message;
    EXPECT_EQ(got.size, 40u * 4096u);
    EXPECT_GE(took_ms, 1000u);
}

TEST_F(FetchRate, StopDuringAPauseEndsPromptly)
{
    // At 1 byte/s every byte is a pause of a second; the stop comes 200 ms into the first one.
    server.on("/slow", generated(1000));
    opt.limit_rate = 1;
    got.cancel_at = gp_clock_ms() + 200;
    EXPECT_EQ(fetch("/slow"), GREET_ECANCELED) << result.message;
    EXPECT_GE(took_ms, 200u);
    EXPECT_LT(took_ms, 900u) << "the pause was not cut into slices that ask on_progress";
    EXPECT_GE(got.progress_calls, 2);
}

TEST_F(FetchRate, MaxTimeEndsAPause)
{
    server.on("/slow", generated(64 * 1024));
    opt.limit_rate = 1000;
    opt.max_time_ms = 300;
    EXPECT_EQ(fetch("/slow"), GREET_ETIMEDOUT);
    EXPECT_GE(took_ms, 300u);
    EXPECT_NE(std::string(result.message).find("max time of 300 ms"), std::string::npos)
        << result.message;
}

TEST_F(FetchRate, PausesAreNotAStallBelowTheSpeedLimit)
{
    // The limit is far below speed_limit, but the server sends at once: the check measures the
    // server, and the time greet spent pausing is not the server's.
    server.on("/f", generated(2000));
    opt.limit_rate = 2000;
    opt.speed_limit = 1000000;
    opt.speed_time_ms = 500;
    ASSERT_EQ(fetch("/f"), GREET_OK) << result.message;
    EXPECT_EQ(got.hash.value(), GeneratedBody::hash_of(2000));
    EXPECT_GE(took_ms, 1000u);
}

TEST_F(FetchRate, AServerThatStopsIsStillAStall)
{
    Reply stall = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npart of it");
    server.on("/stall", stall);
    opt.limit_rate = 100 * 1024;
    opt.speed_limit = 100;
    opt.speed_time_ms = 300;
    EXPECT_EQ(fetch("/stall"), GREET_ETIMEDOUT);
    EXPECT_GE(took_ms, 300u);
    EXPECT_NE(std::string(result.message).find("stalled"), std::string::npos) << result.message;
    EXPECT_EQ(got.size, 10u);
}

TEST_F(FetchRate, NegativeIsInvalid)
{
    server.on("/f", generated(10));
    opt.limit_rate = -1;
    EXPECT_EQ(fetch("/f"), GREET_EINVAL);
    EXPECT_NE(std::string(result.message).find("rate limit"), std::string::npos) << result.message;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(FetchRate, OlderProgramWithoutTheMemberHasNoLimit)
{
    // Built before limit_rate existed: what lies beyond its size is not read.
    const uint64_t size = 256 * 1024;
    server.on("/big", generated(size));
    opt.size = offsetof(greet_fetch_options, limit_rate);
    opt.limit_rate = 1; // would take days
    opt.max_time_ms = 10000;
    ASSERT_EQ(fetch("/big"), GREET_OK) << result.message;
    EXPECT_EQ(got.hash.value(), GeneratedBody::hash_of(size));
}
