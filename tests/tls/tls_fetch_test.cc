// https through the fetch engine (greet/fetch.h) and through the greet program, against the TLS
// test server (tls_server.h): verification on by default, --cacert, -k, the bodies' framings,
// redirects between http and https, and where a close without close_notify is fine and where not.
#include <gtest/gtest.h>

#include <string>

#include "greet/fetch.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "tls/tls_server.h"

using greet_test::ProcessResult;

namespace
{

struct Body {
    std::string bytes;
    static int on_body(void *ctx, const void *data, size_t len)
    {
        static_cast<Body *>(ctx)->bytes.append(static_cast<const char *>(data), len);
        return GREET_OK;
    }
};

class TlsFetch : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        if (!TlsTestServer::available()) {
            GTEST_SKIP() << "no TLS test server in this run (see tests/tls/tls_server.h)";
        }
        greet_fetch_options_init(&opt);
        greet_fetch_result_init(&result);
        opt.max_time_ms = 20000; // no test may hang the suite
        opt.ca_file = ca.c_str();
    }
    int fetch(const std::string &url)
    {
        greet_fetch_sink sink;
        greet_fetch_sink_init(&sink);
        sink.ctx = &body;
        sink.on_body = Body::on_body;
        return greet_fetch(url.c_str(), &opt, &sink, &result);
    }
    static std::string url(const TlsTestServer &s, const std::string &path,
                           const std::string &host = "localhost")
    {
        return "https://" + host + ":" + std::to_string(s.port()) + path;
    }

    std::string ca = tls_fixture("ca.pem");
    greet_fetch_options opt;
    greet_fetch_result result;
    Body body;
};

class TlsFetchCli : public TlsFetch
{
  protected:
    ProcessResult greet(std::vector<std::string> args)
    {
        args.insert(args.begin(), {greet_test::greet_exe(), "fetch"});
        return greet_test::run_process(args, "", 60000);
    }
    TempDir dir;
};

} // namespace

TEST_F(TlsFetch, ContentLengthBodyOverTls)
{
    TlsTestServer server("server");
    ASSERT_EQ(fetch(url(server, "/reply")), GREET_OK) << result.message;
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(body.bytes, "hello");
}

TEST_F(TlsFetch, ChunkedBodyOverTls)
{
    TlsTestServer server("server");
    ASSERT_EQ(fetch(url(server, "/chunked")), GREET_OK) << result.message;
    EXPECT_EQ(body.bytes, "hello world");
}

TEST_F(TlsFetch, RateLimitedReadsTakeRecordsInPieces)
{
    TlsTestServer server("server");
    opt.limit_rate = 100; // 2 bytes a read: each TLS record is handed out in many pieces
    ASSERT_EQ(fetch(url(server, "/chunked")), GREET_OK) << result.message;
    EXPECT_EQ(body.bytes, "hello world");
}

TEST_F(TlsFetch, CloseDelimitedBodyEndedByCloseNotify)
{
    TlsTestServer server("server");
    ASSERT_EQ(fetch(url(server, "/large", "127.0.0.1")), GREET_OK) << result.message;
    EXPECT_TRUE(body.bytes == tls_large_body());
}

TEST_F(TlsFetch, CloseWithoutCloseNotifyAfterACompleteBodyIsFine)
{
    TlsTestServer server("server");
    ASSERT_EQ(fetch(url(server, "/abrupt")), GREET_OK) << result.message;
    EXPECT_EQ(body.bytes, "hello");
}

TEST_F(TlsFetch, CloseWithoutCloseNotifyBeforeTheEndIsAnError)
{
    TlsTestServer server("server");
    EXPECT_EQ(fetch(url(server, "/short-abrupt")), GREET_ECLOSED);
    EXPECT_NE(std::string(result.message).find("5 of 100"), std::string::npos) << result.message;
}

TEST_F(TlsFetch, ExpiredCertificateEndsWithTheReason)
{
    TlsTestServer server("expired");
    EXPECT_EQ(fetch(url(server, "/reply")), GREET_ECERT);
    EXPECT_NE(std::string(result.message).find("expired"), std::string::npos) << result.message;
    EXPECT_EQ(body.bytes, "");
}

TEST_F(TlsFetch, SystemStoreDoesNotTrustTheTestCa)
{
    TlsTestServer server("server");
    opt.ca_file = nullptr;
    EXPECT_EQ(fetch(url(server, "/reply")), GREET_ECERT);
    EXPECT_NE(std::string(result.message).find("unknown issuer"), std::string::npos)
        << result.message;
}

TEST_F(TlsFetch, InsecureSkipsTheChecks)
{
    TlsTestServer server("wronghost");
    opt.ca_file = nullptr;
    opt.insecure = 1;
    ASSERT_EQ(fetch(url(server, "/reply")), GREET_OK) << result.message;
    EXPECT_EQ(body.bytes, "hello");
}

TEST_F(TlsFetch, UnreadableCaFileIsATlsSetupError)
{
    TlsTestServer server("server");
    std::string missing = tls_fixture("no-such-ca.pem");
    opt.ca_file = missing.c_str();
    EXPECT_EQ(fetch(url(server, "/reply")), GREET_ETLS);
    EXPECT_NE(std::string(result.message).find("no-such-ca.pem"), std::string::npos)
        << result.message;
}

TEST_F(TlsFetch, RedirectsGoFromHttpToHttpsAndBack)
{
    TlsTestServer tls("server");
    greet_test::HttpServer http;
    ASSERT_TRUE(http.ok());
    http.on("/start",
            greet_test::redirect_reply(302, url(tls, "/to-http/" + std::to_string(http.port()))));
    http.on("/end", greet_test::ok_reply("plain again"));
    opt.follow_redirects = 1;
    ASSERT_EQ(fetch(http.url("/start")), GREET_OK) << result.message;
    EXPECT_EQ(result.redirects, 2);
    EXPECT_EQ(body.bytes, "plain again");
}

TEST_F(TlsFetchCli, GoodCertificateWithCacert)
{
    TlsTestServer server("server");
    std::string file = dir.file("out.txt");
    ProcessResult r = greet({"-s", "--cacert", ca, url(server, "/chunked"), "-o", file});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "hello world");
    EXPECT_EQ(r.err, "");
}

TEST_F(TlsFetchCli, CertificateFailuresExitTenAndSayWhy)
{
    const char *cases[][2] = {
        {"unknown", "unknown issuer"}, {"wronghost", "name mismatch"}, {"expired", "expired"}};
    for (const auto &c : cases) {
        TlsTestServer server(c[0]);
        std::string file = dir.file(std::string(c[0]) + ".txt");
        ProcessResult r = greet({"-s", "--cacert", ca, url(server, "/reply"), "-o", file});
        EXPECT_EQ(r.exit_code, 10) << c[0] << ": " << r.err;
        EXPECT_NE(r.err.find("certificate verification failed"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(c[1]), std::string::npos) << r.err;
        EXPECT_EQ(read_file_utf8(file), "<missing>");
    }
}

TEST_F(TlsFetchCli, InsecureWorksAndWarns)
{
    TlsTestServer server("unknown");
    ProcessResult r = greet({"-s", "-k", url(server, "/reply")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello");
    EXPECT_NE(r.err.find("warning: --insecure"), std::string::npos) << r.err;
}

TEST_F(TlsFetchCli, CutShortBodyExitsSixAndLeavesNoFile)
{
    TlsTestServer server("server");
    std::string file = dir.file("short.txt");
    ProcessResult r = greet({"-s", "--cacert", ca, url(server, "/short-abrupt"), "-o", file});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("5 of 100"), std::string::npos) << r.err;
    EXPECT_EQ(read_file_utf8(file), "<missing>");
}
