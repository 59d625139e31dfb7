// SOCKS proxies in the fetch engine, against the SOCKS test proxy (which splices to the scripted
// HTTP server on loopback): what the proxy is sent (a name or an address, the login), the
// request inside the tunnel, each refusal's message and code, and proxies that break off or
// say nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "greet/fetch.h"
#include "support/fault.h"
#include "support/http_server.h"
#include "support/socks_proxy.h"

using greet_test::HttpServer;
using greet_test::ok_reply;
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
    static int on_body(void *ctx, const void *data, size_t len)
    {
        static_cast<FetchSocks *>(ctx)->body.append(static_cast<const char *>(data), len);
        return GREET_OK;
    }
    static void on_info(void *ctx, const char *text)
    {
        static_cast<FetchSocks *>(ctx)->info.append(text).append("\n");
    }
    // Fetches url through the proxy as setting (e.g. proxy.url("socks5h")).
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
        return greet_fetch(url.c_str(), &opt, &s, &result);
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
    std::string proxy_setting, body, info;
    greet_fetch_options opt;
    greet_fetch_result result;
};

bool has(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
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
