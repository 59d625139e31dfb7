// Credentials and http proxies in the fetch engine, against the scripted server (as origin and
// as a forward proxy that records the absolute-form request) and the CONNECT test proxy; the
// connections kept to a forward proxy in a session (one per origin and proxy, counted at it).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "greet/fetch.h"
#include "support/http_server.h"
#include "support/tunnel_proxy.h"

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::raw_reply;
using greet_test::redirect_reply;
using greet_test::TunnelProxy;

namespace
{

const char kAladdin[] = "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"; // RFC 7617

struct Seen {
    std::vector<std::string> urls;
    std::string requests;
    std::string info;
    static int on_response(void *ctx, const greet_fetch_response *r)
    {
        static_cast<Seen *>(ctx)->urls.emplace_back(r->url);
        return GREET_OK;
    }
    static void on_request(void *ctx, const char *head, size_t len)
    {
        static_cast<Seen *>(ctx)->requests.append(head, len);
    }
    static void on_info(void *ctx, const char *text)
    {
        static_cast<Seen *>(ctx)->info.append(text).append("\n");
    }
};

class FetchAuth : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        greet_fetch_options_init(&opt);
        greet_fetch_result_init(&result);
        opt.max_time_ms = 20000;
    }
    void TearDown() override
    {
        greet_fetch_session_free(session);
    }
    // In the session when there is one.
    int fetch(const std::string &url)
    {
        greet_fetch_sink s;
        greet_fetch_sink_init(&s);
        s.ctx = &seen;
        s.on_response = Seen::on_response;
        s.on_request = Seen::on_request;
        s.on_info = Seen::on_info;
        return greet_fetch_with(session, url.c_str(), &opt, &s, &result);
    }
    // The URL of server with user-info: "http://USERINFO@127.0.0.1:PORT/target".
    std::string with_userinfo(const std::string &userinfo, const std::string &target)
    {
        return "http://" + userinfo + "@127.0.0.1:" + std::to_string(server.port()) + target;
    }

    HttpServer server;
    greet_fetch_options opt;
    greet_fetch_result result;
    Seen seen;
    greet_fetch_session *session = nullptr;
};

bool has(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_F(FetchAuth, UserAndPasswordSendBasicAuthorization)
{
    server.on("/p", ok_reply("x"));
    opt.user = "Aladdin";
    opt.password = "open sesame";
    ASSERT_EQ(fetch(server.url("/p")), GREET_OK) << result.message;
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_TRUE(has(server.requests()[0], kAladdin)) << server.requests()[0];
}

TEST_F(FetchAuth, UrlUserinfoIsDecodedSentAndNeverShown)
{
    server.on("/p", ok_reply("x"));
    ASSERT_EQ(fetch(with_userinfo("Aladdin:open%20sesame", "/p")), GREET_OK) << result.message;
    EXPECT_TRUE(has(server.requests()[0], kAladdin)) << server.requests()[0];
    ASSERT_EQ(seen.urls.size(), 1u);
    EXPECT_EQ(seen.urls[0], server.url("/p")); // the URL reported has no user-info
    EXPECT_FALSE(has(server.requests()[0], "sesame"));
}

TEST_F(FetchAuth, ErrorMessagesDoNotShowUserinfo)
{
    EXPECT_EQ(fetch("http://joe:secret@[::1/"), GREET_EURL);
    EXPECT_FALSE(has(result.message, "secret")) << result.message;
    EXPECT_EQ(fetch("http://joe:bad%zz@127.0.0.1/"), GREET_EURL);
    EXPECT_FALSE(has(result.message, "bad%zz")) << result.message;
}

TEST_F(FetchAuth, TheCallersAuthorizationFieldWins)
{
    server.on("/p", ok_reply("x"));
    const char *fields[] = {"Authorization: Bearer t0k"};
    opt.headers = fields;
    opt.header_count = 1;
    opt.user = "Aladdin";
    ASSERT_EQ(fetch(server.url("/p")), GREET_OK) << result.message;
    EXPECT_TRUE(has(server.requests()[0], "Authorization: Bearer t0k\r\n"));
    EXPECT_FALSE(has(server.requests()[0], "Basic"));
}

TEST_F(FetchAuth, RedirectToAnotherOriginDropsCredentials)
{
    HttpServer other;
    ASSERT_TRUE(other.ok());
    other.on("/end", ok_reply("there"));
    server.on("/same", ok_reply("here"));
    server.on("/start", std::vector<greet_test::Reply>{redirect_reply(302, "/same"),
                                                       redirect_reply(302, other.url("/end"))});
    opt.follow_redirects = 1;
    std::string url = with_userinfo("Aladdin:open%20sesame", "/start");
    ASSERT_EQ(fetch(url), GREET_OK) << result.message; // same origin: kept
    ASSERT_EQ(server.requests().size(), 2u);
    EXPECT_TRUE(has(server.requests()[1], kAladdin));
    ASSERT_EQ(fetch(url), GREET_OK) << result.message; // another port: dropped
    ASSERT_EQ(other.requests().size(), 1u);
    EXPECT_FALSE(has(other.requests()[0], "Authorization")) << other.requests()[0];
    EXPECT_TRUE(has(seen.info, "not sending credentials"));
}

TEST_F(FetchAuth, LocationTrustedSendsCredentialsEverywhere)
{
    HttpServer other;
    ASSERT_TRUE(other.ok());
    other.on("/end", ok_reply("there"));
    server.on("/start", redirect_reply(302, other.url("/end")));
    opt.follow_redirects = 1;
    opt.location_trusted = 1;
    opt.user = "Aladdin";
    opt.password = "open sesame";
    ASSERT_EQ(fetch(server.url("/start")), GREET_OK) << result.message;
    ASSERT_EQ(other.requests().size(), 1u);
    EXPECT_TRUE(has(other.requests()[0], kAladdin));
}

// The scripted server as a forward proxy: it is asked for the absolute URL.
TEST_F(FetchAuth, HttpThroughAProxyUsesTheAbsoluteForm)
{
    server.on("http://origin.test/x?q", ok_reply("via proxy"));
    std::string proxy = "http://Aladdin:open%20sesame@127.0.0.1:" + std::to_string(server.port());
    opt.proxy = proxy.c_str();
    ASSERT_EQ(fetch("http://origin.test/x?q#frag"), GREET_OK) << result.message;
    ASSERT_EQ(server.requests().size(), 1u);
    const std::string req = server.requests()[0];
    EXPECT_EQ(req.rfind("GET http://origin.test/x?q HTTP/1.1\r\n", 0), 0u) << req;
    EXPECT_TRUE(has(req, "\r\nHost: origin.test\r\n"));
    EXPECT_TRUE(has(req, "\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
    EXPECT_EQ(result.status, 200);
}

TEST_F(FetchAuth, ProxyUserWinsOverTheProxyUserinfo)
{
    server.on("http://origin.test/", ok_reply("x"));
    std::string proxy = "u:p@127.0.0.1:" + std::to_string(server.port());
    opt.proxy = proxy.c_str();
    opt.proxy_user = "Aladdin";
    opt.proxy_password = "open sesame";
    ASSERT_EQ(fetch("http://origin.test/"), GREET_OK) << result.message;
    EXPECT_TRUE(
        has(server.requests()[0], "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
}

TEST_F(FetchAuth, ProxyAnswering407IsAnErrorNamingTheProxy)
{
    server.on("http://origin.test/", raw_reply("HTTP/1.1 407 Proxy Authentication Required\r\n"
                                               "Content-Length: 0\r\n\r\n"));
    std::string proxy = "127.0.0.1:" + std::to_string(server.port());
    opt.proxy = proxy.c_str();
    EXPECT_EQ(fetch("http://origin.test/"), GREET_EHTTP);
    EXPECT_TRUE(has(result.message, "proxy " + proxy)) << result.message;
    EXPECT_TRUE(has(result.message, "407")) << result.message;
}

TEST_F(FetchAuth, AProxyThatRefusesIsNamed)
{
    uint16_t dead;
    {
        HttpServer gone;
        dead = gone.port();
    }
    std::string proxy = "127.0.0.1:" + std::to_string(dead);
    opt.proxy = proxy.c_str();
    EXPECT_EQ(fetch("http://origin.test/"), GREET_ECONNREFUSED);
    EXPECT_TRUE(has(result.message, "connect to proxy 127.0.0.1:" + std::to_string(dead)))
        << result.message;
    EXPECT_FALSE(has(result.message, "origin.test")) << result.message;
}

TEST_F(FetchAuth, NoproxyGoesDirect)
{
    server.on("/p", ok_reply("direct"));
    opt.proxy = "127.0.0.1:1"; // never used
    opt.noproxy = "localhost, 127.0.0.1";
    ASSERT_EQ(fetch(server.url("/p")), GREET_OK) << result.message;
    EXPECT_EQ(server.requests()[0].rfind("GET /p HTTP/1.1", 0), 0u);
}

TEST_F(FetchAuth, RedirectsChooseTheProxyAgain)
{
    HttpServer proxy;
    ASSERT_TRUE(proxy.ok());
    proxy.on("http://origin.test/start", redirect_reply(302, server.url("/end")));
    server.on("/end", ok_reply("direct"));
    std::string p = "127.0.0.1:" + std::to_string(proxy.port());
    opt.proxy = p.c_str();
    opt.noproxy = "127.0.0.1";
    opt.follow_redirects = 1;
    ASSERT_EQ(fetch("http://origin.test/start"), GREET_OK) << result.message;
    EXPECT_EQ(proxy.requests().size(), 1u);
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].rfind("GET /end HTTP/1.1", 0), 0u);
}

// A session keeps the connection to a forward proxy per origin, as it does a direct one; another
// proxy, or other proxy credentials, never take it.
TEST_F(FetchAuth, KeptConnectionsToAProxyServeOneOriginAndOneProxy)
{
    ASSERT_EQ(greet_fetch_session_new(&session), GREET_OK);
    server.set_keep_alive(true);
    server.set_concurrent(true);
    server.on("http://origin.test/a", ok_reply("a"));
    server.on("http://origin.test/b", ok_reply("b"));
    server.on("http://other.test/a", ok_reply("other"));
    HttpServer second;
    ASSERT_TRUE(second.ok());
    second.set_keep_alive(true);
    second.on("http://origin.test/a", ok_reply("second"));
    const std::string p = "127.0.0.1:" + std::to_string(server.port());
    const std::string p_joe = "joe:x@" + p;
    const std::string p2 = "127.0.0.1:" + std::to_string(second.port());
    const std::vector<std::pair<std::string, std::string>> steps = {
        {p, "http://origin.test/a"},  {p, "http://origin.test/b"}, {p, "http://other.test/a"},
        {p2, "http://origin.test/a"}, {p, "http://origin.test/a"}, {p_joe, "http://origin.test/a"},
        {p2, "http://origin.test/a"}, {p, "http://other.test/a"},  {p_joe, "http://origin.test/b"}};
    for (const auto &step : steps) {
        opt.proxy = step.first.c_str();
        ASSERT_EQ(fetch(step.second), GREET_OK)
            << step.first << " " << step.second << ": " << result.message;
    }
    // origin.test, other.test and origin.test as joe at the first; origin.test at the second.
    EXPECT_EQ(server.accepted(), 3);
    EXPECT_EQ(second.accepted(), 1);
    ASSERT_EQ(server.requests().size(), 7u);
    EXPECT_EQ(server.requests()[6].rfind("GET http://origin.test/b HTTP/1.1\r\n", 0), 0u);
    EXPECT_TRUE(has(server.requests()[6], "\r\nProxy-Authorization: Basic am9lOng=\r\n"));
    EXPECT_FALSE(has(server.requests()[3], "Proxy-Authorization")) << server.requests()[3];
}

TEST_F(FetchAuth, RedirectThroughAProxyToAnotherOriginAsksTheProxyForIt)
{
    ASSERT_EQ(greet_fetch_session_new(&session), GREET_OK);
    server.set_keep_alive(true);
    server.set_concurrent(true);
    server.on("http://origin.test/old", redirect_reply(302, "http://other.test/new"));
    server.on("http://other.test/new", ok_reply("new"));
    const std::string p = "127.0.0.1:" + std::to_string(server.port());
    opt.proxy = p.c_str();
    opt.follow_redirects = 1;
    for (int i = 0; i < 2; i++) {
        ASSERT_EQ(fetch("http://origin.test/old"), GREET_OK) << result.message;
        EXPECT_EQ(result.redirects, 1);
    }
    ASSERT_EQ(server.requests().size(), 4u);
    EXPECT_EQ(server.requests()[1].rfind("GET http://other.test/new HTTP/1.1\r\n", 0), 0u);
    EXPECT_TRUE(has(server.requests()[1], "\r\nHost: other.test\r\n")) << server.requests()[1];
    EXPECT_EQ(server.accepted(), 2); // one kept connection per origin, taken again the second time
}

TEST_F(FetchAuth, BadProxySettingIsRefusedWithoutShowingItsPassword)
{
    opt.proxy = "socks4://joe:secret@127.0.0.1:1080";
    EXPECT_EQ(fetch(server.url("/")), GREET_EUNSUPPORTED);
    EXPECT_TRUE(has(result.message, "greet speaks http://, socks5://")) << result.message;
    EXPECT_FALSE(has(result.message, "secret")) << result.message;
}
