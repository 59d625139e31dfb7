// URL parsing, resolution (RFC 3986 section 5.2), the Host header and formatting.
#include <gtest/gtest.h>

#include <string>

#include "greet/error.h"
#include "greet/url.h"
#include "url_internal.h" /* the tests read the parts directly */

namespace
{

greet_url parsed(const char *text)
{
    greet_url u{};
    EXPECT_EQ(greet_url_parse(text, &u), GREET_OK) << text << ": " << greet_url_reason(&u);
    EXPECT_STREQ(greet_url_reason(&u), "") << "no reason after a success";
    return u;
}

std::string formatted(const greet_url &u)
{
    char buf[GREET_URL_TEXT_MAX];
    EXPECT_EQ(greet_url_format(&u, buf, sizeof buf), GREET_OK);
    return buf;
}

std::string host_header(const greet_url &u)
{
    char buf[GREET_URL_HOST_HEADER_MAX];
    EXPECT_EQ(greet_url_host_header(&u, buf, sizeof buf), GREET_OK);
    return buf;
}

// The error code and the reason for a URL that must be refused.
std::string refusal(const char *text, int expected)
{
    greet_url u{};
    EXPECT_EQ(greet_url_parse(text, &u), expected) << text;
    EXPECT_STRNE(greet_url_reason(&u), "") << text << ": a failure always has a reason";
    return greet_url_reason(&u);
}

std::string resolved(const char *base, const char *ref)
{
    greet_url b = parsed(base), out{};
    EXPECT_EQ(greet_url_resolve(&b, ref, &out), GREET_OK) << ref << ": " << greet_url_reason(&out);
    return formatted(out);
}

} // namespace

TEST(Url, ParsesSchemeHostPortAndTarget)
{
    greet_url u = parsed("http://www.sina.com.cn:8080/a/b.html?x=1&y=2#top");
    EXPECT_STREQ(u.scheme, "http");
    EXPECT_STREQ(u.host, "www.sina.com.cn");
    EXPECT_EQ(u.port, 8080);
    EXPECT_EQ(u.port_explicit, 1);
    EXPECT_EQ(u.host_ipv6, 0);
    EXPECT_STREQ(u.target, "/a/b.html?x=1&y=2");
}

TEST(Url, MissingPathIsSlashAndPortIsTheDefault)
{
    greet_url u = parsed("http://example.com");
    EXPECT_STREQ(u.target, "/");
    EXPECT_EQ(u.port, 80);
    EXPECT_EQ(u.port_explicit, 0);
    EXPECT_STREQ(parsed("http://example.com?q").target, "/?q");
    EXPECT_STREQ(parsed("http://example.com#frag").target, "/");
    EXPECT_EQ(parsed("http://example.com:/x").port_explicit, 0);
}

TEST(Url, SchemeAndHostAreCaseInsensitive)
{
    greet_url u = parsed("HTTP://Example.COM/Path");
    EXPECT_STREQ(u.scheme, "http");
    EXPECT_STREQ(u.host, "example.com");
    EXPECT_STREQ(u.target, "/Path");
}

TEST(Url, HttpsParsesWithPort443)
{
    greet_url u = parsed("https://example.com/");
    EXPECT_STREQ(u.scheme, "https");
    EXPECT_EQ(u.port, 443);
    EXPECT_EQ(greet_url_default_port("https"), 443);
    EXPECT_EQ(greet_url_default_port("ftp"), 0);
}

TEST(Url, TextWithoutSchemeIsHttpAsCurlGuesses)
{
    greet_url u = parsed("localhost:8080/x");
    EXPECT_STREQ(u.scheme, "http");
    EXPECT_STREQ(u.host, "localhost");
    EXPECT_EQ(u.port, 8080);
    EXPECT_STREQ(parsed("example.com").host, "example.com");
}

TEST(Url, Ipv6LiteralsLoseTheirBrackets)
{
    greet_url u = parsed("http://[::1]:8080/");
    EXPECT_STREQ(u.host, "::1");
    EXPECT_EQ(u.host_ipv6, 1);
    EXPECT_EQ(u.port, 8080);
    EXPECT_STREQ(parsed("http://[2001:DB8::a:1]/").host, "2001:db8::a:1");
    EXPECT_STREQ(parsed("http://[::ffff:192.0.2.1]/").host, "::ffff:192.0.2.1");
    EXPECT_STREQ(parsed("http://[1:2:3:4:5:6:7:8]").host, "1:2:3:4:5:6:7:8");
}

TEST(Url, Ipv6ZoneIsDecodedAndKept)
{
    EXPECT_STREQ(parsed("http://[fe80::1%25eth0]/").host, "fe80::1%eth0");
    EXPECT_STREQ(parsed("http://[fe80::1%eth0]/").host, "fe80::1%eth0");
}

TEST(Url, PercentEncodingIsKeptAndNonAsciiIsEncoded)
{
    EXPECT_STREQ(parsed("http://h/a%20b%2Fc?q=%41").target, "/a%20b%2Fc?q=%41");
    EXPECT_STREQ(parsed("http://h/\xe4\xb8\xad?\xe6").target, "/%E4%B8%AD?%E6");
}

TEST(Url, DotSegmentsAreRemovedFromThePathOnly)
{
    EXPECT_STREQ(parsed("http://h/a/./b/../c/?x=/../").target, "/a/c/?x=/../");
    EXPECT_STREQ(parsed("http://h/../../x").target, "/x");
    EXPECT_STREQ(parsed("http://h/a/..").target, "/");
}

TEST(Url, UserInfoIsRefusedWithAReason)
{
    std::string why = refusal("http://user:pass@example.com/", GREET_EURL);
    EXPECT_NE(why.find("user-info"), std::string::npos) << why;
}

TEST(Url, BadPortsAreRefused)
{
    EXPECT_NE(refusal("http://h:65536/", GREET_EURL).find("range"), std::string::npos);
    EXPECT_NE(refusal("http://h:0/", GREET_EURL).find("range"), std::string::npos);
    EXPECT_NE(refusal("http://h:99999999999999999999/", GREET_EURL).find("range"),
              std::string::npos);
    EXPECT_NE(refusal("http://h:8a/", GREET_EURL).find("invalid port"), std::string::npos);
    EXPECT_NE(refusal("http://h:-1/", GREET_EURL).find("invalid port"), std::string::npos);
    EXPECT_EQ(parsed("http://h:65535/").port, 65535);
}

TEST(Url, SpacesAndControlCharactersAreRefused)
{
    EXPECT_NE(refusal("http://h/a b", GREET_EURL).find("space"), std::string::npos);
    refusal("http://h/a\tb", GREET_EURL);
    refusal("http://h/\x7f", GREET_EURL);
    refusal("http://h/#frag\x01", GREET_EURL);
    refusal(" http://h/", GREET_EURL);
}

TEST(Url, MalformedHostsAreRefused)
{
    EXPECT_EQ(refusal("http:///path", GREET_EURL), "missing host");
    EXPECT_EQ(refusal("http://:80/", GREET_EURL), "missing host");
    refusal("http://exa$mple.com/", GREET_EURL);
    refusal("http://ex%41mple.com/", GREET_EURL);
    EXPECT_NE(refusal("http://\xe4\xb8\xad.cn/", GREET_EURL).find("non-ASCII"), std::string::npos);
    refusal("http://[::1/", GREET_EURL);
    refusal("http://[::1]x/", GREET_EURL);
    refusal("http://[1:::2]/", GREET_EURL);
    refusal("http://[12345::]/", GREET_EURL);
    refusal("http://[1:2:3:4:5:6:7:8:9]/", GREET_EURL);
    refusal("http://[1:2:3:4:5:6:7]/", GREET_EURL);
    refusal("http://[::1:]/", GREET_EURL);
    refusal("http://[::256.0.0.1]/", GREET_EURL);
    refusal("http://[fe80::1%25]/", GREET_EURL);
    refusal("http://[fe80::1%25e/0]/", GREET_EURL);
    refusal("http://[]/", GREET_EURL);
    EXPECT_EQ(refusal(("http://" + std::string(300, 'a') + "/").c_str(), GREET_ETOOBIG),
              "host too long");
}

TEST(Url, OtherSchemesAreUnsupported)
{
    refusal("ftp://example.com/", GREET_EUNSUPPORTED);
    refusal("gopher://example.com/", GREET_EUNSUPPORTED);
    refusal("mailto:someone", GREET_EUNSUPPORTED);
    refusal("http:example.com", GREET_EURL);
}

TEST(Url, TargetLongerThanTheLimitIsTooBig)
{
    std::string ok = "http://h/" + std::string(GREET_URL_TARGET_MAX - 1, 'a');
    EXPECT_EQ(strlen(parsed(ok.c_str()).target), size_t(GREET_URL_TARGET_MAX));
    refusal((ok + "b").c_str(), GREET_ETOOBIG);
}

TEST(Url, FailureLeavesTheOutputUnchanged)
{
    greet_url u = parsed("http://keep.example/");
    EXPECT_EQ(greet_url_parse("http://a@b/", &u), GREET_EURL);
    EXPECT_STREQ(u.host, "keep.example");
    EXPECT_NE(std::string(greet_url_reason(&u)).find("user-info"), std::string::npos);
    EXPECT_EQ(greet_url_parse("http://again.example/", &u), GREET_OK);
    EXPECT_STREQ(greet_url_reason(&u), "") << "a success forgets the last failure's reason";
}

TEST(Url, HostHeaderShowsOnlyANonDefaultPort)
{
    EXPECT_EQ(host_header(parsed("http://example.com/")), "example.com");
    EXPECT_EQ(host_header(parsed("http://example.com:80/")), "example.com");
    EXPECT_EQ(host_header(parsed("http://example.com:8080/")), "example.com:8080");
    EXPECT_EQ(host_header(parsed("https://example.com:443/")), "example.com");
    EXPECT_EQ(host_header(parsed("http://[::1]:8080/")), "[::1]:8080");
    EXPECT_EQ(host_header(parsed("http://[fe80::1%25eth0]/")), "[fe80::1]");
}

TEST(Url, HostHeaderReportsASmallBuffer)
{
    greet_url u = parsed("http://example.com:8080/");
    char small[8];
    EXPECT_EQ(greet_url_host_header(&u, small, sizeof small), GREET_ETOOBIG);
}

TEST(Url, FormatRoundTrips)
{
    const char *urls[] = {"http://example.com/", "http://example.com:80/x?y", "http://[::1]:8080/a",
                          "http://[fe80::1%25eth0]/", "https://h:8443/p?q=%20"};
    for (const char *text : urls) {
        greet_url u = parsed(text), again;
        EXPECT_EQ(formatted(u), text);
        ASSERT_EQ(greet_url_parse(formatted(u).c_str(), &again), GREET_OK);
        EXPECT_EQ(formatted(again), text);
    }
}

TEST(Url, FormatReportsASmallBuffer)
{
    greet_url u = parsed("http://example.com/");
    char small[10];
    EXPECT_EQ(greet_url_format(&u, small, sizeof small), GREET_ETOOBIG);
}

// RFC 3986 section 5.4.1, normal examples (base http://a/b/c/d;p?q), except the ones with
// another scheme (g:h) and the fragment results (fragments are dropped).
TEST(UrlResolve, Rfc3986NormalExamples)
{
    const char *base = "http://a/b/c/d;p?q";
    const char *cases[][2] = {
        {"g", "http://a/b/c/g"},
        {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},
        {"//g", "http://g/"},
        {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q"},
        {"g#s", "http://a/b/c/g"},
        {"g?y#s", "http://a/b/c/g?y"},
        {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"},
        {"g;x?y#s", "http://a/b/c/g;x?y"},
        {"", "http://a/b/c/d;p?q"},
        {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},
        {"..", "http://a/b/"},
        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},
        {"../..", "http://a/"},
        {"../../", "http://a/"},
        {"../../g", "http://a/g"},
    };
    for (const auto &c : cases) {
        EXPECT_EQ(resolved(base, c[0]), c[1]) << c[0];
    }
}

// RFC 3986 section 5.4.2, abnormal examples.
TEST(UrlResolve, Rfc3986AbnormalExamples)
{
    const char *base = "http://a/b/c/d;p?q";
    const char *cases[][2] = {
        {"../../../g", "http://a/g"},
        {"../../../../g", "http://a/g"},
        {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."},
        {".g", "http://a/b/c/.g"},
        {"g..", "http://a/b/c/g.."},
        {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"},
        {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
        {"g;x=1/../y", "http://a/b/c/y"},
        {"g?y/./x", "http://a/b/c/g?y/./x"},
        {"g?y/../x", "http://a/b/c/g?y/../x"},
        {"http:g", "http://a/b/c/g"},
    };
    for (const auto &c : cases) {
        EXPECT_EQ(resolved(base, c[0]), c[1]) << c[0];
    }
}

TEST(UrlResolve, AbsoluteAndSchemeRelativeReferencesReplaceTheBase)
{
    EXPECT_EQ(resolved("http://a:8080/x", "http://b/y"), "http://b/y");
    EXPECT_EQ(resolved("http://a:8080/x", "HTTPS://b:444/y#f"), "https://b:444/y");
    EXPECT_EQ(resolved("http://a:8080/x", "//b/y"), "http://b/y");
    EXPECT_EQ(resolved("http://a:8080/x", "//[::1]:81"), "http://[::1]:81/");
}

TEST(UrlResolve, RelativeReferencesKeepTheBaseAuthority)
{
    EXPECT_EQ(resolved("http://a:8080/x/y", "z"), "http://a:8080/x/z");
    EXPECT_EQ(resolved("http://[::1]:8080/x/y", "/z"), "http://[::1]:8080/z");
    EXPECT_EQ(resolved("http://a:80/x", "/z"), "http://a:80/z");
    EXPECT_EQ(resolved("http://a/x?q", "?r"), "http://a/x?r");
    EXPECT_EQ(resolved("http://a/", "../../../z"), "http://a/z");
}

TEST(UrlResolve, OutputMayBeTheBase)
{
    greet_url u = parsed("http://a/b/c");
    ASSERT_EQ(greet_url_resolve(&u, "../d?e", &u), GREET_OK);
    EXPECT_EQ(formatted(u), "http://a/d?e");
}

TEST(UrlResolve, BadReferencesAreRefusedAndTheOutputKept)
{
    greet_url base = parsed("http://a/b"), out = parsed("http://keep/");
    EXPECT_EQ(greet_url_resolve(&base, "ftp://x/", &out), GREET_EUNSUPPORTED);
    EXPECT_STREQ(greet_url_reason(&out), "unsupported URL scheme (only http and https)");
    EXPECT_EQ(greet_url_resolve(&base, "mailto:x", &out), GREET_EUNSUPPORTED);
    EXPECT_EQ(greet_url_resolve(&base, "//user@x/", &out), GREET_EURL);
    EXPECT_EQ(greet_url_resolve(&base, "/a b", &out), GREET_EURL);
    EXPECT_EQ(greet_url_resolve(&base, "https:x", &out), GREET_EURL);
    std::string huge(GREET_URL_TEXT_MAX, 'a');
    EXPECT_EQ(greet_url_resolve(&base, huge.c_str(), &out), GREET_ETOOBIG);
    EXPECT_STREQ(greet_url_reason(&out), "URL too long");
    EXPECT_STREQ(out.host, "keep");
}
