// The TLS contract (gp_tls.h) against the in-process OpenSSL test server: handshakes, the
// certificate checks and their messages, the two ways a session can end, and timeouts.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "gp_tls.h"
#include "tls/tls_server.h"

namespace
{

const char kRequest[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
const char kReply[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

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
        EXPECT_EQ(gp_sock_connect(&addr, 5000, &sock), GREET_OK);
        return gp_tls_connect(ctx, sock, name, timeout_ms, &tls);
    }

    // Reads until the session ends; *end gets the final code (GREET_OK: close_notify).
    std::string read_all(int *end)
    {
        std::string out;
        char buf[1000];
        size_t got = 0;
        for (int i = 0; i < 100000; i++) {
            *end = gp_tls_read(tls, buf, sizeof buf, &got, 10000);
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

} // namespace

TEST(TlsLayer, BackendNamesItself)
{
    EXPECT_NE(std::string(gp_tls_backend()), "none");
    EXPECT_NE(std::string(gp_tls_backend()), "");
}

TEST(TlsLayer, GoodCertificateWithCaFileCarriesBytesBothWaysAndEndsCleanly)
{
    TlsTestServer server("server", kReply);
    Client c;
    ASSERT_EQ(c.connect(server.port(), "localhost", ca().c_str()), GREET_OK);
    ASSERT_EQ(gp_tls_write_all(c.tls, kRequest, sizeof kRequest - 1, 10000), GREET_OK);
    int end = -1;
    EXPECT_EQ(c.read_all(&end), kReply);
    EXPECT_EQ(end, GREET_OK) << error_text(end);
    EXPECT_EQ(server.last_request(), kRequest);
}

TEST(TlsLayer, IpLiteralIsCheckedAgainstTheCertificatesIpAddresses)
{
    TlsTestServer server("server", kReply);
    Client c;
    EXPECT_EQ(c.connect(server.port(), "127.0.0.1", ca().c_str()), GREET_OK);
}

TEST(TlsLayer, UnknownIssuerIsRejectedWithTheReason)
{
    TlsTestServer server("unknown");
    Client c;
    int rc = c.connect(server.port(), "localhost", ca().c_str());
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("unknown issuer"), std::string::npos) << error_text(rc);
}

TEST(TlsLayer, TestCaIsNotTrustedWithoutCaFile)
{
    TlsTestServer server("server");
    Client c;
    int rc = c.connect(server.port(), "localhost", nullptr);
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("unknown issuer"), std::string::npos) << error_text(rc);
}

TEST(TlsLayer, WrongHostNameIsRejectedWithTheReason)
{
    TlsTestServer server("wronghost");
    Client c;
    int rc = c.connect(server.port(), "localhost", ca().c_str());
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("name mismatch"), std::string::npos) << error_text(rc);
}

TEST(TlsLayer, WrongIpAddressIsRejected)
{
    TlsTestServer server("wronghost");
    Client c;
    int rc = c.connect(server.port(), "127.0.0.1", ca().c_str());
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("name mismatch"), std::string::npos) << error_text(rc);
}

TEST(TlsLayer, ExpiredCertificateIsRejectedWithTheReason)
{
    TlsTestServer server("expired");
    Client c;
    int rc = c.connect(server.port(), "localhost", ca().c_str());
    EXPECT_EQ(rc, GREET_ECERT);
    EXPECT_NE(error_text(rc).find("expired"), std::string::npos) << error_text(rc);
}

TEST(TlsLayer, InsecureAcceptsAnyCertificate)
{
    for (const char *cert : {"unknown", "expired", "wronghost"}) {
        TlsTestServer server(cert, kReply);
        Client c;
        ASSERT_EQ(c.connect(server.port(), "localhost", nullptr, 1), GREET_OK) << cert;
        ASSERT_EQ(gp_tls_write_all(c.tls, kRequest, sizeof kRequest - 1, 10000), GREET_OK);
        int end = -1;
        EXPECT_EQ(c.read_all(&end), kReply) << cert;
    }
}

TEST(TlsLayer, CloseWithoutCloseNotifyIsReportedDistinctly)
{
    TlsTestServer server("server", kReply, TlsTestServer::End::Abrupt);
    Client c;
    ASSERT_EQ(c.connect(server.port(), "localhost", ca().c_str()), GREET_OK);
    ASSERT_EQ(gp_tls_write_all(c.tls, kRequest, sizeof kRequest - 1, 10000), GREET_OK);
    int end = -1;
    EXPECT_EQ(c.read_all(&end), kReply);
    EXPECT_EQ(end, GREET_ECLOSED) << error_text(end);
}

TEST(TlsLayer, LargeReplyArrivesIntact)
{
    std::string body(3 * 1024 * 1024 + 17, '\0');
    for (size_t i = 0; i < body.size(); i++) {
        body[i] = static_cast<char>(i * 131 + i / 7);
    }
    TlsTestServer server("server", body);
    Client c;
    ASSERT_EQ(c.connect(server.port(), "localhost", ca().c_str()), GREET_OK);
    ASSERT_EQ(gp_tls_write_all(c.tls, kRequest, sizeof kRequest - 1, 10000), GREET_OK);
    int end = -1;
    EXPECT_TRUE(c.read_all(&end) == body);
    EXPECT_EQ(end, GREET_OK);
}

TEST(TlsLayer, ReadTimesOutWhenTheServerIsSilent)
{
    TlsTestServer server("server", kReply);
    server.set_silent(true);
    Client c;
    ASSERT_EQ(c.connect(server.port(), "localhost", ca().c_str()), GREET_OK);
    ASSERT_EQ(gp_tls_write_all(c.tls, kRequest, sizeof kRequest - 1, 10000), GREET_OK);
    char buf[100];
    size_t got = 1;
    uint64_t start = gp_clock_ms();
    EXPECT_EQ(gp_tls_read(c.tls, buf, sizeof buf, &got, 200), GREET_ETIMEDOUT);
    EXPECT_EQ(got, 0u);
    EXPECT_LT(gp_clock_ms() - start, 5000u);
}

TEST(TlsLayer, HandshakeTimesOutWhenThePeerNeverAnswers)
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

TEST(TlsLayer, PlainTextPeerIsATlsError)
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
        if (gp_sock_accept(listener, &s, nullptr) == GREET_OK) {
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
