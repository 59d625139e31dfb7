// https through proxies: a CONNECT tunnel through an http proxy and a SOCKS5
// tunnel (the test proxies splice bytes to the TLS test server), TLS to the
// origin inside each, and the http proxy's refusals; several URLs in a session
// (the TLS server ends each connection, so each URL gets a tunnel of its own)
// and redirects from https to http, through a new tunnel or direct. Named Tls*
// so that the mingw build runs them against the native TLS server.
#include <gtest/gtest.h>

#include <string>

#include "gp.h"
#include "greet/fetch.h"
#include "support/http_server.h"
#include "support/socks_proxy.h"
#include "support/tunnel_proxy.h"
#include "tls/tls_server.h"

using greet_test::SocksProxy;
using greet_test::TunnelProxy;

namespace
{

// A fetch through the fixture's proxy (proxy_url, which start_proxy sets),
// trusting the test CA.
class TlsThroughAProxy : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        if (!TlsTestServer::available()) {
            GTEST_SKIP() << "no TLS test server in this run (see tests/tls/tls_server.h)";
        }
        ASSERT_TRUE(start_proxy());
        greet_fetch_options_init(&opt);
        greet_fetch_result_init(&result);
        opt.max_time_ms = 20000;
        opt.ca_file = ca.c_str();
    }
    // Whether the proxy runs; sets proxy_url.
    virtual bool start_proxy() = 0;
    static int on_body(void *ctx, const void *data, size_t len)
    {
        static_cast<std::string *>(ctx)->append(static_cast<const char *>(data), len);
        return GREET_OK;
    }
    int fetch(const std::string &url)
    {
        greet_fetch_sink sink;
        greet_fetch_sink_init(&sink);
        sink.ctx = &body;
        sink.on_body = on_body;
        opt.proxy = proxy_url.c_str();
        return greet_fetch_with(session, url.c_str(), &opt, &sink, &result);
    }
    void TearDown() override
    {
        greet_fetch_session_free(session);
    }
    // /reply, /chunked and /reply again in one session, as greet fetch does
    // with three URLs: each arrives whole. The server closes after each
    // response (close_notify), so the kept tunnel is found closed and the
    // next request goes on a new one.
    void three_in_a_session(const std::string &origin)
    {
        ASSERT_EQ(greet_fetch_session_new(&session), GREET_OK);
        for (const char *path : {"/reply", "/chunked", "/reply"}) {
            ASSERT_EQ(fetch(origin + path), GREET_OK) << path << ": " << result.message;
        }
        EXPECT_EQ(body, "hellohello worldhello");
    }
    // A plain http server for the redirects of /to-http/PORT.
    greet_test::HttpServer plain;

    std::string ca = tls_fixture("ca.pem");
    std::string proxy_url, body;
    greet_fetch_options opt;
    greet_fetch_result result;
    greet_fetch_session *session = nullptr;
};

class TlsProxy : public TlsThroughAProxy
{
  protected:
    bool start_proxy() override
    {
        proxy_url = "http://Aladdin:open%20sesame@127.0.0.1:" + std::to_string(proxy.port());
        return proxy.ok();
    }

    TunnelProxy proxy;
};

class TlsSocks : public TlsThroughAProxy
{
  protected:
    bool start_proxy() override
    {
        proxy.require_login("Aladdin", "open sesame");
        proxy_url = proxy.url("socks5h", "Aladdin:open%20sesame");
        return proxy.ok();
    }

    SocksProxy proxy;
};

bool has(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_F(TlsProxy, HttpsGoesThroughAConnectTunnel)
{
    TlsTestServer server("server");
    std::string authority = "localhost:" + std::to_string(server.port());
    ASSERT_EQ(fetch("https://" + authority + "/reply"), GREET_OK) << result.message;
    EXPECT_EQ(body, "hello");
    ASSERT_EQ(proxy.requests().size(), 1u);
    const std::string req = proxy.requests()[0];
    EXPECT_EQ(req.rfind("CONNECT " + authority + " HTTP/1.1\r\n", 0), 0u) << req;
    EXPECT_TRUE(has(req, "\r\nHost: " + authority + "\r\n"));
    EXPECT_TRUE(has(req, "\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
}

TEST_F(TlsProxy, TheCertificateIsStillCheckedInsideTheTunnel)
{
    TlsTestServer server("wronghost");
    EXPECT_EQ(fetch("https://localhost:" + std::to_string(server.port()) + "/reply"), GREET_ECERT);
}

TEST_F(TlsProxy, A407ToConnectIsAnErrorNamingTheProxy)
{
    proxy.refuse_with("HTTP/1.1 407 Proxy Authentication "
                      "Required\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(fetch("https://origin.test/"), GREET_EHTTP);
    EXPECT_TRUE(has(result.message, "proxy 127.0.0.1:" + std::to_string(proxy.port())))
        << result.message;
    EXPECT_TRUE(has(result.message, "407")) << result.message;
    EXPECT_FALSE(has(result.message, "sesame")) << result.message;
}

TEST_F(TlsProxy, AProxyThatClosesIsNamed)
{
    proxy.refuse_with("");
    EXPECT_EQ(fetch("https://origin.test/"), GREET_ECLOSED);
    EXPECT_TRUE(has(result.message, "proxy 127.0.0.1:" + std::to_string(proxy.port())))
        << result.message;
}

TEST_F(TlsProxy, AnotherRefusalSaysTheStatus)
{
    proxy.refuse_with("HTTP/1.1 403 Forbidden\r\n\r\n");
    EXPECT_EQ(fetch("https://origin.test/"), GREET_EHTTP);
    EXPECT_TRUE(has(result.message, "403 Forbidden")) << result.message;
}

TEST_F(TlsProxy, AProxyThatStopsAnsweringEndsAtTheConnectTimeout)
{
    // Opening the tunnel counts as connecting: no --max-time, and still bounded.
    greet_test::HttpServer silent;
    ASSERT_TRUE(silent.ok());
    greet_test::Reply part = greet_test::held_reply("HTTP/1.1 200 Conn");
    silent.on("origin.test:443", part);
    proxy_url = "http://127.0.0.1:" + std::to_string(silent.port());
    opt.max_time_ms = 0;
    opt.connect_timeout_ms = 300;
    uint64_t start = gp_clock_ms();
    EXPECT_EQ(fetch("https://origin.test/"), GREET_ETIMEDOUT) << result.message;
    EXPECT_LT(gp_clock_ms() - start, 10000u);
    EXPECT_TRUE(has(result.message, "receive the reply to CONNECT from proxy 127.0.0.1:"))
        << result.message;
}

TEST_F(TlsSocks, HttpsGoesThroughTheSocks5Tunnel)
{
    TlsTestServer server("server");
    ASSERT_EQ(fetch("https://localhost:" + std::to_string(server.port()) + "/reply"), GREET_OK)
        << result.message;
    EXPECT_EQ(body, "hello");
    ASSERT_EQ(proxy.requests().size(), 1u);
    EXPECT_EQ(proxy.requests()[0].atyp, 3); // the name, for the proxy to resolve
    EXPECT_EQ(proxy.requests()[0].host, "localhost");
    EXPECT_EQ(proxy.requests()[0].port, server.port());
    EXPECT_EQ(proxy.requests()[0].user, "Aladdin");
}

TEST_F(TlsSocks, TheCertificateIsStillCheckedInsideTheTunnel)
{
    TlsTestServer server("wronghost");
    EXPECT_EQ(fetch("https://localhost:" + std::to_string(server.port()) + "/reply"), GREET_ECERT)
        << result.message;
    EXPECT_EQ(proxy.requests().size(), 1u);
}

TEST_F(TlsProxy, SeveralUrlsInASessionEachGoThroughATunnel)
{
    TlsTestServer server("server");
    std::string authority = "localhost:" + std::to_string(server.port());
    three_in_a_session("https://" + authority);
    ASSERT_EQ(proxy.requests().size(), 3u);
    for (const std::string &req : proxy.requests()) {
        EXPECT_EQ(req.rfind("CONNECT " + authority + " HTTP/1.1\r\n", 0), 0u) << req;
    }
}

TEST_F(TlsProxy, RedirectToANoproxyHttpHostGoesDirect)
{
    TlsTestServer server("server");
    ASSERT_TRUE(plain.ok());
    plain.on("/end", greet_test::ok_reply("plain"));
    opt.follow_redirects = 1;
    opt.noproxy = "127.0.0.1";
    ASSERT_EQ(fetch("https://localhost:" + std::to_string(server.port()) + "/to-http/" +
                    std::to_string(plain.port())),
              GREET_OK)
        << result.message;
    EXPECT_EQ(body, "plain");
    EXPECT_EQ(proxy.requests().size(), 1u); // the CONNECT for the first hop only
    ASSERT_EQ(plain.requests().size(), 1u);
    EXPECT_EQ(plain.requests()[0].rfind("GET /end HTTP/1.1\r\n", 0), 0u);
}

TEST_F(TlsSocks, SeveralUrlsInASessionEachGoThroughATunnel)
{
    TlsTestServer server("server");
    three_in_a_session("https://localhost:" + std::to_string(server.port()));
    ASSERT_EQ(proxy.requests().size(), 3u);
    for (const SocksProxy::Request &r : proxy.requests()) {
        EXPECT_EQ(r.host, "localhost");
        EXPECT_EQ(r.port, server.port());
    }
}

TEST_F(TlsSocks, RedirectToHttpGoesThroughANewTunnelOrDirect)
{
    TlsTestServer server("server");
    ASSERT_TRUE(plain.ok());
    plain.on("/end", greet_test::ok_reply("plain"));
    opt.follow_redirects = 1;
    const std::string url = "https://localhost:" + std::to_string(server.port()) + "/to-http/" +
                            std::to_string(plain.port());
    ASSERT_EQ(fetch(url), GREET_OK) << result.message;
    EXPECT_EQ(body, "plain");
    ASSERT_EQ(proxy.requests().size(), 2u);
    EXPECT_EQ(proxy.requests()[0].host, "localhost");
    EXPECT_EQ(proxy.requests()[1].atyp, 1); // http://127.0.0.1:PORT/end: the address
    EXPECT_EQ(proxy.requests()[1].host, "127.0.0.1");
    EXPECT_EQ(proxy.requests()[1].port, plain.port());

    opt.noproxy = "127.0.0.1"; // now the second hop goes direct
    body.clear();
    ASSERT_EQ(fetch(url), GREET_OK) << result.message;
    EXPECT_EQ(body, "plain");
    EXPECT_EQ(proxy.requests().size(), 3u);
    EXPECT_EQ(plain.requests().size(), 2u);
    EXPECT_EQ(plain.accepted(), 2);
}
