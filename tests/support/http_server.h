// An HTTP server for tests, in-process on loopback and port 0, on its own thread. It answers each
// path with a scripted raw reply, so a test can serve well-formed responses and broken ones alike
// (truncated bodies, bad framing, a server that never answers). Connections are served one after
// the other, which is all a client doing one fetch (and its redirects) needs; set_keep_alive
// serves many requests per connection and set_concurrent each connection on its own thread, and
// the server counts connections, so that a test can prove that a client reused one.
#ifndef GREET_TESTS_SUPPORT_HTTP_SERVER_H
#define GREET_TESTS_SUPPORT_HTTP_SERVER_H

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gp.h"

namespace greet_test
{

// What the server does after reading a request: send bytes (in pieces of `piece` bytes per
// write when > 0, 1 = a byte per write), then `generated` bytes of GeneratedBody, then either
// close the connection or, with hold, keep it open and silent until the client goes away. In
// keep-alive mode the connection stays open for the next request unless close is set. delay_ms
// waits before answering (so that parallel clients overlap).
struct Reply {
    std::string bytes;
    size_t piece = 0;
    uint64_t generated = 0;
    bool hold = false;
    bool close = false;
    int delay_ms = 0;
};

// A deterministic, non-repeating byte stream for big bodies: both the server and the tests make
// it, so nothing big has to be kept in memory to check a download.
class GeneratedBody
{
  public:
    void fill(unsigned char *buf, size_t n);
    static uint64_t hash_of(uint64_t size); // FNV-1a of the first size bytes
  private:
    uint64_t state_ = 0x9e3779b97f4a7c15u;
};

// FNV-1a, streaming, to check big downloads against GeneratedBody::hash_of.
class Fnv
{
  public:
    void add(const void *data, size_t n);
    uint64_t value() const
    {
        return h_;
    }

  private:
    uint64_t h_ = 14695981039346656037u;
};

// Reply builders for the common cases.
Reply ok_reply(const std::string &body, const std::string &extra_headers = "");
// A reply sent exactly as given (a broken head, a cut body, ...).
Reply raw_reply(const std::string &bytes);
// Bytes sent as given (none: a silent server), then the connection held open without another
// byte until the test ends: a stalled head or body.
Reply held_reply(const std::string &bytes = "");
Reply redirect_reply(int status, const std::string &location);

class HttpServer
{
  public:
    // Listens on 127.0.0.1 (or ::1 with ipv6) port 0. ok() tells whether that worked.
    explicit HttpServer(bool ipv6 = false);
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    bool ok() const
    {
        return listener_ != GP_SOCKET_INVALID;
    }
    // Sets the reply for a request target ("/path?query"); unknown targets get a 404.
    void on(const std::string &target, const Reply &reply);
    // Sets a reply per request for target: the first request gets replies[0], the next
    // replies[1], and so on; the last one answers every request after that.
    void on(const std::string &target, const std::vector<Reply> &replies);
    uint16_t port() const
    {
        return port_;
    }
    // "http://127.0.0.1:PORT" + target (or "http://[::1]:PORT" + target).
    std::string url(const std::string &target) const;
    // The request heads received so far, in order.
    std::vector<std::string> requests();
    // Many requests per connection (HTTP/1.1 persistent connections) instead of one. Set before
    // the first request.
    void set_keep_alive(bool on)
    {
        keep_alive_ = on;
    }
    // Each connection on a thread of its own, so that parallel clients are served at once.
    void set_concurrent(bool on)
    {
        concurrent_ = on;
    }
    // Connections accepted so far, and the most that were open at the same time.
    int accepted() const
    {
        return accepted_;
    }
    int max_active() const
    {
        return max_active_;
    }

  private:
    void serve();
    void serve_conn(gp_socket s);
    bool serve_one(gp_socket s, std::string &pending);
    bool read_head(gp_socket s, std::string &buf, std::string &head);
    bool send_reply(gp_socket s, const Reply &r);
    void hold(gp_socket s);

    gp_socket listener_ = GP_SOCKET_INVALID;
    uint16_t port_ = 0;
    bool ipv6_;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::map<std::string, std::vector<Reply>> replies_;
    std::vector<std::string> requests_;
    std::thread thread_;
    std::atomic<bool> keep_alive_{false};
    std::atomic<bool> concurrent_{false};
    std::atomic<int> accepted_{0};
    std::atomic<int> active_{0};
    std::atomic<int> max_active_{0};
    std::vector<std::thread> conn_threads_; // with set_concurrent; joined by the destructor
};

} // namespace greet_test

#endif
