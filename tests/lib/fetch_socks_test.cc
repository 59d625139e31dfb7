// SOCKS proxies in the fetch engine, against the SOCKS test proxy (which splices to the scripted
// HTTP server on loopback): what the proxy is sent (a name or an address, the login), the
// request inside the tunnel, each refusal's message and code, proxies that break off or say
// nothing, kept tunnels in a session (one per origin and proxy, counted at the proxy and the
// server) and redirects, which choose the proxy again for every hop.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "greet/fetch.h"
#include "support/fault.h"
#include "support/http_server.h"
#include "support/socks_proxy.h"

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::redirect_reply;
using greet_test::SocksProxy;

namespace
{

class FetchSocks : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        ASSERT_TRUE(proxy.ok());
        greet_fetch_options_init(&opt);
        greet_fetch_result_init(&result);
        opt.max_time_ms = 20000;
        server.on("/x", ok_reply("through socks"));
    }
    void TearDown() override
    {
        greet_fetch_session_free(session);
    }
    static int on_body(void *ctx, const void *data, size_t len)
    {
        static_cast<FetchSocks *>(ctx)->body.append(static_cast<const char *>(data), len);
        return GREET_OK;
    }
    static void on_info(void *ctx, const char *text)
    {
        static_cast<FetchSocks *>(ctx)->info.append(text).append("\n");
    }
    // Fetches url through the proxy as setting (e.g. proxy.url("socks5h")), in the session when
    // there is one.
    int fetch(const std::string &setting, const std::string &url)
    {
        greet_fetch_sink s;
        greet_fetch_sink_init(&s);
        s.ctx = this;
        s.on_body = on_body;
        s.on_info = on_info;
        proxy_setting = setting;
        opt.proxy = proxy_setting.c_str();
        body.clear();
        info.clear();
        greet_fetch_result_init(&result);
        return greet_fetch_with(session, url.c_str(), &opt, &s, &result);
    }
    // Keeps connections from here on, as greet fetch does with several URLs.
    void keep_connections()
    {
        ASSERT_EQ(greet_fetch_session_new(&session), GREET_OK);
    }
    // A URL of the server under another name (which the proxy takes as 127.0.0.1).
    std::string named(const std::string &host, const std::string &target = "/x") const
    {
        return "http://" + host + ":" + std::to_string(server.port()) + target;
    }
    std::string proxy_name() const
    {
        return "proxy 127.0.0.1:" + std::to_string(proxy.port());
    }

    HttpServer server;
    SocksProxy proxy;
    greet_fetch_session *session = nullptr;
    std::string proxy_setting, body, info;
    greet_fetch_options opt;
    greet_fetch_result result;
};

bool has(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

// The hosts the proxy was asked for, in order.
std::vector<std::string> asked_for(SocksProxy &proxy)
{
    std::vector<std::string> hosts;
    for (const SocksProxy::Request &r : proxy.requests()) {
        hosts.push_back(r.host);
    }
    return hosts;
}

} // namespace

TEST_F(FetchSocks, Socks5hSendsTheNameAndTheRequestGoesInside)
{
    ASSERT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_OK) << result.message;
    EXPECT_EQ(body, "through socks");
    ASSERT_EQ(proxy.requests().size(), 1u);
    SocksProxy::Request r = proxy.requests()[0];
    EXPECT_EQ(r.version, 5);
    EXPECT_EQ(r.methods, std::vector<unsigned char>{0}); // no credentials: "none" alone
    EXPECT_EQ(r.atyp, 3);
    EXPECT_EQ(r.host, "origin.test");
    EXPECT_EQ(r.port, server.port());
    // The origin gets the request in origin form, without proxy fields.
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].rfind("GET /x HTTP/1.1\r\n", 0), 0u) << server.requests()[0];
    EXPECT_FALSE(has(server.requests()[0], "Proxy-Authorization"));
    EXPECT_TRUE(has(info, "SOCKS5 tunnel to origin.test:" + std::to_string(server.port()) +
                              " through " + proxy_name()))
        << info;
}

TEST_F(FetchSocks, Socks5SendsTheAddressGreetResolved)
{
    // A made-up name that the fault seam answers with 127.0.0.1: no resolver is asked, and the
    // proxy must get the address, not the name.
    gp_addr loopback;
    size_t n = 0;
    ASSERT_EQ(gp_resolve("127.0.0.1", server.port(), GP_AF_INET4, 0, &loopback, 1, &n), GREET_OK);
    ScopedFault f(ScopedFault::answer("socks-origin.test", {loopback}));
    ASSERT_EQ(fetch(proxy.url("socks5"), named("socks-origin.test")), GREET_OK) << result.message;
    EXPECT_EQ(body, "through socks");
    ASSERT_EQ(proxy.requests().size(), 1u);
    EXPECT_EQ(proxy.requests()[0].atyp, 1);
    EXPECT_EQ(proxy.requests()[0].host, "127.0.0.1");
    EXPECT_EQ(proxy.requests()[0].port, server.port());
    EXPECT_TRUE(has(info, "asking for socks-origin.test as 127.0.0.1")) << info;
}

TEST_F(FetchSocks, Socks5SendsLocalhostAsAnAddress)
{
    opt.family = GREET_FAMILY_IPV4; // the server listens on 127.0.0.1 only
    ASSERT_EQ(fetch(proxy.url("socks5"), named("localhost")), GREET_OK) << result.message;
    ASSERT_EQ(proxy.requests().size(), 1u);
    EXPECT_EQ(proxy.requests()[0].atyp, 1);
    EXPECT_EQ(proxy.requests()[0].host, "127.0.0.1");
}

TEST_F(FetchSocks, Socks5hSendsAnIpLiteralAsAnAddress)
{
    ASSERT_EQ(fetch(proxy.url("socks5h"), server.url("/x")), GREET_OK) << result.message;
    ASSERT_EQ(proxy.requests().size(), 1u);
    EXPECT_EQ(proxy.requests()[0].atyp, 1);
    EXPECT_EQ(proxy.requests()[0].host, "127.0.0.1");
}

TEST_F(FetchSocks, AnIpv6LiteralGoesAsAnIpv6Address)
{
    HttpServer v6(true);
    if (!v6.ok()) {
        GTEST_SKIP() << "no IPv6 loopback here";
    }
    v6.on("/x", ok_reply("over ipv6"));
    ASSERT_EQ(fetch(proxy.url("socks5h"), v6.url("/x")), GREET_OK) << result.message;
    EXPECT_EQ(body, "over ipv6");
    ASSERT_EQ(proxy.requests().size(), 1u);
    EXPECT_EQ(proxy.requests()[0].atyp, 4);
    EXPECT_EQ(proxy.requests()[0].host, "0:0:0:0:0:0:0:1");
}

TEST_F(FetchSocks, LoginFromTheUserinfo)
{
    proxy.require_login("Aladdin", "open sesame");
    ASSERT_EQ(fetch(proxy.url("socks5h", "Aladdin:open%20sesame"), named("origin.test")), GREET_OK)
        << result.message;
    EXPECT_EQ(body, "through socks");
    SocksProxy::Request r = proxy.requests()[0];
    EXPECT_EQ(r.methods, (std::vector<unsigned char>{0, 2})); // none, user name and password
    EXPECT_TRUE(r.login);
    EXPECT_EQ(r.user, "Aladdin");
    EXPECT_EQ(r.password, "open sesame");
}

TEST_F(FetchSocks, LoginFromTheProxyUserOption)
{
    proxy.require_login("Aladdin", "open sesame");
    opt.proxy_user = "Aladdin";
    opt.proxy_password = "open sesame";
    ASSERT_EQ(fetch(proxy.url("socks5", "joe:wrong"), server.url("/x")), GREET_OK)
        << result.message;
    EXPECT_EQ(proxy.requests()[0].user, "Aladdin");
}

TEST_F(FetchSocks, ARefusedLoginNamesTheProxyAndNotThePassword)
{
    proxy.require_login("Aladdin", "open sesame");
    EXPECT_EQ(fetch(proxy.url("socks5h", "Aladdin:secret"), named("origin.test")), GREET_EHTTP);
    EXPECT_EQ(result.message,
              proxy_name() + " refused the SOCKS5 user name and password (status 1)");
    EXPECT_FALSE(has(result.message, "secret"));
    EXPECT_EQ(server.requests().size(), 0u);
}

TEST_F(FetchSocks, AProxyThatWantsALoginSaysHowToGiveIt)
{
    proxy.require_login("Aladdin", "open sesame");
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_EHTTP);
    EXPECT_TRUE(has(result.message, proxy_name() + " wants SOCKS5 credentials")) << result.message;
    EXPECT_TRUE(has(result.message, "--proxy-user")) << result.message;
}

TEST_F(FetchSocks, EachReplyCodeSaysWhatItMeans)
{
    const char *const meaning[] = {
        "",
        "general SOCKS server failure",
        "connection not allowed by ruleset",
        "network unreachable",
        "host unreachable",
        "connection refused by destination host",
        "TTL expired",
        "command not supported",
        "address type not supported",
        "unassigned reply code",
    };
    std::string target = "origin.test:" + std::to_string(server.port());
    for (int code = 1; code <= 9; code++) {
        proxy.refuse_with(code);
        EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_EHTTP) << code;
        EXPECT_EQ(result.message, proxy_name() + ": SOCKS5 connect to " + target + " refused: " +
                                      meaning[code] + " (reply " + std::to_string(code) + ")");
    }
    proxy.refuse_with(255);
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_EHTTP);
    EXPECT_TRUE(has(result.message, "unassigned reply code (reply 255)")) << result.message;
    EXPECT_EQ(server.requests().size(), 0u);
}

TEST_F(FetchSocks, AProxyThatClosesMidHandshakeIsNamed)
{
    proxy.cut(SocksProxy::Stage::Greeting, "");
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_ECLOSED);
    EXPECT_EQ(result.message,
              proxy_name() + " closed the connection instead of answering the SOCKS5 greeting");

    proxy.cut(SocksProxy::Stage::Greeting, "\x05");
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_ECLOSED);
    EXPECT_EQ(result.message, proxy_name() + " closed the connection after 1 byte of its reply "
                                             "to the SOCKS5 greeting");

    proxy.require_login("Aladdin", "open sesame");
    proxy.cut(SocksProxy::Stage::Login, "");
    EXPECT_EQ(fetch(proxy.url("socks5h", "Aladdin:x"), named("origin.test")), GREET_ECLOSED);
    EXPECT_TRUE(has(result.message, "instead of answering the SOCKS5 authentication"))
        << result.message;
}

TEST_F(FetchSocks, ACutConnectReplyIsNamed)
{
    proxy.cut(SocksProxy::Stage::Request, std::string("\x05\x00\x00\x01\x7f\x00", 6));
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_ECLOSED);
    EXPECT_EQ(result.message, proxy_name() + " closed the connection after 6 bytes of its reply "
                                             "to the SOCKS5 connect request");
    // A name as the bound address, whose length promises more than comes.
    proxy.cut(SocksProxy::Stage::Request, std::string("\x05\x00\x00\x03\xc8"
                                                      "abc",
                                                      8));
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_ECLOSED);
    EXPECT_TRUE(has(result.message, "after 8 bytes")) << result.message;
}

TEST_F(FetchSocks, RepliesThatAreNotSocks5AreProtocolErrors)
{
    proxy.cut(SocksProxy::Stage::Greeting, "HTTP/1.1 400 Bad Request\r\n\r\n");
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_EPROTO);
    EXPECT_EQ(result.message, proxy_name() + " answered the SOCKS5 greeting with something else "
                                             "than SOCKS5 (version 72)");

    proxy.cut(SocksProxy::Stage::Greeting, std::string("\x05\x03", 2));
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_EPROTO);
    EXPECT_TRUE(has(result.message, "chose SOCKS5 authentication method 3")) << result.message;

    proxy.cut(SocksProxy::Stage::Request, std::string("\x05\x00\x00\x09\x00\x00", 6));
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_EPROTO);
    EXPECT_TRUE(has(result.message, "an unknown address type (9)")) << result.message;

    proxy.cut(SocksProxy::Stage::Request, std::string("\x04\x5a\x00\x00\x00\x00\x00\x00", 8));
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_EPROTO);
    EXPECT_TRUE(has(result.message, "the SOCKS5 connect request with something else than SOCKS5"))
        << result.message;
    EXPECT_EQ(server.requests().size(), 0u);
}

TEST_F(FetchSocks, ASilentProxyEndsAtTheConnectTimeout)
{
    opt.connect_timeout_ms = 300;
    proxy.cut(SocksProxy::Stage::Request, std::string("\x05\x00", 2), true);
    uint64_t start = gp_clock_ms();
    EXPECT_EQ(fetch(proxy.url("socks5h"), named("origin.test")), GREET_ETIMEDOUT);
    EXPECT_LT(gp_clock_ms() - start, 10000u);
    EXPECT_TRUE(
        has(result.message, "receive the reply to the SOCKS5 connect request from " + proxy_name()))
        << result.message;
}

TEST_F(FetchSocks, AProxyThatRefusesTheConnectionIsNamed)
{
    std::string dead;
    {
        HttpServer gone;
        dead = "socks5h://127.0.0.1:" + std::to_string(gone.port());
    }
    EXPECT_EQ(fetch(dead, named("origin.test")), GREET_ECONNREFUSED);
    EXPECT_TRUE(has(result.message, "connect to proxy 127.0.0.1:")) << result.message;
}

TEST_F(FetchSocks, Socks5NamesTheHostItCouldNotResolve)
{
    ScopedFault f([](gp_fault_call &c) {
        return c.point == GP_FAULT_RESOLVE && c.host && std::string(c.host) == "gone.test"
                   ? static_cast<int>(GP_FAULT_NOHOST)
                   : static_cast<int>(GP_FAULT_NONE);
    });
    EXPECT_EQ(fetch(proxy.url("socks5"), named("gone.test")), GREET_ENOHOST);
    EXPECT_TRUE(has(result.message, "resolve gone.test (for SOCKS5 through " + proxy_name() + ")"))
        << result.message;
}

TEST_F(FetchSocks, NoproxyGoesDirect)
{
    opt.noproxy = "127.0.0.1";
    ASSERT_EQ(fetch("socks5h://127.0.0.1:1", server.url("/x")), GREET_OK) << result.message;
    EXPECT_EQ(proxy.requests().size(), 0u);
}

TEST_F(FetchSocks, Socks4aSendsTheNameAndTheUserId)
{
    ASSERT_EQ(fetch(proxy.url("socks4a", "joe:ignored"), named("origin.test")), GREET_OK)
        << result.message;
    EXPECT_EQ(body, "through socks");
    SocksProxy::Request r = proxy.requests()[0];
    EXPECT_EQ(r.version, 4);
    EXPECT_EQ(r.atyp, 3);
    EXPECT_EQ(r.host, "origin.test");
    EXPECT_EQ(r.user, "joe");
    EXPECT_EQ(r.port, server.port());
    EXPECT_TRUE(has(info, "SOCKS4a tunnel to origin.test:")) << info;

    ASSERT_EQ(fetch(proxy.url("socks4a"), server.url("/x")), GREET_OK) << result.message;
    EXPECT_EQ(proxy.requests()[1].atyp, 1);
    EXPECT_EQ(proxy.requests()[1].host, "127.0.0.1");
}

TEST_F(FetchSocks, Socks4aRefusalsAndWhatItCannotCarry)
{
    proxy.refuse_with(91);
    EXPECT_EQ(fetch(proxy.url("socks4a"), named("origin.test")), GREET_EHTTP);
    EXPECT_EQ(result.message,
              proxy_name() + ": SOCKS4a connect to origin.test:" + std::to_string(server.port()) +
                  " refused: request rejected or failed (reply 91)");
    EXPECT_EQ(fetch(proxy.url("socks4a"), "http://[::1]:80/"), GREET_EUNSUPPORTED);
    EXPECT_TRUE(has(result.message, "SOCKS4a cannot carry the IPv6 address [::1]:80"))
        << result.message;
    proxy.cut(SocksProxy::Stage::Request, std::string("\x05\x00", 2));
    EXPECT_EQ(fetch(proxy.url("socks4a"), named("origin.test")), GREET_ECLOSED);
    EXPECT_TRUE(has(result.message, "after 2 bytes of its reply to the SOCKS4a request"))
        << result.message;
}

TEST_F(FetchSocks, ManyUrlsToOneOriginShareOneKeptTunnel)
{
    keep_connections();
    proxy.set_concurrent(true); // the socks5h tunnel stays open beside the socks4a one
    server.set_keep_alive(true);
    server.set_concurrent(true);
    server.on("/y", ok_reply("second"));
    for (const char *scheme : {"socks5h", "socks4a"}) {
        for (const char *target : {"/x", "/y", "/x"}) {
            ASSERT_EQ(fetch(proxy.url(scheme), named("origin.test", target)), GREET_OK)
                << scheme << target << ": " << result.message;
            EXPECT_EQ(body, std::string(target) == "/x" ? "through socks" : "second");
        }
        EXPECT_TRUE(has(info, "Re-using the connection to " + proxy_name())) << info;
    }
    // One tunnel per scheme (a socks4a tunnel is not a socks5h one), each carrying three requests.
    EXPECT_EQ(asked_for(proxy), (std::vector<std::string>{"origin.test", "origin.test"}));
    EXPECT_EQ(server.accepted(), 2);
    EXPECT_EQ(server.requests().size(), 6u);
}

TEST_F(FetchSocks, AKeptTunnelServesOnlyItsOrigin)
{
    // Two names for one server: the proxy resolves each, so each is an origin of its own; and a
    // second server is another port. Each origin gets one tunnel, however the URLs interleave.
    keep_connections();
    proxy.set_concurrent(true); // the tunnels stay open side by side
    server.set_keep_alive(true);
    server.set_concurrent(true);
    HttpServer other;
    ASSERT_TRUE(other.ok());
    other.set_keep_alive(true);
    other.on("/x", ok_reply("other server"));
    const std::string b = "http://one.test:" + std::to_string(other.port()) + "/x";
    const std::vector<std::pair<std::string, std::string>> urls = {
        {named("one.test"), "through socks"},
        {named("two.test"), "through socks"},
        {b, "other server"},
        {named("ONE.test"), "through socks"},
        {named("two.test"), "through socks"},
        {b, "other server"}};
    for (const auto &u : urls) {
        ASSERT_EQ(fetch(proxy.url("socks5h"), u.first), GREET_OK) << u.first << result.message;
        EXPECT_EQ(body, u.second) << u.first;
    }
    EXPECT_EQ(asked_for(proxy), (std::vector<std::string>{"one.test", "two.test", "one.test"}));
    EXPECT_EQ(proxy.requests()[2].port, other.port());
    EXPECT_EQ(server.accepted(), 2);
    EXPECT_EQ(other.accepted(), 1);
    // Each request reached the origin it named.
    ASSERT_EQ(server.requests().size(), 4u);
    EXPECT_TRUE(has(server.requests()[3], "\r\nHost: two.test:")) << server.requests()[3];
}

TEST_F(FetchSocks, AKeptTunnelServesOnlyItsProxy)
{
    // Another proxy, another scheme, other credentials or no proxy at all (noproxy) never take
    // a connection made for the first; each way keeps its own.
    keep_connections();
    server.set_keep_alive(true);
    server.set_concurrent(true); // the tunnels end at the server side by side
    SocksProxy second;
    ASSERT_TRUE(second.ok());
    const std::string url = named("localhost");
    opt.family = GREET_FAMILY_IPV4; // localhost as 127.0.0.1, where the server listens
    const std::vector<std::string> ways = {proxy.url("socks5h"),
                                           second.url("socks5h"),
                                           proxy.url("socks5"),
                                           proxy.url("socks5h", "joe:one"),
                                           proxy.url("socks5h", "joe:two"),
                                           "direct"};
    proxy.set_concurrent(true);
    for (int round = 0; round < 2; round++) {
        for (const std::string &way : ways) {
            opt.noproxy = way == "direct" ? "localhost" : nullptr;
            ASSERT_EQ(fetch(way == "direct" ? proxy.url("socks5h") : way, url), GREET_OK)
                << way << ": " << result.message;
            EXPECT_EQ(body, "through socks") << way;
        }
    }
    EXPECT_EQ(proxy.requests().size(), 4u); // socks5h, socks5, and socks5h as joe:one and joe:two
    EXPECT_EQ(proxy.requests()[1].atyp, 1);
    EXPECT_EQ(proxy.requests()[2].methods, (std::vector<unsigned char>{0, 2})); // credentials
    EXPECT_EQ(proxy.requests()[3].methods, (std::vector<unsigned char>{0, 2}));
    EXPECT_EQ(second.requests().size(), 1u);
    EXPECT_EQ(server.accepted(), 6);
    EXPECT_EQ(server.requests().size(), 12u);
}

TEST_F(FetchSocks, RedirectToAnotherOriginOpensATunnelToTheNewHost)
{
    HttpServer other;
    ASSERT_TRUE(other.ok());
    other.on("/new", ok_reply("moved here"));
    server.on("/old",
              redirect_reply(302, "http://other.test:" + std::to_string(other.port()) + "/new"));
    opt.follow_redirects = 1;
    ASSERT_EQ(fetch(proxy.url("socks5h"), named("origin.test", "/old")), GREET_OK)
        << result.message;
    EXPECT_EQ(body, "moved here");
    EXPECT_EQ(result.redirects, 1);
    EXPECT_EQ(asked_for(proxy), (std::vector<std::string>{"origin.test", "other.test"}));
    EXPECT_EQ(proxy.requests()[1].port, other.port());
    ASSERT_EQ(other.requests().size(), 1u);
    EXPECT_EQ(other.requests()[0].rfind("GET /new HTTP/1.1\r\n", 0), 0u) << other.requests()[0];
    EXPECT_TRUE(has(info, "SOCKS5 tunnel to other.test:" + std::to_string(other.port()))) << info;
}

TEST_F(FetchSocks, RedirectsInASessionKeepATunnelPerOrigin)
{
    // The first origin's tunnel is kept while the redirect goes to the second: a second fetch
    // of the chain takes both tunnels again, and a redirect back to the first origin its own.
    keep_connections();
    proxy.set_concurrent(true);
    server.set_keep_alive(true);
    HttpServer other;
    ASSERT_TRUE(other.ok());
    other.set_keep_alive(true);
    other.on("/new", redirect_reply(301, named("origin.test", "/x")));
    server.on("/old",
              redirect_reply(302, "http://other.test:" + std::to_string(other.port()) + "/new"));
    opt.follow_redirects = 1;
    for (int i = 0; i < 2; i++) {
        ASSERT_EQ(fetch(proxy.url("socks5h"), named("origin.test", "/old")), GREET_OK)
            << result.message;
        EXPECT_EQ(body, "through socks");
        EXPECT_EQ(result.redirects, 2);
    }
    EXPECT_EQ(asked_for(proxy), (std::vector<std::string>{"origin.test", "other.test"}));
    EXPECT_EQ(server.accepted(), 1);
    EXPECT_EQ(other.accepted(), 1);
}

TEST_F(FetchSocks, RedirectToANoproxyHostGoesDirect)
{
    // The proxy is chosen again for each hop: the first through the proxy, the second (an IP
    // literal in noproxy) straight to the server, and back.
    HttpServer other;
    ASSERT_TRUE(other.ok());
    other.on("/new", ok_reply("direct"));
    server.on("/old", redirect_reply(302, other.url("/new")));
    opt.follow_redirects = 1;
    opt.noproxy = "127.0.0.1";
    ASSERT_EQ(fetch(proxy.url("socks5h"), named("origin.test", "/old")), GREET_OK)
        << result.message;
    EXPECT_EQ(body, "direct");
    EXPECT_EQ(asked_for(proxy), std::vector<std::string>{"origin.test"});
    EXPECT_EQ(other.accepted(), 1);

    // The other way round: direct first, then through the proxy.
    other.on("/back", redirect_reply(302, named("origin.test", "/x")));
    ASSERT_EQ(fetch(proxy.url("socks5h"), other.url("/back")), GREET_OK) << result.message;
    EXPECT_EQ(body, "through socks");
    EXPECT_EQ(asked_for(proxy), (std::vector<std::string>{"origin.test", "origin.test"}));
    EXPECT_EQ(other.accepted(), 2);
}
