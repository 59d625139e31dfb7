#include "tls/tls_server.h"

#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

std::string tls_fixture(const std::string &name)
{
    return std::string(GREET_SOURCE_DIR) + "/tests/data/tls/" + name;
}

static SSL_CTX *server_ctx(const std::string &cert)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    EXPECT_NE(ctx, nullptr);
    EXPECT_EQ(SSL_CTX_use_certificate_chain_file(ctx, tls_fixture(cert + ".pem").c_str()), 1);
    EXPECT_EQ(
        SSL_CTX_use_PrivateKey_file(ctx, tls_fixture(cert + ".key").c_str(), SSL_FILETYPE_PEM), 1);
    return ctx;
}

TlsTestServer::TlsTestServer(const std::string &cert, std::string reply, End end)
    : reply_(std::move(reply)), end_(end)
{
    gp_addr addr;
    size_t count = 0;

    EXPECT_EQ(gp_net_init(), GREET_OK);
    ctx_ = server_ctx(cert);
    EXPECT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, &addr, 1, &count), GREET_OK);
    EXPECT_EQ(gp_sock_listen(&addr, 16, &listener_), GREET_OK);
    EXPECT_EQ(gp_sock_local_addr(listener_, &addr), GREET_OK);
    port_ = gp_addr_port(&addr);
    thread_ = std::thread([this] { run(); });
}

TlsTestServer::~TlsTestServer()
{
    gp_addr addr;
    size_t count = 0;
    gp_socket wake = GP_SOCKET_INVALID;

    // A connection of our own wakes the blocked accept, which then sees the stop flag.
    stop_ = true;
    if (gp_resolve("127.0.0.1", port_, GP_AF_INET4, 0, &addr, 1, &count) == GREET_OK &&
        gp_sock_connect(&addr, 5000, &wake) == GREET_OK) {
        thread_.join();
        gp_sock_close(wake);
    } else {
        ADD_FAILURE() << "cannot wake the TLS test server";
        thread_.detach();
    }
    gp_sock_close(listener_);
    SSL_CTX_free(static_cast<SSL_CTX *>(ctx_));
    gp_net_fini();
}

std::string TlsTestServer::last_request()
{
    std::lock_guard<std::mutex> lock(mutex_);
    return last_request_;
}

void TlsTestServer::run()
{
    while (!stop_) {
        gp_socket s = GP_SOCKET_INVALID;
        if (gp_sock_accept(listener_, &s, nullptr) != GREET_OK) {
            return;
        }
        if (!stop_) {
            // A client that stops talking must not hang the suite.
            gp_sock_set_timeouts(s, 5000, 5000);
            serve(s);
        }
        gp_sock_close(s);
    }
}

// Reads until the end of a request head (or the client stops sending).
static std::string read_head(SSL *ssl)
{
    std::string head;
    char buf[4096];
    size_t n = 0;

    while (head.find("\r\n\r\n") == std::string::npos &&
           SSL_read_ex(ssl, buf, sizeof buf, &n) == 1) {
        head.append(buf, n);
    }
    return head;
}

void TlsTestServer::serve(gp_socket s)
{
    SSL *ssl = SSL_new(static_cast<SSL_CTX *>(ctx_));
    size_t sent = 0;

    SSL_set_fd(ssl, static_cast<int>(s));
    if (SSL_accept(ssl) == 1) {
        handshakes_++;
        std::string head = read_head(ssl);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            last_request_ = head;
        }
        if (!silent_ && !reply_.empty()) {
            SSL_write_ex(ssl, reply_.data(), reply_.size(), &sent);
        }
        if (silent_) {
            read_head(ssl); // until the client gives up and closes
        } else if (end_ == End::CloseNotify) {
            SSL_shutdown(ssl);
        }
    }
    SSL_free(ssl);
    ERR_clear_error();
}
