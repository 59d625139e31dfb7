// greet fetch through SOCKS proxies, run as a user would: -x and ALL_PROXY with socks5h://,
// socks5:// and socks4a://, --proxy-user, and each kind of failure's one line and exit code
// (a refusal 7, a broken or cut reply 6, silence 5), with no output file left behind; several
// URLs over one kept tunnel per origin, and -L through the proxy to another origin or to a host
// that --noproxy sends direct.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/dir_list.h"
#include "support/fetch_cli_fixture.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/scoped_env.h"
#include "support/socks_proxy.h"
#include "support/temp_dir.h"

using greet_test::ok_reply;
using greet_test::ProcessResult;
using greet_test::redirect_reply;
using greet_test::ScopedEnv;
using greet_test::SocksProxy;

namespace
{

class FetchSocksCli : public greet_test::FetchCliFixture
{
  protected:
    void SetUp() override
    {
        FetchCliFixture::SetUp();
        ASSERT_TRUE(proxy.ok());
        server.on("/x", ok_reply("through socks"));
        origin = "http://origin.test:" + std::to_string(server.port()) + "/x";
        proxy_name = "proxy 127.0.0.1:" + std::to_string(proxy.port());
    }
    // The one line greet prints for a failed transfer of origin.
    std::string line(const std::string &cause) const
    {
        return "greet fetch: " + origin + ": " + cause + "\n";
    }

    greet_test::NoProxyEnv no_proxy_env; // nothing of the machine's own proxies
    SocksProxy proxy;
    std::string origin, proxy_name;
};

bool has(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_F(FetchSocksCli, Socks5hWritesTheFileAndTheProxyGetsTheName)
{
    std::string file = dir.file("page.html");
    ProcessResult r = greet({"-s", "-x", proxy.url("socks5h"), "-o", file, origin});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(read_file_utf8(file), "through socks");
    ASSERT_EQ(proxy.requests().size(), 1u);
    EXPECT_EQ(proxy.requests()[0].atyp, 3);
    EXPECT_EQ(proxy.requests()[0].host, "origin.test");
}

TEST_F(FetchSocksCli, Socks5SendsTheAddressOfLocalhost)
{
    std::string url = "http://localhost:" + std::to_string(server.port()) + "/x";
    ProcessResult r = greet({"-4", "-x", proxy.url("socks5"), url});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "through socks");
    ASSERT_EQ(proxy.requests().size(), 1u);
    EXPECT_EQ(proxy.requests()[0].atyp, 1);
    EXPECT_EQ(proxy.requests()[0].host, "127.0.0.1");
}

TEST_F(FetchSocksCli, AllProxyFromTheEnvironmentAndNoProxy)
{
    std::string setting = proxy.url("socks5h");
    ScopedEnv all("ALL_PROXY", setting.c_str());
    ProcessResult via = greet({origin});
    ASSERT_EQ(via.exit_code, 0) << via.err;
    EXPECT_EQ(via.out, "through socks");
    EXPECT_EQ(proxy.requests().size(), 1u);
    ScopedEnv no("NO_PROXY", "127.0.0.1");
    ProcessResult direct = greet({server.url("/x")});
    ASSERT_EQ(direct.exit_code, 0) << direct.err;
    EXPECT_EQ(proxy.requests().size(), 1u); // not through the proxy
}

TEST_F(FetchSocksCli, ProxyUserLogsIn)
{
    proxy.require_login("Aladdin", "open sesame");
    ProcessResult r =
        greet({"-x", proxy.url("socks5h"), "--proxy-user", "Aladdin:open sesame", origin});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "through socks");
    EXPECT_EQ(proxy.requests()[0].password, "open sesame");
}

TEST_F(FetchSocksCli, ARefusedLoginIsExitSevenWithoutTheFileOrThePassword)
{
    proxy.require_login("Aladdin", "open sesame");
    std::string file = dir.file("page.html");
    ProcessResult r =
        greet({"-x", proxy.url("socks5h", "Aladdin:secret"), "-o", file, "-v", origin});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_TRUE(
        has(r.err, line(proxy_name + " refused the SOCKS5 user name and password (status 1)")))
        << r.err;
    EXPECT_FALSE(has(r.err, "secret")) << r.err;
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{});
}

TEST_F(FetchSocksCli, ARefusalNamesTheReplyCodeWithExitSeven)
{
    proxy.refuse_with(5);
    ProcessResult r = greet({"-x", proxy.url("socks5h"), origin});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_EQ(r.err,
              line(proxy_name + ": SOCKS5 connect to origin.test:" + std::to_string(server.port()) +
                   " refused: connection refused by destination host (reply 5)"));
}

TEST_F(FetchSocksCli, ABrokenOrCutReplyIsExitSix)
{
    proxy.cut(SocksProxy::Stage::Greeting, "");
    ProcessResult closed = greet({"-x", proxy.url("socks5h"), origin});
    EXPECT_EQ(closed.exit_code, 6) << closed.err;
    EXPECT_EQ(closed.err, line(proxy_name + " closed the connection instead of answering the "
                                            "SOCKS5 greeting"));
    proxy.cut(SocksProxy::Stage::Greeting, "HTTP/1.1 400 Bad Request\r\n\r\n");
    ProcessResult garbage = greet({"-x", proxy.url("socks5h"), origin});
    EXPECT_EQ(garbage.exit_code, 6) << garbage.err;
    EXPECT_TRUE(has(garbage.err, "with something else than SOCKS5 (version 72)")) << garbage.err;
}

TEST_F(FetchSocksCli, ASilentProxyIsExitFiveAtTheConnectTimeout)
{
    proxy.cut(SocksProxy::Stage::Request, std::string("\x05\x00", 2), true);
    ProcessResult r = greet({"--connect-timeout", "0.5", "-x", proxy.url("socks5h"), origin});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_FALSE(r.timed_out);
    EXPECT_TRUE(has(r.err, "receive the reply to the SOCKS5 connect request from " + proxy_name))
        << r.err;
}

TEST_F(FetchSocksCli, Socks4a)
{
    ProcessResult ok = greet({"-x", proxy.url("socks4a"), "--proxy-user", "joe:", origin});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "through socks");
    EXPECT_EQ(proxy.requests()[0].user, "joe");
    proxy.refuse_with(91);
    ProcessResult refused = greet({"-x", proxy.url("socks4a"), origin});
    EXPECT_EQ(refused.exit_code, 7) << refused.err;
    EXPECT_TRUE(has(refused.err, "refused: request rejected or failed (reply 91)")) << refused.err;
}

TEST_F(FetchSocksCli, AnUnknownSchemeIsAUsageError)
{
    ProcessResult r = greet({"-x", "socks4://127.0.0.1:1", origin});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(has(r.err, "greet speaks http://, socks5://, socks5h:// and socks4a:// proxies"))
        << r.err;
    EXPECT_EQ(proxy.requests().size(), 0u);
}

TEST_F(FetchSocksCli, SeveralUrlsShareOneKeptTunnelPerOrigin)
{
    proxy.set_concurrent(true); // the first origin's tunnel stays open beside the second's
    server.set_keep_alive(true);
    server.set_concurrent(true);
    server.on("/y", ok_reply("-y"));
    const std::string other = "http://other.test:" + std::to_string(server.port());
    ProcessResult r = greet({"-s", "-x", proxy.url("socks5h"), origin,
                             "http://origin.test:" + std::to_string(server.port()) + "/y",
                             other + "/x", origin, other + "/y"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "through socks-ythrough socksthrough socks-y");
    ASSERT_EQ(proxy.requests().size(), 2u); // one tunnel per origin, each carrying its URLs
    EXPECT_EQ(proxy.requests()[0].host, "origin.test");
    EXPECT_EQ(proxy.requests()[1].host, "other.test");
    EXPECT_EQ(server.accepted(), 2);
    ASSERT_EQ(server.requests().size(), 5u);
    EXPECT_TRUE(has(server.requests()[4], "\r\nHost: other.test:")) << server.requests()[4];
}

TEST_F(FetchSocksCli, RedirectToAnotherOriginGoesThroughANewTunnel)
{
    greet_test::HttpServer next;
    ASSERT_TRUE(next.ok());
    next.on("/there", ok_reply("arrived"));
    server.on("/go",
              redirect_reply(302, "http://next.test:" + std::to_string(next.port()) + "/there"));
    std::string file = dir.file("page.html");
    ProcessResult r = greet({"-s", "-L", "-x", proxy.url("socks5h"), "-o", file,
                             "http://origin.test:" + std::to_string(server.port()) + "/go", "-w",
                             "%{url_effective} %{num_redirects}"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "arrived");
    EXPECT_EQ(r.out, "http://next.test:" + std::to_string(next.port()) + "/there 1");
    ASSERT_EQ(proxy.requests().size(), 2u);
    EXPECT_EQ(proxy.requests()[0].host, "origin.test");
    EXPECT_EQ(proxy.requests()[1].host, "next.test");
    EXPECT_EQ(proxy.requests()[1].port, next.port());
    EXPECT_EQ(next.requests().size(), 1u);
}

TEST_F(FetchSocksCli, RedirectToANoproxyHostGoesDirect)
{
    greet_test::HttpServer next;
    ASSERT_TRUE(next.ok());
    next.on("/there", ok_reply("direct"));
    server.on("/go", redirect_reply(302, next.url("/there")));
    ProcessResult r = greet({"-L", "-x", proxy.url("socks5h"), "--noproxy", "127.0.0.1", "-v",
                             "http://origin.test:" + std::to_string(server.port()) + "/go"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "direct");
    ASSERT_EQ(proxy.requests().size(), 1u); // the second hop did not go through it
    EXPECT_EQ(proxy.requests()[0].host, "origin.test");
    EXPECT_EQ(next.accepted(), 1);
    EXPECT_TRUE(has(r.err, "SOCKS5 tunnel to origin.test:")) << r.err;
    EXPECT_FALSE(has(r.err, "tunnel to 127.0.0.1:")) << r.err;
}
