// An in-process HTTPS-ish test server on OpenSSL: listens on 127.0.0.1 port 0, presents one of
// the certificates in tests/data/tls, reads each request's head and answers with a fixed reply,
// then ends the session with close_notify or by just closing the socket (a truncation attack as
// a client sees it). Connections are served one at a time on a thread of its own.
#ifndef GREET_TESTS_TLS_TLS_SERVER_H
#define GREET_TESTS_TLS_TLS_SERVER_H

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "gp.h"

// The path of a fixture in tests/data/tls, e.g. tls_fixture("ca.pem").
std::string tls_fixture(const std::string &name);

class TlsTestServer
{
  public:
    enum class End { CloseNotify, Abrupt };

    // cert: the fixture's base name ("server", "expired", "unknown", "wronghost").
    explicit TlsTestServer(const std::string &cert, std::string reply = "",
                           End end = End::CloseNotify);
    ~TlsTestServer();
    TlsTestServer(const TlsTestServer &) = delete;
    TlsTestServer &operator=(const TlsTestServer &) = delete;

    uint16_t port() const
    {
        return port_;
    }
    // Sessions whose handshake completed, and the last request head received.
    int handshakes() const
    {
        return handshakes_.load();
    }
    std::string last_request();
    // Stops answering after the handshake: for a client's read timeout.
    void set_silent(bool silent)
    {
        silent_ = silent;
    }

  private:
    void run();
    void serve(gp_socket s);

    void *ctx_ = nullptr; // SSL_CTX, kept opaque so tests need no OpenSSL headers
    gp_socket listener_ = GP_SOCKET_INVALID;
    uint16_t port_ = 0;
    std::string reply_;
    End end_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> silent_{false};
    std::atomic<int> handshakes_{0};
    std::mutex mutex_;
    std::string last_request_;
    std::thread thread_;
};

#endif
