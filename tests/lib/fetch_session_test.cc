// greet_fetch_session: kept connections between fetches, proven by the server's count of accepted
// connections, and every reason a connection must not be kept (Connection: close, HTTP/1.0, a body
// that ends at the close, a server that closes while the connection is idle).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "fetch_int.h"
#include "greet/fetch.h"
#include "support/http_server.h"

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::raw_reply;
using greet_test::redirect_reply;
using greet_test::Reply;

namespace
{

struct Body {
    std::string text;
    std::vector<std::string> info;
    static int on_body(void *ctx, const void *data, size_t len)
    {
        static_cast<Body *>(ctx)->text.append(static_cast<const char *>(data), len);
        return GREET_OK;
    }
    static void on_info(void *ctx, const char *text)
    {
        static_cast<Body *>(ctx)->info.emplace_back(text);
    }
};

class FetchSession : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        server.set_keep_alive(true);
        ASSERT_EQ(greet_fetch_session_new(&session), GREET_OK);
        greet_fetch_options_init(&opt);
        opt.max_time_ms = 20000; // no test may hang the suite
    }
    void TearDown() override
    {
        greet_fetch_session_free(session);
    }
    // Fetches target through the session; returns the code, the body in body.
    int get(const std::string &target, std::string *body = nullptr)
    {
        Body b;
        greet_fetch_sink sink;
        greet_fetch_sink_init(&sink);
        sink.ctx = &b;
        sink.on_body = Body::on_body;
        sink.on_info = Body::on_info;
        greet_fetch_result_init(&result);
        int rc = greet_fetch_with(session, server.url(target).c_str(), &opt, &sink, &result);
        if (body) {
            *body = b.text;
        }
        info = b.info;
        return rc;
    }

    HttpServer server;
    greet_fetch_session *session = nullptr;
    greet_fetch_options opt;
    greet_fetch_result result;
    std::vector<std::string> info;
};

TEST_F(FetchSession, ManyRequestsOneConnection)
{
    server.on("/a", ok_reply("alpha"));
    server.on("/b", ok_reply("bravo"));
    std::string body;
    for (int i = 0; i < 5; i++) {
        ASSERT_EQ(get(i % 2 ? "/b" : "/a", &body), GREET_OK) << result.message;
        EXPECT_EQ(body, i % 2 ? "bravo" : "alpha");
        EXPECT_EQ(result.connects, i == 0 ? 1 : 0);
    }
    EXPECT_EQ(server.accepted(), 1);
    // The request no longer says "Connection: close".
    for (const auto &head : server.requests()) {
        EXPECT_EQ(head.find("Connection:"), std::string::npos) << head;
    }
}

TEST_F(FetchSession, WithoutASessionEachFetchHasItsOwnConnection)
{
    server.on("/a", ok_reply("alpha"));
    greet_fetch_result_init(&result);
    ASSERT_EQ(greet_fetch(server.url("/a").c_str(), &opt, nullptr, &result), GREET_OK);
    ASSERT_EQ(greet_fetch(server.url("/a").c_str(), &opt, nullptr, &result), GREET_OK);
    EXPECT_EQ(result.connects, 1);
    EXPECT_EQ(server.accepted(), 2);
    EXPECT_NE(server.requests()[0].find("Connection: close\r\n"), std::string::npos);
}

TEST_F(FetchSession, ConnectionCloseEndsReuse)
{
    server.on("/a", ok_reply("alpha", "Connection: close\r\n"));
    ASSERT_EQ(get("/a"), GREET_OK);
    ASSERT_EQ(get("/a"), GREET_OK);
    EXPECT_EQ(server.accepted(), 2);
    EXPECT_EQ(result.connects, 1);
}

TEST_F(FetchSession, ConnectionCloseAmongOtherTokens)
{
    server.on("/a", ok_reply("alpha", "Connection: Upgrade, CLOSE\r\n"));
    ASSERT_EQ(get("/a"), GREET_OK);
    ASSERT_EQ(get("/a"), GREET_OK);
    EXPECT_EQ(server.accepted(), 2);
}

TEST_F(FetchSession, Http10ClosesUnlessKeepAlive)
{
    server.on("/old", raw_reply("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    server.on(
        "/ka",
        raw_reply("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"));
    ASSERT_EQ(get("/old"), GREET_OK);
    ASSERT_EQ(get("/old"), GREET_OK);
    EXPECT_EQ(server.accepted(), 2);
    ASSERT_EQ(get("/ka"), GREET_OK);
    ASSERT_EQ(get("/ka"), GREET_OK);
    EXPECT_EQ(server.accepted(), 3);
}

TEST_F(FetchSession, BodyEndingAtCloseEndsReuse)
{
    Reply r = raw_reply("HTTP/1.1 200 OK\r\n\r\nuntil the end");
    r.close = true;
    server.on("/c", r);
    std::string body;
    ASSERT_EQ(get("/c", &body), GREET_OK) << result.message;
    EXPECT_EQ(body, "until the end");
    ASSERT_EQ(get("/c", &body), GREET_OK) << result.message;
    EXPECT_EQ(server.accepted(), 2);
    EXPECT_EQ(result.connects, 1);
}

TEST_F(FetchSession, ChunkedBodyKeepsTheConnection)
{
    server.on("/ch", raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "3\r\nabc\r\n0\r\n\r\n"));
    std::string body;
    ASSERT_EQ(get("/ch", &body), GREET_OK);
    ASSERT_EQ(get("/ch", &body), GREET_OK);
    EXPECT_EQ(body, "abc");
    EXPECT_EQ(server.accepted(), 1);
}

// The server closes a kept connection without a word after each response (as one whose idle
// timeout is shorter than the client's wait): the next request finds it closed before any
// response byte and is sent once more on a new connection, and the fetch succeeds.
TEST_F(FetchSession, ServerClosedIdleConnectionIsRetriedOnce)
{
    Reply r = ok_reply("fresh");
    r.close = true; // says nothing about it
    server.on("/a", r);
    std::string body;
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(get("/a", &body), GREET_OK) << i << ": " << result.message;
        EXPECT_EQ(body, "fresh");
    }
    EXPECT_EQ(server.accepted(), 3);
    EXPECT_EQ(server.requests().size(), 3u);
    bool told = false;
    for (const auto &line : info) {
        told |= line.find("closed the kept connection") != std::string::npos;
    }
    EXPECT_TRUE(told);
}

// A failure after a response byte is not retried: the request may have had an effect.
TEST_F(FetchSession, CutShortResponseOnAKeptConnectionIsNotRetried)
{
    Reply cut = raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    cut.close = true;
    server.on("/a", std::vector<Reply>{ok_reply("first"), cut, ok_reply("third")});
    ASSERT_EQ(get("/a"), GREET_OK);
    EXPECT_EQ(get("/a"), GREET_ECLOSED);
    EXPECT_EQ(server.requests().size(), 2u);
    ASSERT_EQ(get("/a"), GREET_OK) << result.message;
    EXPECT_EQ(server.accepted(), 2);
}

TEST_F(FetchSession, RequestAskingToCloseIsNotKept)
{
    const char *fields[] = {"Connection: close"};
    opt.headers = fields;
    opt.header_count = 1;
    server.on("/a", ok_reply("alpha"));
    ASSERT_EQ(get("/a"), GREET_OK);
    ASSERT_EQ(get("/a"), GREET_OK);
    EXPECT_EQ(server.accepted(), 2);
}

TEST_F(FetchSession, SmallRedirectBodyIsReadAndTheConnectionKept)
{
    opt.follow_redirects = 1;
    server.on("/old", redirect_reply(301, "/new"));
    server.on("/new", ok_reply("here"));
    std::string body;
    ASSERT_EQ(get("/old", &body), GREET_OK) << result.message;
    EXPECT_EQ(body, "here"); // the redirect's own body is not delivered
    EXPECT_EQ(result.redirects, 1);
    EXPECT_EQ(server.accepted(), 1);
}

TEST_F(FetchSession, ExtraBytesAfterTheResponseEndReuse)
{
    server.on("/a", raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n"));
    ASSERT_EQ(get("/a"), GREET_OK);
    ASSERT_EQ(get("/a"), GREET_OK);
    EXPECT_EQ(server.accepted(), 2);
}

TEST_F(FetchSession, OtherOriginsGetTheirOwnConnections)
{
    HttpServer other;
    ASSERT_TRUE(other.ok());
    other.set_keep_alive(true);
    server.on("/a", ok_reply("one"));
    other.on("/a", ok_reply("two"));
    Body b;
    greet_fetch_sink sink;
    greet_fetch_sink_init(&sink);
    sink.ctx = &b;
    sink.on_body = Body::on_body;
    for (int i = 0; i < 4; i++) {
        greet_fetch_result_init(&result);
        const std::string url = (i % 2 ? other : server).url("/a");
        ASSERT_EQ(greet_fetch_with(session, url.c_str(), &opt, &sink, &result), GREET_OK);
    }
    EXPECT_EQ(b.text, "onetwoonetwo");
    EXPECT_EQ(server.accepted(), 1);
    EXPECT_EQ(other.accepted(), 1);
}

// Threads fetching through one session at once: each connection serves one of them at a time,
// and no more connections are made than threads.
TEST_F(FetchSession, SharedByThreads)
{
    server.set_concurrent(true);
    Reply r = ok_reply("parallel");
    r.delay_ms = 5;
    server.on("/p", r);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10; i++) {
                Body b;
                greet_fetch_sink sink;
                greet_fetch_sink_init(&sink);
                sink.ctx = &b;
                sink.on_body = Body::on_body;
                greet_fetch_result res;
                greet_fetch_result_init(&res);
                if (greet_fetch_with(session, server.url("/p").c_str(), &opt, &sink, &res) !=
                        GREET_OK ||
                    b.text != "parallel") {
                    failures++;
                }
            }
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    EXPECT_EQ(failures, 0);
    EXPECT_LE(server.accepted(), 4);
    EXPECT_EQ(server.requests().size(), 40u);
}

// The key a kept connection is filed under tells apart every way to an origin: direct, and
// through each proxy with its credentials. A key that does not fit (a CA file's path of thousands
// of bytes) must be refused rather than cut, since a cut key loses the proxy at its end and would
// let one way take another's connection.
TEST(FetchSessionKey, EachProxyAndNoneHaveTheirOwnKeyOrNone)
{
    greet_url *url = nullptr;
    ASSERT_EQ(greet_url_new(&url), GREET_OK);
    ASSERT_EQ(greet_url_parse("https://Origin.TEST:8443/", url), GREET_OK);
    gi_proxy a, b, login;
    const char *why = "";
    ASSERT_EQ(gi_proxy_parse("socks5h://127.0.0.1:1080", nullptr, nullptr, &a, &why), GREET_OK);
    ASSERT_EQ(gi_proxy_parse("socks5h://127.0.0.1:1081", nullptr, nullptr, &b, &why), GREET_OK);
    ASSERT_EQ(gi_proxy_parse("socks5h://joe:x@127.0.0.1:1080", nullptr, nullptr, &login, &why),
              GREET_OK);
    const gi_proxy *ways[] = {nullptr, &a, &b, &login};
    greet_fetch_options opt;
    greet_fetch_options_init(&opt);
    int refused = 0;
    for (size_t len = 0; len < GI_SESSION_KEY_MAX; len += len < 2900 ? 725 : 1) {
        std::string ca(len, 'c');
        opt.ca_file = ca.c_str();
        std::vector<std::string> keys;
        for (const gi_proxy *way : ways) {
            std::vector<char> key(GI_SESSION_KEY_MAX);
            if (gi_session_key(url, &opt, way, key.data(), key.size()) == GREET_OK) {
                keys.emplace_back(key.data());
            } else {
                refused++;
            }
        }
        for (size_t i = 0; i < keys.size(); i++) {
            for (size_t j = i + 1; j < keys.size(); j++) {
                ASSERT_NE(keys[i], keys[j]) << "with a CA path of " << len << " bytes";
            }
        }
    }
    EXPECT_GT(refused, 0); // the longest paths do not fit
    // The host's case is not part of it.
    std::vector<char> upper(GI_SESSION_KEY_MAX), lower(GI_SESSION_KEY_MAX);
    opt.ca_file = nullptr;
    ASSERT_EQ(gi_session_key(url, &opt, &a, upper.data(), upper.size()), GREET_OK);
    ASSERT_EQ(greet_url_parse("https://origin.test:8443/", url), GREET_OK);
    ASSERT_EQ(gi_session_key(url, &opt, &a, lower.data(), lower.size()), GREET_OK);
    EXPECT_STREQ(upper.data(), lower.data());
    greet_url_free(url);
}

TEST(FetchSessionApi, NullArguments)
{
    EXPECT_EQ(greet_fetch_session_new(nullptr), GREET_EINVAL);
    greet_fetch_session_free(nullptr);
}

} // namespace
