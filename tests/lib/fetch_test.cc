// The fetch engine through its public API, against the scripted in-process server: what arrives
// in the sink, byte for byte, and how every kind of broken response ends.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gp.h"
#include "greet/fetch.h"
#include "greet/version.h"
#include "support/fault.h"
#include "support/fetch_fixture.h"
#include "support/full_listener.h"
#include "support/http_server.h"

using greet_test::GeneratedBody;
using greet_test::held_reply;
using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::redirect_reply;
using greet_test::Reply;

namespace
{

class Fetch : public greet_test::FetchFixture
{
};
using Collector = greet_test::FetchCollector;

const char kBinary[] = "line 1\r\nline 2\n\0\xff\xfe tail";
const std::string kBinaryBody(kBinary, sizeof kBinary - 1);

} // namespace

TEST_F(Fetch, ContentLengthBodyArrivesByteForByte)
{
    server.on("/page", ok_reply(kBinaryBody));
    ASSERT_EQ(fetch("/page"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, kBinaryBody);
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.body_size, kBinaryBody.size());
    ASSERT_EQ(got.heads.size(), 1u);
    EXPECT_EQ(got.heads[0], "HTTP/1.1 200 OK\r\nContent-Length: " +
                                std::to_string(kBinaryBody.size()) + "\r\n\r\n");
}

TEST_F(Fetch, RequestCarriesHostWithPortUserAgentAcceptAndClose)
{
    server.on("/p?q=1", ok_reply("x"));
    ASSERT_EQ(fetch("/p?q=1#frag"), GREET_OK) << result.message;
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    std::string expected =
        "GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
        "\r\nUser-Agent: greet/" GREET_VERSION_STRING
        "\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    EXPECT_EQ(reqs[0], expected);
    EXPECT_EQ(got.request, expected);
}

TEST_F(Fetch, HeadRequestSendsHeadAndReadsNoBody)
{
    // A client waiting for the 1000 body bytes would hang here.
    Reply r = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    server.on("/h", r);
    opt.method = GREET_FETCH_HEAD;
    ASSERT_EQ(fetch("/h"), GREET_OK) << result.message;
    EXPECT_EQ(server.requests().at(0).rfind("HEAD /h HTTP/1.1\r\n", 0), 0u);
    EXPECT_EQ(got.body, "");
    EXPECT_EQ(got.heads.size(), 1u);
}

TEST_F(Fetch, ExtraHeadersAreAddedAndReplaceOrRemoveBuiltIns)
{
    server.on("/", ok_reply("x"));
    const char *headers[] = {"X-Test: one two", "User-Agent: tester/1", "Accept:"};
    opt.headers = headers;
    opt.header_count = 3;
    ASSERT_EQ(fetch("/"), GREET_OK) << result.message;
    std::string req = server.requests().at(0);
    EXPECT_NE(req.find("\r\nX-Test: one two\r\n"), std::string::npos) << req;
    EXPECT_NE(req.find("\r\nUser-Agent: tester/1\r\n"), std::string::npos) << req;
    EXPECT_EQ(req.find("greet/"), std::string::npos) << req;
    EXPECT_EQ(req.find("Accept"), std::string::npos) << req;
}

TEST_F(Fetch, HeaderWithLineBreakIsRefusedBeforeConnecting)
{
    const char *headers[] = {"X-Evil: a\r\nHost: other"};
    opt.headers = headers;
    opt.header_count = 1;
    EXPECT_EQ(fetch("/"), GREET_EINVAL);
    EXPECT_NE(std::string(result.message).find("X-Evil"), std::string::npos) << result.message;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(Fetch, HeaderWithoutValidNameIsRefused)
{
    const char *headers[] = {"No colon here"};
    opt.headers = headers;
    opt.header_count = 1;
    EXPECT_EQ(fetch("/"), GREET_EINVAL);
}

TEST_F(Fetch, ChunkedBodyIsDecodedWithExtensionsAndTrailers)
{
    Reply r;
    r.bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 999\r\n\r\n"
              "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n";
    server.on("/c", r);
    ASSERT_EQ(fetch("/c"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, "hello world");
}

TEST_F(Fetch, ChunkedBodySentOneBytePerWrite)
{
    Reply r;
    r.bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              "a\r\n0123456789\r\n3\r\nabc\r\n0\r\n\r\n";
    r.piece = 1;
    server.on("/c1", r);
    ASSERT_EQ(fetch("/c1"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, "0123456789abc");
}

TEST_F(Fetch, CloseDelimitedBodyEndsWhenTheServerCloses)
{
    Reply r;
    r.bytes = "HTTP/1.0 200 OK\r\n\r\n" + kBinaryBody;
    server.on("/close", r);
    ASSERT_EQ(fetch("/close"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, kBinaryBody);
}

TEST_F(Fetch, InterimContinueIsSkipped)
{
    Reply r;
    r.bytes = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    server.on("/100", r);
    ASSERT_EQ(fetch("/100"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, "ok");
    ASSERT_EQ(got.heads.size(), 1u);
    EXPECT_EQ(got.heads[0].rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST_F(Fetch, NoBodyFor204And304WhateverTheHeadersSay)
{
    for (const char *status : {"204 No Content", "304 Not Modified"}) {
        Reply r = held_reply(std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 50\r\n\r\n");
        server.on("/s", r);
        got = Collector();
        ASSERT_EQ(fetch("/s"), GREET_OK) << status << ": " << result.message;
        EXPECT_EQ(got.body, "");
    }
}

TEST_F(Fetch, BigBodyStreamsAndMatchesByHash)
{
    const uint64_t size = 32u << 20;
    Reply r;
    r.bytes = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
    r.generated = size;
    server.on("/big", r);
    got.keep_body = false;
    ASSERT_EQ(fetch("/big"), GREET_OK) << result.message;
    EXPECT_EQ(got.size, size);
    EXPECT_EQ(got.hash.value(), GeneratedBody::hash_of(size));
}

// ---- Broken responses: each is an error, never a success --------------------------------------

struct Broken {
    const char *name;
    std::string bytes;
    int expected;
};

TEST_F(Fetch, BrokenResponsesFailWithTheirCause)
{
    const std::vector<Broken> cases = {
        {"truncated body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
         GREET_ECLOSED},
        {"truncated chunked body",
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nabc",
         GREET_ECLOSED},
        {"no response", "", GREET_ECLOSED},
        {"cut in the head", "HTTP/1.1 200 OK\r\nContent-Le", GREET_ECLOSED},
        {"conflicting Content-Length",
         "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", GREET_EPROTO},
        {"signed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
         GREET_EPROTO},
        {"chunk size overflow",
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\nx",
         GREET_EPROTO},
        {"NUL in a header",
         std::string("HTTP/1.1 200 OK\r\nX-A: a") + '\0' + "b\r\nContent-Length: 0\r\n\r\n",
         GREET_EPROTO},
        {"not HTTP", "SSH-2.0-OpenSSH_9.2\r\n", GREET_EPROTO},
        {"oversized header section",
         "HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n", GREET_ETOOBIG},
    };
    for (const Broken &c : cases) {
        Reply r;
        r.bytes = c.bytes;
        server.on("/broken", r);
        got = Collector();
        EXPECT_EQ(fetch("/broken"), c.expected) << c.name << ": " << result.message;
        EXPECT_NE(std::string(result.message), "") << c.name;
        EXPECT_NE(std::string(result.message).find("127.0.0.1"), std::string::npos)
            << c.name << ": " << result.message;
    }
}

TEST_F(Fetch, TruncatedBodyMessageCountsTheBytes)
{
    server.on("/t", [] {
        Reply r;
        r.bytes = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
        return r;
    }());
    EXPECT_EQ(fetch("/t"), GREET_ECLOSED);
    EXPECT_NE(std::string(result.message).find("10"), std::string::npos) << result.message;
    EXPECT_NE(std::string(result.message).find("100"), std::string::npos) << result.message;
}

TEST_F(Fetch, SilentServerEndsWithTimeoutAtMaxTime)
{
    Reply r = held_reply();
    server.on("/silent", r);
    opt.max_time_ms = 700;
    uint64_t t0 = gp_clock_ms();
    EXPECT_EQ(fetch("/silent"), GREET_ETIMEDOUT) << result.message;
    uint64_t took = gp_clock_ms() - t0;
    EXPECT_GE(took, 650u);
    EXPECT_LT(took, 5000u);
}

TEST_F(Fetch, SilentServerAfterPartOfTheBodyAlsoTimesOut)
{
    Reply r = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome");
    server.on("/stall", r);
    opt.max_time_ms = 500;
    EXPECT_EQ(fetch("/stall"), GREET_ETIMEDOUT) << result.message;
    EXPECT_EQ(got.body, "some");
}

// ---- Redirects ---------------------------------------------------------------------------------

TEST_F(Fetch, RedirectsAreFollowedRelativeAbsolute303And307)
{
    server.on("/a/start", redirect_reply(301, "next?x=1"));
    server.on("/a/next?x=1", redirect_reply(303, server.url("/b/abs")));
    server.on("/b/abs", redirect_reply(307, "../c/final"));
    server.on("/c/final", redirect_reply(308, "/done"));
    server.on("/done", ok_reply("arrived"));
    opt.follow_redirects = 1;
    ASSERT_EQ(fetch("/a/start"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, "arrived");
    EXPECT_EQ(result.redirects, 4);
    EXPECT_EQ(result.status, 200);
    ASSERT_EQ(got.heads.size(), 5u);
    EXPECT_EQ(got.redirecting, (std::vector<int>{1, 1, 1, 1, 0}));
    EXPECT_EQ(got.urls.back(), server.url("/done"));
    for (const std::string &req : server.requests()) {
        EXPECT_EQ(req.rfind("GET ", 0), 0u) << req;
    }
}

TEST_F(Fetch, RedirectIsOutputAsIsWhenNotFollowed)
{
    server.on("/r", redirect_reply(302, "/elsewhere"));
    ASSERT_EQ(fetch("/r"), GREET_OK) << result.message;
    EXPECT_EQ(result.status, 302);
    EXPECT_EQ(got.body, "moved!\n");
    EXPECT_EQ(server.requests().size(), 1u);
}

// The redirect logic keeps the Location: the final response's first one, never an interim's.
TEST_F(Fetch, RedirectFollowsTheFinalResponsesFirstLocation)
{
    Reply r;
    r.bytes = "HTTP/1.1 100 Continue\r\nLocation: /interim\r\n\r\n"
              "HTTP/1.1 302 Found\r\nLocation: /first\r\nLocation: /second\r\n"
              "Content-Length: 0\r\n\r\n";
    server.on("/r", r);
    server.on("/first", ok_reply("first"));
    server.on("/second", ok_reply("second"));
    server.on("/interim", ok_reply("interim"));
    opt.follow_redirects = 1;
    ASSERT_EQ(fetch("/r"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, "first");

    Reply interim_only;
    interim_only.bytes = "HTTP/1.1 100 Continue\r\nLocation: /interim\r\n\r\n"
                         "HTTP/1.1 302 Found\r\nContent-Length: 4\r\n\r\nhere";
    server.on("/i", interim_only);
    got = Collector();
    ASSERT_EQ(fetch("/i"), GREET_OK) << result.message;
    EXPECT_EQ(result.status, 302) << "no Location of its own: not a redirect to follow";
    EXPECT_EQ(got.body, "here");
}

TEST_F(Fetch, OverlongLocationIsAnError)
{
    server.on("/r", redirect_reply(302, "/" + std::string(9000, 'a')));
    opt.follow_redirects = 1;
    EXPECT_EQ(fetch("/r"), GREET_ETOOBIG);
    EXPECT_NE(std::string(result.message).find("redirect Location longer than"), std::string::npos)
        << result.message;
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(Fetch, RedirectLoopIsAnError)
{
    server.on("/x", redirect_reply(302, "/y"));
    server.on("/y", redirect_reply(302, "/x"));
    opt.follow_redirects = 1;
    EXPECT_EQ(fetch("/x"), GREET_EREDIRECT);
    EXPECT_NE(std::string(result.message).find("loop"), std::string::npos) << result.message;
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(Fetch, MoreRedirectsThanTheLimitIsAnError)
{
    for (int i = 0; i < 5; i++) {
        server.on("/r" + std::to_string(i), redirect_reply(302, "/r" + std::to_string(i + 1)));
    }
    opt.follow_redirects = 1;
    opt.max_redirects = 3;
    EXPECT_EQ(fetch("/r0"), GREET_EREDIRECT);
    EXPECT_NE(std::string(result.message).find("more than 3"), std::string::npos) << result.message;
    EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(Fetch, RedirectToHttpsIsUnsupportedWithoutTls)
{
    if (std::string(GREET_TLS_BACKEND_NAME) != "none") {
        GTEST_SKIP() << "this build has TLS (tests/tls covers https redirects)";
    }
    server.on("/s", redirect_reply(301, "https://127.0.0.1/"));
    opt.follow_redirects = 1;
    EXPECT_EQ(fetch("/s"), GREET_EUNSUPPORTED);
    EXPECT_NE(std::string(result.message).find("https is not supported"), std::string::npos)
        << result.message;
}

// ---- Other failures ----------------------------------------------------------------------------

TEST_F(Fetch, FailOnErrorStopsBeforeTheBody)
{
    server.on("/missing", [] {
        Reply r;
        r.bytes = "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\noops!";
        return r;
    }());
    opt.fail_on_error = 1;
    EXPECT_EQ(fetch("/missing"), GREET_EHTTP);
    EXPECT_EQ(result.status, 404);
    EXPECT_EQ(got.body, "");
    EXPECT_NE(std::string(result.message).find("404"), std::string::npos) << result.message;
}

TEST_F(Fetch, ErrorStatusIsAnOrdinaryResponseWithoutFail)
{
    EXPECT_EQ(fetch("/unknown"), GREET_OK) << result.message;
    EXPECT_EQ(result.status, 404);
    EXPECT_EQ(got.body, "not found\n");
}

TEST_F(Fetch, SinkErrorEndsTheFetchWithItsCode)
{
    server.on("/w", ok_reply("data"));
    got.fail_body_with = GREET_ENOSPC;
    EXPECT_EQ(fetch("/w"), GREET_ENOSPC);
}

TEST_F(Fetch, HttpsIsNotSupportedInABuildWithoutTls)
{
    if (std::string(GREET_TLS_BACKEND_NAME) != "none") {
        GTEST_SKIP() << "this build has TLS (tests/tls covers https)";
    }
    EXPECT_EQ(fetch_url("https://127.0.0.1/"), GREET_EUNSUPPORTED);
    EXPECT_EQ(std::string(result.message),
              "https is not supported in this build (built without a TLS library)");
}

TEST_F(Fetch, BadlyEncodedUserInfoIsRefused) // good user-info: fetch_auth_test.cc
{
    EXPECT_EQ(fetch_url("http://user:p%zz@127.0.0.1/"), GREET_EURL);
    EXPECT_NE(std::string(result.message), "");
}

TEST_F(Fetch, RefusedConnectionNamesTheAddress)
{
    uint16_t port;
    {
        HttpServer gone;
        port = gone.port();
    }
    EXPECT_EQ(fetch_url("http://127.0.0.1:" + std::to_string(port) + "/"), GREET_ECONNREFUSED);
    EXPECT_NE(std::string(result.message).find("connect to 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << result.message;
}

TEST_F(Fetch, UnknownHostIsAResolveError)
{
    // The resolver's answer comes from the platform seam: no DNS query leaves the machine.
    ScopedFault f(ScopedFault::fail(GP_FAULT_RESOLVE, GP_FAULT_NOHOST));
    ASSERT_TRUE(f.installed());
    int rc = fetch_url("http://no-such-host.example/");
    EXPECT_EQ(rc, GREET_ENOHOST) << greet_errname(rc);
    EXPECT_NE(std::string(result.message).find("no-such-host.example"), std::string::npos)
        << result.message;
}

// The transport keeps its failed read's OS detail, taken where the read failed, and the message
// carries it: "receive from 127.0.0.1:PORT: connection reset by peer (ECONNRESET 104: ...)".
TEST_F(Fetch, ResetWhileReceivingCarriesTheOsDetailIntoTheMessage)
{
#ifdef _WIN32
    const std::string reset = "(WSAECONNRESET 10054";
#else
    const std::string reset = "(ECONNRESET ";
#endif
    std::thread::id me = std::this_thread::get_id(); // the server in this process reads too
    ScopedFault f([me](gp_fault_call &c) {
        bool ours = c.point == GP_FAULT_RECV && std::this_thread::get_id() == me;
        return static_cast<int>(ours ? GP_FAULT_RESET : GP_FAULT_NONE);
    });
    ASSERT_TRUE(f.installed());
    int rc = fetch("/");
    EXPECT_EQ(rc, GREET_ECONNRESET) << greet_errname(rc);
    std::string message = result.message;
    std::string head = "receive from 127.0.0.1:" + std::to_string(server.port()) +
                       ": connection reset by peer " + reset;
    EXPECT_EQ(message.rfind(head, 0), 0u) << message;
}

TEST_F(Fetch, FamilyRestrictionAppliesToLiterals)
{
    server.on("/", ok_reply("v4"));
    opt.family = 6;
    EXPECT_NE(fetch("/"), GREET_OK);
    opt.family = 4;
    EXPECT_EQ(fetch("/"), GREET_OK) << result.message;
}

TEST(FetchIpv6, Ipv6LiteralWithBracketsInHost)
{
    HttpServer server(true);
    if (!server.ok()) {
        GTEST_SKIP() << "no IPv6 loopback on this machine";
    }
    server.on("/six", ok_reply("over v6"));
    greet_fetch_options opt;
    greet_fetch_options_init(&opt);
    Collector got;
    greet_fetch_sink s = got.sink();
    greet_fetch_result result;
    greet_fetch_result_init(&result);
    ASSERT_EQ(greet_fetch(server.url("/six").c_str(), &opt, &s, &result), GREET_OK)
        << result.message;
    EXPECT_EQ(got.body, "over v6");
    EXPECT_NE(server.requests().at(0).find("\r\nHost: [::1]:" + std::to_string(server.port())),
              std::string::npos);
}

// ---- Redirects to other origins and odd Locations --------------------------------------------

namespace
{

std::string field_of(const std::string &head, const std::string &name)
{
    size_t at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) {
        return "<none>";
    }
    at += name.size() + 4;
    return head.substr(at, head.find("\r\n", at) - at);
}

} // namespace

TEST_F(Fetch, CredentialsAndHostAreNotSentToAnotherOrigin)
{
    HttpServer other;
    ASSERT_TRUE(other.ok());
    server.on("/start", redirect_reply(302, "/same"));
    server.on("/same", redirect_reply(302, other.url("/elsewhere")));
    other.on("/elsewhere", ok_reply("there"));
    const char *headers[] = {"Authorization: Bearer secret", "Cookie: id=1",
                             "Proxy-Authorization: Basic eDp5", "Host: named.example",
                             "X-Kept: yes"};
    opt.headers = headers;
    opt.header_count = 5;
    opt.follow_redirects = 1;
    ASSERT_EQ(fetch("/start"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, "there");
    std::vector<std::string> here = server.requests();
    ASSERT_EQ(here.size(), 2u);
    for (const std::string &req : here) { // same origin: everything the user gave
        EXPECT_EQ(field_of(req, "Authorization"), "Bearer secret") << req;
        EXPECT_EQ(field_of(req, "Cookie"), "id=1") << req;
        EXPECT_EQ(field_of(req, "Host"), "named.example") << req;
    }
    std::string there = other.requests().at(0);
    EXPECT_EQ(field_of(there, "Authorization"), "<none>") << there;
    EXPECT_EQ(field_of(there, "Cookie"), "<none>") << there;
    EXPECT_EQ(field_of(there, "Proxy-Authorization"), "<none>") << there;
    EXPECT_EQ(field_of(there, "Host"), "127.0.0.1:" + std::to_string(other.port())) << there;
    EXPECT_EQ(field_of(there, "X-Kept"), "yes") << there;
}

TEST_F(Fetch, LocationTrustedSendsCredentialsToAnotherOrigin)
{
    HttpServer other;
    ASSERT_TRUE(other.ok());
    server.on("/start", redirect_reply(307, other.url("/elsewhere")));
    other.on("/elsewhere", ok_reply("there"));
    const char *headers[] = {"Authorization: Bearer secret", "Cookie: id=1"};
    opt.headers = headers;
    opt.header_count = 2;
    opt.follow_redirects = 1;
    opt.location_trusted = 1;
    ASSERT_EQ(fetch("/start"), GREET_OK) << result.message;
    std::string there = other.requests().at(0);
    EXPECT_EQ(field_of(there, "Authorization"), "Bearer secret") << there;
    EXPECT_EQ(field_of(there, "Cookie"), "id=1") << there;
}

TEST_F(Fetch, LocationWithRawSpaceAndNonAsciiIsPercentEncoded)
{
    server.on("/from", redirect_reply(301, "/a b/\xc3\xbc.html?q=x y"));
    server.on("/a%20b/%C3%BC.html?q=x%20y", ok_reply("encoded"));
    opt.follow_redirects = 1;
    ASSERT_EQ(fetch("/from"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, "encoded");
    EXPECT_EQ(got.urls.back(), server.url("/a%20b/%C3%BC.html?q=x%20y"));
}

// ---- Stalls ---------------------------------------------------------------------------------

TEST_F(Fetch, StalledBodyEndsAtTheSpeedLimit)
{
    Reply stall = held_reply("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npart of it");
    server.on("/stall", stall);
    opt.speed_limit = 100;
    opt.speed_time_ms = 500;
    uint64_t t0 = gp_clock_ms();
    EXPECT_EQ(fetch("/stall"), GREET_ETIMEDOUT);
    uint64_t took = gp_clock_ms() - t0;
    EXPECT_GE(took, 500u);
    EXPECT_LT(took, 5000u);
    EXPECT_NE(std::string(result.message).find("stalled"), std::string::npos) << result.message;
    EXPECT_EQ(got.body, "part of it");
}

TEST_F(Fetch, SlowButSteadyBodyPassesTheSpeedLimit)
{
    Reply slow = ok_reply(std::string(40, 'x'));
    slow.piece = 1; // one byte per write: slow for the server, fine for a limit of 1 byte/s
    server.on("/slow", slow);
    opt.speed_limit = 1;
    opt.speed_time_ms = 100;
    ASSERT_EQ(fetch("/slow"), GREET_OK) << result.message;
    EXPECT_EQ(got.body, std::string(40, 'x'));
}

TEST_F(Fetch, DefaultStallLimitIsNothingForTwoMinutes)
{
    greet_fetch_options o;
    greet_fetch_options_init(&o);
    EXPECT_EQ(o.speed_limit, 1);
    EXPECT_EQ(o.speed_time_ms, 120000);
}

// ---- A resolver that takes its time is abandoned, not waited for -----------------------------

namespace
{

// Holds every lookup for hold_ms inside the resolver (as a DNS server that does not answer would),
// then lets it through.
ScopedFault::Hook slow_resolver(int hold_ms)
{
    return [hold_ms](gp_fault_call &c) {
        if (c.point == GP_FAULT_RESOLVE) {
            std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
        }
        return static_cast<int>(GP_FAULT_NONE);
    };
}

int cancel_after_200ms(void *ctx, const greet_fetch_progress *)
{
    uint64_t start = *static_cast<uint64_t *>(ctx);
    return gp_clock_ms() - start >= 200 ? GREET_ECANCELED : GREET_OK;
}

} // namespace

TEST_F(Fetch, CancelAbandonsASlowResolver)
{
    ScopedFault slow(slow_resolver(1500));
    ASSERT_TRUE(slow.installed());
    uint64_t start = gp_clock_ms();
    greet_fetch_sink s;
    greet_fetch_sink_init(&s);
    s.ctx = &start;
    s.on_progress = cancel_after_200ms;
    int rc = greet_fetch("http://localhost:1/", &opt, &s, &result);
    uint64_t took = gp_clock_ms() - start;
    EXPECT_EQ(rc, GREET_ECANCELED) << result.message;
    EXPECT_GE(took, 200u);
    EXPECT_LT(took, 1000u) << "the lookup was waited for";
    EXPECT_NE(std::string(result.message).find("resolve localhost"), std::string::npos)
        << result.message;
}

TEST_F(Fetch, MaxTimeBoundsASlowResolver)
{
    ScopedFault slow(slow_resolver(1500));
    ASSERT_TRUE(slow.installed());
    opt.max_time_ms = 300;
    uint64_t start = gp_clock_ms();
    EXPECT_EQ(fetch_url("http://localhost:1/"), GREET_ETIMEDOUT) << result.message;
    EXPECT_LT(gp_clock_ms() - start, 1000u);
}

// Happy eyeballs (connect.c): a name whose first address hangs is fetched from its second one
// after the connection attempt delay, not after the connect timeout. The name's addresses come
// from the platform seam, so no resolver is asked.
TEST_F(Fetch, ANameWhoseFirstAddressHangsIsFetchedFromTheNextOne)
{
    greet_test::FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    gp_addr live{};
    size_t n = 0;
    ASSERT_EQ(gp_resolve("127.0.0.1", server.port(), GP_AF_INET4, 0, &live, 1, &n), GREET_OK);
    ScopedFault f(ScopedFault::answer("dead-first.example", {dead.addr, live}));
    ASSERT_TRUE(f.installed());
    server.on("/", ok_reply("raced"));
    opt.connect_timeout_ms = 10000;
    uint64_t start = gp_clock_ms();
    ASSERT_EQ(fetch_url("http://dead-first.example:" + std::to_string(server.port()) + "/"),
              GREET_OK)
        << result.message;
    EXPECT_EQ(got.body, "raced");
    EXPECT_LT(gp_clock_ms() - start, 2000u) << "the dead address held the connect";
}

TEST_F(Fetch, ANameWhoseAddressesAllFailIsNamedWithTheLastCause)
{
    uint16_t a, b;
    {
        HttpServer gone1, gone2;
        a = gone1.port();
        b = gone2.port();
    }
    gp_addr first{}, second{};
    size_t n = 0;
    ASSERT_EQ(gp_resolve("127.0.0.1", a, GP_AF_INET4, 0, &first, 1, &n), GREET_OK);
    ASSERT_EQ(gp_resolve("127.0.0.1", b, GP_AF_INET4, 0, &second, 1, &n), GREET_OK);
    ScopedFault f(ScopedFault::answer("all-dead.example", {first, second}));
    ASSERT_TRUE(f.installed());
    EXPECT_EQ(fetch_url("http://all-dead.example/"), GREET_ECONNREFUSED) << result.message;
    std::string msg = result.message;
    EXPECT_NE(msg.find("connect to all-dead.example (127.0.0.1:" + std::to_string(b) +
                       ", last of 2 addresses): connection refused"),
              std::string::npos)
        << msg;
}

TEST_F(Fetch, CancelStopsARaceOfHangingAddresses)
{
    greet_test::FullListener dead;
    if (!dead.full) {
        GTEST_SKIP() << "connects to a full accept queue do not stall on this system";
    }
    ScopedFault f(ScopedFault::answer("hangs.example", {dead.addr, dead.addr}));
    ASSERT_TRUE(f.installed());
    uint64_t start = gp_clock_ms();
    greet_fetch_sink s;
    greet_fetch_sink_init(&s);
    s.ctx = &start;
    s.on_progress = cancel_after_200ms;
    int rc = greet_fetch("http://hangs.example/", &opt, &s, &result);
    EXPECT_EQ(rc, GREET_ECANCELED) << result.message;
    EXPECT_LT(gp_clock_ms() - start, 1000u) << "the connects were waited for";
}
