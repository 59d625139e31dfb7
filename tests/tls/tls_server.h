// The TLS test server as the tests see it: one server per certificate of tests/data/tls, on
// loopback, answering each request by its path (the scenarios below). Two implementations:
// tls_server_openssl.cc runs it in-process on OpenSSL; tls_server_remote.cc, for builds without
// OpenSSL (the mingw build under Wine), uses tls_server.py, which ctest starts natively and which
// serves the same scenarios. Sessions are served one at a time.
//
// Scenarios, by request path:
//   /reply         kTlsReply, then close_notify
//   /abrupt        kTlsReply, then the socket is closed without close_notify
//   /short-abrupt  a Content-Length of 100 with 5 bytes, then closed without close_notify
//   /chunked       kTlsChunkedReply, then close_notify
//   /large         a head, then tls_large_body(), then close_notify
//   /to-http/PORT  a 302 to http://127.0.0.1:PORT/end
//   /silent        nothing: the server waits until the client leaves
#ifndef GREET_TESTS_TLS_TLS_SERVER_H
#define GREET_TESTS_TLS_TLS_SERVER_H

#include <cstdint>
#include <memory>
#include <string>

extern const char kTlsReply[];        // a 200 with Content-Length: 5, body "hello"
extern const char kTlsChunkedReply[]; // a 200 with a chunked body "hello world"
extern const char kTlsLargeHead[];    // the head of /large, close-delimited

// The path of a fixture in tests/data/tls, e.g. tls_fixture("ca.pem").
std::string tls_fixture(const std::string &name);

// /large's body: 3 MiB + 17 bytes, byte i = (i * 131 + i / 7) mod 256.
std::string tls_large_body();

// The whole reply of a scenario path, as sent (empty for /silent).
std::string tls_scenario_reply(const std::string &path);

class TlsTestServer
{
  public:
    // Whether servers can run here (false: the remote servers were not started).
    static bool available();

    // cert: the fixture's base name ("server", "expired", "unknown", "wronghost").
    explicit TlsTestServer(const std::string &cert);
    ~TlsTestServer();
    TlsTestServer(const TlsTestServer &) = delete;
    TlsTestServer &operator=(const TlsTestServer &) = delete;

    uint16_t port() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

#endif
