// greet fetch's credentials and proxies, run as a user would: what the server and the proxy
// receive, what is shown (never a password), and the exit codes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/fetch_cli_fixture.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/scoped_env.h"
#include "support/temp_dir.h"

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::ProcessResult;
using greet_test::raw_reply;
using greet_test::ScopedEnv;

namespace
{

class FetchAuthCli : public greet_test::FetchCliFixture
{
  protected:
    std::string dead_port()
    {
        HttpServer gone;
        return std::to_string(gone.port());
    }

    // The greet child must not see a proxy of the machine running the tests.
    greet_test::NoProxyEnv no_proxy_env;
};

bool has(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

const char kAladdin[] = "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"; // RFC 7617

} // namespace

TEST_F(FetchAuthCli, UserSendsBasicAndVerboseDoesNotShowIt)
{
    server.on("/p", ok_reply("x"));
    ProcessResult r = greet({"-v", "-u", "Aladdin:open sesame", server.url("/p")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_TRUE(has(server.requests()[0], kAladdin));
    EXPECT_TRUE(has(r.err, "> Authorization: Basic [redacted]")) << r.err;
    EXPECT_FALSE(has(r.err, "QWxh")) << r.err;
}

TEST_F(FetchAuthCli, UserinfoInTheUrlIsSentButNeverShown)
{
    server.on("/gone", raw_reply("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    std::string url = "http://Aladdin:open%20sesame@127.0.0.1:" + std::to_string(server.port());
    ProcessResult r = greet({"-f", "-w", "%{url_effective} %{errormsg}", url + "/gone"});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_TRUE(has(server.requests()[0], kAladdin));
    EXPECT_TRUE(has(r.out, server.url("/gone"))) << r.out;
    for (const std::string &shown : {r.out, r.err}) {
        EXPECT_FALSE(has(shown, "sesame")) << shown;
        EXPECT_FALSE(has(shown, "Aladdin")) << shown;
    }
}

TEST_F(FetchAuthCli, UserWithoutPasswordNeedsATerminal)
{
    ProcessResult r = greet({"-u", "joe", server.url("/p")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(has(r.err, "not a terminal")) << r.err;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(FetchAuthCli, NetrcFileGivesTheCredentials)
{
    server.on("/p", ok_reply("x"));
    std::string file = dir.file("netrc");
    ASSERT_EQ(write_file_utf8(file, "machine other login a password b\n"
                                    "machine 127.0.0.1 login Aladdin password \"open sesame\"\n"),
              GREET_OK);
    ProcessResult r = greet({"--netrc-file", file, server.url("/p")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(server.requests()[0], kAladdin));
}

TEST_F(FetchAuthCli, NetrcInHomeAndMissingFiles)
{
    server.on("/p", ok_reply("x"));
    ScopedEnv home("HOME", dir.path().c_str());
    ProcessResult missing = greet({"--netrc", server.url("/p")});
    EXPECT_EQ(missing.exit_code, 2) << missing.err;
    EXPECT_TRUE(has(missing.err, "netrc")) << missing.err;
    EXPECT_TRUE(server.requests().empty());
    ProcessResult optional = greet({"--netrc-optional", server.url("/p")});
    ASSERT_EQ(optional.exit_code, 0) << optional.err;
    EXPECT_FALSE(has(server.requests()[0], "Authorization"));
#ifdef _WIN32
    const char *name = "_netrc";
#else
    const char *name = ".netrc";
#endif
    ASSERT_EQ(write_file_utf8(dir.file(name), "default login Aladdin password \"open sesame\""),
              GREET_OK);
    ProcessResult found = greet({"--netrc", server.url("/p")});
    ASSERT_EQ(found.exit_code, 0) << found.err;
    EXPECT_TRUE(has(server.requests()[1], kAladdin));
}

TEST_F(FetchAuthCli, ProxyOptionAndItsExitCodes)
{
    HttpServer proxy;
    ASSERT_TRUE(proxy.ok());
    proxy.on("http://origin.test/", ok_reply("via proxy"));
    proxy.on("http://origin.test/auth",
             raw_reply("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"));
    std::string p = "127.0.0.1:" + std::to_string(proxy.port());
    ProcessResult ok =
        greet({"-x", p, "--proxy-user", "Aladdin:open sesame", "http://origin.test/"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "via proxy");
    EXPECT_TRUE(
        has(proxy.requests()[0], "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    ProcessResult wants = greet({"-x", p, "http://origin.test/auth"});
    EXPECT_EQ(wants.exit_code, 7) << wants.err;
    EXPECT_TRUE(has(wants.err, "proxy " + p) && has(wants.err, "407")) << wants.err;
    std::string dead = "127.0.0.1:" + dead_port();
    ProcessResult refused = greet({"-x", dead, "http://origin.test/"});
    EXPECT_EQ(refused.exit_code, 4) << refused.err;
    EXPECT_TRUE(has(refused.err, "connect to proxy " + dead)) << refused.err;
}

TEST_F(FetchAuthCli, EnvironmentProxyAndNoProxy)
{
    HttpServer proxy;
    ASSERT_TRUE(proxy.ok());
    proxy.on("http://origin.test/", ok_reply("via env proxy"));
    server.on("/p", ok_reply("direct"));
    std::string p = "http://127.0.0.1:" + std::to_string(proxy.port());
    ScopedEnv env("http_proxy", p.c_str());
    ProcessResult via = greet({"http://origin.test/"});
    ASSERT_EQ(via.exit_code, 0) << via.err;
    EXPECT_EQ(via.out, "via env proxy");
    ScopedEnv no("NO_PROXY", "127.0.0.1");
    ProcessResult direct = greet({server.url("/p")});
    ASSERT_EQ(direct.exit_code, 0) << direct.err;
    EXPECT_EQ(direct.out, "direct");
    ProcessResult noproxy = greet({"--noproxy", "other", server.url("/p")}); // replaces NO_PROXY
    ASSERT_EQ(noproxy.exit_code, 0) << noproxy.err;
    EXPECT_EQ(proxy.requests().size(), 2u); // that one went through the proxy (and got a 404)
}
