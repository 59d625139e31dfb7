// The TLS contract (gp_tls.h) against the TLS test server (tls_server.h): handshakes, the
// certificate checks and their messages, the two ways a session can end, and timeouts. The same
// cases run on every backend: OpenSSL here, SChannel under Wine against tls_server.py.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "gp_tls.h"
#include "tls/tls_server.h"

namespace
{

// A request head for a scenario of the test server.
std::string request(const std::string &path)
{
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

struct Client {
    gp_tls_ctx *ctx = nullptr;
    gp_socket sock = GP_SOCKET_INVALID;
    gp_tls *tls = nullptr;

    Client()
    {
        EXPECT_EQ(gp_net_init(), GREET_OK);
    }
    ~Client()
    {
        gp_tls_close(tls);
        gp_sock_close(sock);
        gp_tls_ctx_destroy(ctx);
        gp_net_fini();
    }

    // Connects to 127.0.0.1:port and runs the handshake for name; returns its greet_err.
    int connect(uint16_t port, const char *name, const char *ca_file, int insecure = 0,
                int timeout_ms = 10000)
    {
        gp_tls_options opts = {ca_file, insecure};
        gp_addr addr;
        size_t count = 0;
        int rc = gp_tls_ctx_create(&opts, &ctx);
        if (rc != GREET_OK) {
            return rc;
        }
        EXPECT_EQ(gp_resolve("127.0.0.1", port, GP_AF_INET4, 0, &addr, 1, &count), GREET_OK);
        EXPECT_EQ(gp_sock_connect(&addr, gp_deadline_in(5000), &sock), GREET_OK);
        return gp_tls_connect(ctx, sock, name, gp_deadline_in(timeout_ms), &tls);
    }

    // Reads until the session ends; *end gets the final code (GREET_OK: close_notify).
    std::string read_all(int *end)
    {
        std::string out;
        char buf[1000];
        size_t got = 0;
        for (int i = 0; i < 100000; i++) {
            *end = gp_tls_read(tls, buf, sizeof buf, &got, gp_deadline_in(10000));
            if (*end != GREET_OK || got == 0) {
                break;
            }
            out.append(buf, got);
        }
        return out;
    }
};

std::string error_text(int rc)
{
    char buf[512];
    return greet_error_text(rc, buf, sizeof buf);
}

std::string ca()
{
    return tls_fixture("ca.pem");
}

class TlsLayer : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        if (!TlsTestServer::available()) {
            GTEST_SKIP() << "no TLS test server in this run (see tests/tls/tls_server.h)";
        }
    }
};

// Sends a scenario's request on an established session.
void send_request(Client &c, const std::string &path)
{
    std::string head = request(path);
    ASSERT_EQ(gp_tls_write_all(c.tls, head.data(), head.size(), gp_deadline_in(10000)), GREET_OK);
}

} // namespace

TEST_F(TlsLayer, BackendNamesItself)
{
    EXPECT_NE(std::string(gp_tls_backend()), "none");
    EXPECT_NE(std::string(gp_tls_backend()), "");
}

TEST_F(TlsLayer, GoodCertificateWithCaFileCarriesBytesBothWaysAndEndsCleanly)
{
    TlsTestServer server("server");
    Client c;
    ASSERT_EQ(c.connect(server.port(), "localhost", ca().c_str()), GREET_OK);
    send_request(c, "/reply");
    int end = -1;
    EXPECT_EQ(c.read_all(&end), kTlsReply);
    EXPECT_EQ(end, GREET_OK) << error_text(end);
}

TEST_F(TlsLayer, IpLiteralIsCheckedAgainstTheCertificatesIpAddresses)
{
    TlsTestServer server("server");
    Client c;
    EXPECT_EQ(c.connect(server.port(), "127.0.0.1", ca().c_str()), GREET_OK);
}

TEST_F(TlsLayer, UnknownIssuerIsRejectedWithTheReason)
{
    TlsTestServer server("unknown");
    Client c;
    int rc = c.connect(server.port(), "localhost", ca().c_str());
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("unknown issuer"), std::string::npos) << error_text(rc);
}

TEST_F(TlsLayer, TestCaIsNotTrustedWithoutCaFile)
{
    TlsTestServer server("server");
    Client c;
    int rc = c.connect(server.port(), "localhost", nullptr);
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("unknown issuer"), std::string::npos) << error_text(rc);
}

TEST_F(TlsLayer, WrongHostNameIsRejectedWithTheReason)
{
    TlsTestServer server("wronghost");
    Client c;
    int rc = c.connect(server.port(), "localhost", ca().c_str());
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("name mismatch"), std::string::npos) << error_text(rc);
}

TEST_F(TlsLayer, WrongIpAddressIsRejected)
{
    TlsTestServer server("wronghost");
    Client c;
    int rc = c.connect(server.port(), "127.0.0.1", ca().c_str());
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("name mismatch"), std::string::npos) << error_text(rc);
}

TEST_F(TlsLayer, ExpiredCertificateIsRejectedWithTheReason)
{
    TlsTestServer server("expired");
    Client c;
    int rc = c.connect(server.port(), "localhost", ca().c_str());
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("expired"), std::string::npos) << error_text(rc);
}

TEST_F(TlsLayer, InsecureAcceptsAnyCertificate)
{
    for (const char *cert : {"unknown", "expired", "wronghost"}) {
        TlsTestServer server(cert);
        Client c;
        ASSERT_EQ(c.connect(server.port(), "localhost", nullptr, 1), GREET_OK) << cert;
        send_request(c, "/reply");
        int end = -1;
        EXPECT_EQ(c.read_all(&end), kTlsReply) << cert;
    }
}

TEST_F(TlsLayer, CloseWithoutCloseNotifyIsReportedDistinctly)
{
    TlsTestServer server("server");
    Client c;
    ASSERT_EQ(c.connect(server.port(), "localhost", ca().c_str()), GREET_OK);
    send_request(c, "/abrupt");
    int end = -1;
    EXPECT_EQ(c.read_all(&end), kTlsReply);
    EXPECT_EQ(end, GREET_ECLOSED) << error_text(end);
}

TEST_F(TlsLayer, LargeReplyArrivesIntact)
{
    TlsTestServer server("server");
    Client c;
    ASSERT_EQ(c.connect(server.port(), "localhost", ca().c_str()), GREET_OK);
    send_request(c, "/large");
    int end = -1;
    EXPECT_TRUE(c.read_all(&end) == tls_scenario_reply("/large"));
    EXPECT_EQ(end, GREET_OK);
}

TEST_F(TlsLayer, ReadTimesOutWhenTheServerIsSilent)
{
    TlsTestServer server("server");
    Client c;
    ASSERT_EQ(c.connect(server.port(), "localhost", ca().c_str()), GREET_OK);
    send_request(c, "/silent");
    char buf[100];
    size_t got = 1;
    uint64_t start = gp_clock_ms();
    EXPECT_EQ(gp_tls_read(c.tls, buf, sizeof buf, &got, gp_deadline_in(200)), GREET_ETIMEDOUT);
    EXPECT_EQ(got, 0u);
    EXPECT_LT(gp_clock_ms() - start, 5000u);
}

TEST_F(TlsLayer, HandshakeTimesOutWhenThePeerNeverAnswers)
{
    // A listener nobody accepts on: the kernel completes the TCP handshake, then silence.
    gp_addr addr;
    size_t count = 0;
    gp_socket listener = GP_SOCKET_INVALID;
    ASSERT_EQ(gp_net_init(), GREET_OK);
    ASSERT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, &addr, 1, &count), GREET_OK);
    ASSERT_EQ(gp_sock_listen(&addr, 4, &listener), GREET_OK);
    ASSERT_EQ(gp_sock_local_addr(listener, &addr), GREET_OK);
    {
        Client c;
        uint64_t start = gp_clock_ms();
        EXPECT_EQ(c.connect(gp_addr_port(&addr), "localhost", ca().c_str(), 0, 200),
                  GREET_ETIMEDOUT);
        EXPECT_LT(gp_clock_ms() - start, 5000u);
    }
    gp_sock_close(listener);
    gp_net_fini();
}

TEST_F(TlsLayer, PlainTextPeerIsATlsError)
{
    // A listener that answers the ClientHello with plain HTTP, as a misconfigured port would.
    gp_addr addr;
    size_t count = 0;
    gp_socket listener = GP_SOCKET_INVALID;
    ASSERT_EQ(gp_net_init(), GREET_OK);
    ASSERT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, &addr, 1, &count), GREET_OK);
    ASSERT_EQ(gp_sock_listen(&addr, 4, &listener), GREET_OK);
    ASSERT_EQ(gp_sock_local_addr(listener, &addr), GREET_OK);
    std::thread peer([listener] {
        gp_socket s = GP_SOCKET_INVALID;
        if (gp_sock_accept(listener, 0, &s, nullptr) == GREET_OK) {
            const char text[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
            gp_sock_send_all(s, text, sizeof text - 1);
            gp_sock_shutdown(s, GP_SHUT_WR);
            char buf[4096];
            size_t got = 0;
            while (gp_sock_recv(s, buf, sizeof buf, &got) == GREET_OK && got > 0) {
            }
            gp_sock_close(s);
        }
    });
    {
        Client c;
        int rc = c.connect(gp_addr_port(&addr), "localhost", ca().c_str());
        EXPECT_EQ(rc, GREET_ETLS) << error_text(rc);
        EXPECT_NE(error_text(rc).find("TLS error ("), std::string::npos) << error_text(rc);
    }
    peer.join();
    gp_sock_close(listener);
    gp_net_fini();
}
