// Credentials and proxy selection, the pure parts: netrc parsing, URL user-info, Basic
// encoding, --noproxy matching, proxy URLs and the environment (through a getter: the real
// environment is never read or changed here).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "greet/auth.h"
#include "proxy.h"

namespace
{

struct Found {
    int rc;
    std::string user, password, why;
};

Found netrc(const std::string &text, const char *host, const char *login = nullptr)
{
    char user[GREET_AUTH_TOKEN_MAX + 1] = "", password[GREET_AUTH_TOKEN_MAX + 1] = "";
    const char *why = "x";
    int rc = greet_netrc_find(text.data(), text.size(), host, login, user, password, &why);
    return {rc, user, password, why};
}

} // namespace

TEST(Netrc, FindsTheMachineCaseInsensitively)
{
    Found f = netrc("machine other login a password b\nmachine Example.COM login joe password s3\n",
                    "example.com");
    ASSERT_EQ(f.rc, GREET_OK);
    EXPECT_EQ(f.user, "joe");
    EXPECT_EQ(f.password, "s3");
}

TEST(Netrc, FirstMatchingBlockWinsAndDefaultIsTheFallback)
{
    std::string text = "default login anon password guest\n"
                       "machine h login one password p1\nmachine h login two password p2\n";
    EXPECT_EQ(netrc(text, "h").user, "one");
    EXPECT_EQ(netrc(text, "h", "two").password, "p2");
    Found d = netrc(text, "elsewhere");
    ASSERT_EQ(d.rc, GREET_OK);
    EXPECT_EQ(d.user, "anon");
    EXPECT_EQ(d.password, "guest");
    EXPECT_EQ(netrc("machine h login a password b", "x").rc, GREET_ENOENT);
    EXPECT_EQ(netrc("", "x").rc, GREET_ENOENT);
}

TEST(Netrc, ALoginThatDoesNotMatchIsSkipped)
{
    EXPECT_EQ(netrc("machine h login a password b", "h", "z").rc, GREET_ENOENT);
    Found f = netrc("machine h password only", "h", "given");
    ASSERT_EQ(f.rc, GREET_OK);
    EXPECT_EQ(f.user, "given"); // a block without login serves the URL's user
    EXPECT_EQ(f.password, "only");
}

TEST(Netrc, QuotedTokensCommentsMacdefAndAccount)
{
    std::string text = "# my hosts\n"
                       "macdef init\nmachine h login evil password evil\n\n"
                       "machine h account x login \"a b\" password \"q\\\"uo\\\\te\\n\" # c\n";
    Found f = netrc(text, "h");
    ASSERT_EQ(f.rc, GREET_OK) << f.why;
    EXPECT_EQ(f.user, "a b");
    EXPECT_EQ(f.password, "q\"uo\\te\n");
}

TEST(Netrc, MalformedInputIsAnErrorWithAReason)
{
    Found f = netrc("machine h login \"unterminated", "h");
    EXPECT_EQ(f.rc, GREET_EPROTO);
    EXPECT_NE(f.why.find("quote"), std::string::npos);
    EXPECT_EQ(netrc("machine h login", "h").rc, GREET_EPROTO);
    EXPECT_EQ(netrc("machine h password " + std::string(300, 'x'), "h").rc, GREET_EPROTO);
    // Not NUL-terminated: only the given length is read.
    std::string text = "machine h login a password bXXXX";
    char user[GREET_AUTH_TOKEN_MAX + 1], password[GREET_AUTH_TOKEN_MAX + 1];
    const char *why = "";
    ASSERT_EQ(greet_netrc_find(text.data(), text.size() - 4, "h", nullptr, user, password, &why),
              GREET_OK);
    EXPECT_STREQ(password, "b");
}

TEST(Netrc, AnyBytesAreSafe)
{
    std::string text;
    for (int i = 0; i < 4000; i++) {
        text.push_back(static_cast<char>((i * 7919) % 256));
        Found f = netrc(text, "h");
        EXPECT_TRUE(f.rc == GREET_OK || f.rc == GREET_ENOENT || f.rc == GREET_EPROTO);
    }
}

namespace
{
struct Split {
    int rc;
    std::string rest, user, password;
    int has_user;
};

Split split(const std::string &url)
{
    std::string rest(url.size() + 1, '\0');
    char user[GREET_AUTH_TOKEN_MAX + 1], password[GREET_AUTH_TOKEN_MAX + 1];
    int has_user = -1;
    int rc =
        greet_url_split_userinfo(url.c_str(), &rest[0], rest.size(), user, password, &has_user);
    return {rc, rest.c_str(), user, password, has_user};
}
} // namespace

TEST(UrlUserinfo, IsSplitOffAndPercentDecoded)
{
    Split s = split("http://us%65r:p%40ss:w@rd@host:81/a@b?c@d");
    ASSERT_EQ(s.rc, GREET_OK);
    EXPECT_EQ(s.rest, "http://host:81/a@b?c@d");
    EXPECT_EQ(s.user, "user");
    EXPECT_EQ(s.password, "p@ss:w@rd");
    EXPECT_EQ(s.has_user, 1);
    Split bare = split("joe@example.com/x");
    EXPECT_EQ(bare.rest, "example.com/x");
    EXPECT_EQ(bare.user, "joe");
    EXPECT_EQ(bare.password, "");
}

TEST(UrlUserinfo, WithoutUserinfoTheUrlIsUnchanged)
{
    Split s = split("https://host/path@x");
    ASSERT_EQ(s.rc, GREET_OK);
    EXPECT_EQ(s.rest, "https://host/path@x");
    EXPECT_EQ(s.has_user, 0);
}

TEST(UrlUserinfo, BadPercentEncodingIsRefused)
{
    EXPECT_EQ(split("http://a%4:b@h/").rc, GREET_EURL);
    EXPECT_EQ(split("http://a%00:b@h/").rc, GREET_EURL);
    EXPECT_EQ(split("http://" + std::string(300, 'u') + "@h/").rc, GREET_ETOOBIG);
}

// A caller that shows rest after a failure must not read past it or show a part of it.
TEST(UrlUserinfo, AFailureLeavesEverythingEmpty)
{
    std::string url = "http://us%zzer:secret@a/";
    std::string rest(url.size() + 1, 'x');
    char user[GREET_AUTH_TOKEN_MAX + 1], password[GREET_AUTH_TOKEN_MAX + 1];
    int has_user = -1;
    EXPECT_EQ(
        greet_url_split_userinfo(url.c_str(), &rest[0], rest.size(), user, password, &has_user),
        GREET_EURL);
    EXPECT_EQ(rest[0], '\0');
    EXPECT_STREQ(user, "");
    EXPECT_STREQ(password, "");
    EXPECT_EQ(has_user, 0);
}

TEST(BasicAuth, EncodesUserColonPassword)
{
    char out[GI_BASIC_AUTH_MAX];
    ASSERT_EQ(gi_basic_auth("Aladdin", "open sesame", out), GREET_OK);
    EXPECT_STREQ(out, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="); // RFC 7617's example
    ASSERT_EQ(gi_basic_auth("a", "", out), GREET_OK);
    EXPECT_STREQ(out, "Basic YTo=");
    std::string longest(GREET_AUTH_TOKEN_MAX, 'x');
    EXPECT_EQ(gi_basic_auth(longest.c_str(), longest.c_str(), out), GREET_OK);
    EXPECT_EQ(gi_basic_auth((longest + "x").c_str(), "", out), GREET_ETOOBIG);
}

TEST(NoProxy, NamesMatchThemselvesAndTheirSubdomains)
{
    EXPECT_TRUE(gi_noproxy_match("example.com", "example.com"));
    EXPECT_TRUE(gi_noproxy_match("example.com", "www.EXAMPLE.com"));
    EXPECT_TRUE(gi_noproxy_match(".example.com", "www.example.com"));
    EXPECT_TRUE(gi_noproxy_match(".example.com", "example.com"));
    EXPECT_FALSE(gi_noproxy_match("example.com", "badexample.com"));
    EXPECT_FALSE(gi_noproxy_match("www.example.com", "example.com"));
    EXPECT_TRUE(gi_noproxy_match(" a.test , example.com ", "example.com"));
    EXPECT_FALSE(gi_noproxy_match("", "example.com"));
    EXPECT_FALSE(gi_noproxy_match(nullptr, "example.com"));
}

TEST(NoProxy, StarAndIpLiterals)
{
    EXPECT_TRUE(gi_noproxy_match("*", "anything"));
    EXPECT_FALSE(gi_noproxy_match("*.com", "a.com")); // '*' only alone
    EXPECT_TRUE(gi_noproxy_match("127.0.0.1", "127.0.0.1"));
    EXPECT_FALSE(gi_noproxy_match("0.0.1", "127.0.0.1"));
    EXPECT_FALSE(gi_noproxy_match("2.3.4", "1.2.3.4"));
    EXPECT_TRUE(gi_noproxy_match("::1", "::1"));
    EXPECT_TRUE(gi_noproxy_match("[::1]", "::1"));
    EXPECT_FALSE(gi_noproxy_match("::1", "::2"));
}

TEST(ProxyParse, SchemeUserinfoAndDefaultPort)
{
    struct gi_proxy p;
    const char *why = "";
    ASSERT_EQ(gi_proxy_parse("proxy.test", nullptr, nullptr, &p, &why), GREET_OK) << why;
    EXPECT_STREQ(p.host, "proxy.test");
    EXPECT_EQ(p.port, 1080);
    EXPECT_STREQ(p.authority, "proxy.test:1080");
    EXPECT_STREQ(p.authorization, "");
    ASSERT_EQ(
        gi_proxy_parse("HTTP://Aladdin:open%20sesame@[::1]:3128/", nullptr, nullptr, &p, &why),
        GREET_OK)
        << why;
    EXPECT_STREQ(p.host, "::1");
    EXPECT_EQ(p.port, 3128);
    EXPECT_STREQ(p.authority, "[::1]:3128");
    EXPECT_STREQ(p.authorization, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    ASSERT_EQ(gi_proxy_parse("u:p@h:8080", "Aladdin", "open sesame", &p, &why), GREET_OK);
    EXPECT_STREQ(p.authorization, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(ProxyParse, OtherSchemesAndPathsAreRefused)
{
    struct gi_proxy p;
    const char *why = "";
    EXPECT_EQ(gi_proxy_parse("https://h", nullptr, nullptr, &p, &why), GREET_EUNSUPPORTED);
    EXPECT_NE(std::string(why).find("socks5h://"), std::string::npos) << why;
    EXPECT_EQ(gi_proxy_parse("socks4://h", nullptr, nullptr, &p, &why), GREET_EUNSUPPORTED);
    EXPECT_EQ(gi_proxy_parse("socks://h", nullptr, nullptr, &p, &why), GREET_EUNSUPPORTED);
    EXPECT_EQ(gi_proxy_parse("socks5x://h", nullptr, nullptr, &p, &why), GREET_EUNSUPPORTED);
    EXPECT_EQ(gi_proxy_parse("http://h/path", nullptr, nullptr, &p, &why), GREET_EURL);
    EXPECT_EQ(gi_proxy_parse("http://h:99999", nullptr, nullptr, &p, &why), GREET_EURL);
}

TEST(ProxyParse, SocksSchemesPortAndHost)
{
    struct gi_proxy p;
    const char *why = "";
    ASSERT_EQ(gi_proxy_parse("socks5://proxy.test", nullptr, nullptr, &p, &why), GREET_OK) << why;
    EXPECT_EQ(p.kind, GI_PROXY_SOCKS5);
    EXPECT_STREQ(p.host, "proxy.test");
    EXPECT_EQ(p.port, 1080);
    EXPECT_STREQ(p.authority, "proxy.test:1080");
    EXPECT_EQ(p.has_user, 0);
    ASSERT_EQ(gi_proxy_parse("SOCKS5H://[::1]:9050/", nullptr, nullptr, &p, &why), GREET_OK) << why;
    EXPECT_EQ(p.kind, GI_PROXY_SOCKS5H);
    EXPECT_STREQ(p.host, "::1");
    EXPECT_EQ(p.port, 9050);
    EXPECT_STREQ(p.authority, "[::1]:9050");
    ASSERT_EQ(gi_proxy_parse("socks4a://127.0.0.1:1081", nullptr, nullptr, &p, &why), GREET_OK);
    EXPECT_EQ(p.kind, GI_PROXY_SOCKS4A);
    EXPECT_EQ(p.port, 1081);
    ASSERT_EQ(gi_proxy_parse("http://h", nullptr, nullptr, &p, &why), GREET_OK);
    EXPECT_EQ(p.kind, GI_PROXY_HTTP);
    ASSERT_EQ(gi_proxy_parse("h", nullptr, nullptr, &p, &why), GREET_OK);
    EXPECT_EQ(p.kind, GI_PROXY_HTTP); // no scheme: http, as curl
    EXPECT_STREQ(gi_proxy_scheme(GI_PROXY_SOCKS5H), "socks5h");
}

TEST(ProxyParse, SocksCredentialsFromUserinfoOrOptions)
{
    struct gi_proxy p;
    const char *why = "";
    ASSERT_EQ(gi_proxy_parse("socks5h://joe:p%40ss@h", nullptr, nullptr, &p, &why), GREET_OK);
    EXPECT_EQ(p.has_user, 1);
    EXPECT_STREQ(p.user, "joe");
    EXPECT_STREQ(p.password, "p@ss"); // percent-decoded
    ASSERT_EQ(gi_proxy_parse("socks5://joe:x@h", "ann", "secret", &p, &why), GREET_OK);
    EXPECT_STREQ(p.user, "ann"); // --proxy-user wins
    EXPECT_STREQ(p.password, "secret");
    ASSERT_EQ(gi_proxy_parse("socks5://h", "ann", nullptr, &p, &why), GREET_OK);
    EXPECT_STREQ(p.user, "ann");
    EXPECT_STREQ(p.password, "");
    ASSERT_EQ(gi_proxy_parse("socks5://joe@h", nullptr, nullptr, &p, &why), GREET_OK);
    EXPECT_EQ(p.has_user, 1);
    EXPECT_STREQ(p.user, "joe");
    EXPECT_STREQ(p.password, "");
}

TEST(ProxyParse, BadSocksSettings)
{
    struct gi_proxy p;
    const char *why = "";
    EXPECT_EQ(gi_proxy_parse("socks5://", nullptr, nullptr, &p, &why), GREET_EURL);
    EXPECT_EQ(gi_proxy_parse("socks5h://h:0x50", nullptr, nullptr, &p, &why), GREET_EURL);
    EXPECT_EQ(gi_proxy_parse("socks5h://h:1080/path", nullptr, nullptr, &p, &why), GREET_EURL);
    EXPECT_EQ(gi_proxy_parse("socks5h://u:%zz@h", nullptr, nullptr, &p, &why), GREET_EURL);
    EXPECT_EQ(gi_proxy_parse("socks5h://[::1:1080", nullptr, nullptr, &p, &why), GREET_EURL);
    std::string long_user(300, 'u');
    EXPECT_NE(gi_proxy_parse("socks5://h", long_user.c_str(), "", &p, &why), GREET_OK);
    EXPECT_STRNE(why, "");
}

TEST(ProxyForwards, OnlyHttpUrlsThroughAnHttpProxy)
{
    struct gi_proxy p;
    const char *why = "";
    greet_url http, https;
    ASSERT_EQ(greet_url_parse("http://a/", &http), GREET_OK);
    ASSERT_EQ(greet_url_parse("https://a/", &https), GREET_OK);
    ASSERT_EQ(gi_proxy_parse("h", nullptr, nullptr, &p, &why), GREET_OK);
    EXPECT_TRUE(gi_proxy_forwards(&p, &http));
    EXPECT_FALSE(gi_proxy_forwards(&p, &https)); // CONNECT
    ASSERT_EQ(gi_proxy_parse("socks5h://h", nullptr, nullptr, &p, &why), GREET_OK);
    EXPECT_FALSE(gi_proxy_forwards(&p, &http)); // every URL through the SOCKS tunnel
    EXPECT_FALSE(gi_proxy_forwards(&p, &https));
}

namespace
{
std::map<std::string, std::string> g_env; // the fake environment of the getter below

const char *fake_env(const char *name)
{
    auto it = g_env.find(name);
    return it == g_env.end() ? nullptr : it->second.c_str();
}

// The proxy chosen for url with the given options and fake environment: "" when direct.
std::string chosen(const std::map<std::string, std::string> &env, const char *url_text,
                   const char *proxy = nullptr, const char *noproxy = nullptr)
{
    g_env = env;
    greet_fetch_options opt;
    greet_fetch_options_init(&opt);
    opt.proxy = proxy;
    opt.noproxy = noproxy;
    opt.proxy_env = 1;
    struct gi_proxy_conf c;
    gi_proxy_conf_init(&c, &opt, fake_env);
    greet_url url;
    const char *why = "", *text = "";
    EXPECT_EQ(greet_url_parse(url_text, &url), GREET_OK);
    struct gi_proxy p;
    int use = -1;
    EXPECT_EQ(gi_proxy_for(&c, &url, &use, &p, &text, &why), GREET_OK) << why;
    return use ? p.authority : "";
}
} // namespace

TEST(ProxyEnv, SchemeVariablesAsCurlReadsThem)
{
    EXPECT_EQ(chosen({{"http_proxy", "hp:1"}}, "http://a/"), "hp:1");
    EXPECT_EQ(chosen({{"HTTP_PROXY", "hp:1"}}, "http://a/"), ""); // upper case ignored (CGI)
    EXPECT_EQ(chosen({{"http_proxy", "hp:1"}}, "https://a/"), "");
    EXPECT_EQ(chosen({{"HTTPS_PROXY", "sp:2"}}, "https://a/"), "sp:2");
    EXPECT_EQ(chosen({{"https_proxy", "lo:3"}, {"HTTPS_PROXY", "up:2"}}, "https://a/"), "lo:3");
    EXPECT_EQ(chosen({{"ALL_PROXY", "all:4"}}, "http://a/"), "all:4");
    EXPECT_EQ(chosen({{"all_proxy", "all:4"}, {"http_proxy", "hp:1"}}, "http://a/"), "hp:1");
    EXPECT_EQ(chosen({}, "http://a/"), "");
}

TEST(ProxyEnv, OptionsOverrideTheEnvironment)
{
    std::map<std::string, std::string> env = {{"http_proxy", "hp:1"}, {"NO_PROXY", "a"}};
    EXPECT_EQ(chosen(env, "http://a/"), "");                    // NO_PROXY
    EXPECT_EQ(chosen(env, "http://b/"), "hp:1");                // not in NO_PROXY
    EXPECT_EQ(chosen(env, "http://b/", "x:9"), "x:9");          // -x wins over http_proxy
    EXPECT_EQ(chosen(env, "http://a/", "x:9"), "");             // NO_PROXY applies to -x too
    EXPECT_EQ(chosen(env, "http://a/", "x:9", "other"), "x:9"); // --noproxy replaces NO_PROXY
    EXPECT_EQ(chosen(env, "http://b/", "x:9", "*"), "");        // '*': nothing via the proxy
    EXPECT_EQ(chosen(env, "http://b/", ""), "");                // -x '': direct
    EXPECT_EQ(chosen({{"no_proxy", "b"}, {"NO_PROXY", "a"}}, "http://a/", "x:9"), "x:9");
}

TEST(ProxyEnv, WithoutProxyEnvTheEnvironmentIsNotRead)
{
    g_env = {{"http_proxy", "hp:1"}};
    greet_fetch_options opt;
    greet_fetch_options_init(&opt);
    struct gi_proxy_conf c;
    gi_proxy_conf_init(&c, &opt, fake_env);
    EXPECT_EQ(c.http, nullptr);
    EXPECT_EQ(c.noproxy, nullptr);
}
