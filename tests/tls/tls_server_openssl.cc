// The TLS test server in-process, on OpenSSL: a listener on 127.0.0.1 port 0 and a thread that
// serves one session at a time (see tls_server.h for the scenarios).
#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <thread>

#include "gp.h"
#include "tls/tls_server.h"

struct TlsTestServer::Impl {
    SSL_CTX *ctx = nullptr;
    gp_socket listener = GP_SOCKET_INVALID;
    uint16_t port = 0;
    std::atomic<bool> stop{false};
    std::thread thread;

    void run();
    void serve(gp_socket s);
};

bool TlsTestServer::available()
{
    return true;
}

TlsTestServer::TlsTestServer(const std::string &cert) : impl_(new Impl)
{
    gp_addr addr;
    size_t count = 0;

    EXPECT_EQ(gp_net_init(), GREET_OK);
    impl_->ctx = SSL_CTX_new(TLS_server_method());
    EXPECT_EQ(SSL_CTX_use_certificate_chain_file(impl_->ctx, tls_fixture(cert + ".pem").c_str()),
              1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(impl_->ctx, tls_fixture(cert + ".key").c_str(),
                                          SSL_FILETYPE_PEM),
              1);
    EXPECT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, &addr, 1, &count), GREET_OK);
    EXPECT_EQ(gp_sock_listen(&addr, 16, &impl_->listener), GREET_OK);
    EXPECT_EQ(gp_sock_local_addr(impl_->listener, &addr), GREET_OK);
    impl_->port = gp_addr_port(&addr);
    impl_->thread = std::thread([this] { impl_->run(); });
}

TlsTestServer::~TlsTestServer()
{
    gp_addr addr;
    size_t count = 0;
    gp_socket wake = GP_SOCKET_INVALID;

    // A connection of our own wakes the blocked accept, which then sees the stop flag.
    impl_->stop = true;
    if (gp_resolve("127.0.0.1", impl_->port, GP_AF_INET4, 0, &addr, 1, &count) == GREET_OK &&
        gp_sock_connect(&addr, gp_deadline_in(5000), &wake) == GREET_OK) {
        impl_->thread.join();
        gp_sock_close(wake);
    } else {
        ADD_FAILURE() << "cannot wake the TLS test server";
        impl_->thread.detach();
    }
    gp_sock_close(impl_->listener);
    SSL_CTX_free(impl_->ctx);
    gp_net_fini();
}

uint16_t TlsTestServer::port() const
{
    return impl_->port;
}

void TlsTestServer::Impl::run()
{
    while (!stop) {
        gp_socket s = GP_SOCKET_INVALID;
        if (gp_sock_accept(listener, 0, &s, nullptr) != GREET_OK) {
            return;
        }
        if (!stop) {
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

// "/reply" from "GET /reply HTTP/1.1\r\n...".
static std::string request_path(const std::string &head)
{
    size_t start = head.find(' ');
    size_t end = start == std::string::npos ? start : head.find(' ', start + 1);
    return end == std::string::npos ? "" : head.substr(start + 1, end - start - 1);
}

void TlsTestServer::Impl::serve(gp_socket s)
{
    SSL *ssl = SSL_new(ctx);
    size_t sent = 0;

    SSL_set_fd(ssl, static_cast<int>(s));
    if (SSL_accept(ssl) == 1) {
        std::string path = request_path(read_head(ssl));
        std::string reply = tls_scenario_reply(path);
        if (!reply.empty()) {
            SSL_write_ex(ssl, reply.data(), reply.size(), &sent);
        }
        if (path == "/silent") {
            read_head(ssl); // until the client gives up and closes
        } else if (path.find("abrupt") == std::string::npos) {
            SSL_shutdown(ssl);
        }
    }
    SSL_free(ssl);
    ERR_clear_error();
}
