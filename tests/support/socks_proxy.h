// A SOCKS5 (RFC 1928, with RFC 1929's user name and password) and SOCKS4a proxy for tests,
// in-process on 127.0.0.1 port 0. It records what each client asked for (the methods offered,
// the login, the address type and the target), then connects to the target on loopback,
// answers success and copies bytes both ways until one side closes - or, as scripted, refuses
// with a reply code, wants a login, or cuts the handshake short. A name is never looked up: it
// is taken as 127.0.0.1 (only loopback targets, by their port); an address is connected to as
// given. Connections are served one after the other, or with set_concurrent each on a thread of
// its own (for a client that keeps a tunnel open while it opens another).
#ifndef GREET_TESTS_SUPPORT_SOCKS_PROXY_H
#define GREET_TESTS_SUPPORT_SOCKS_PROXY_H

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gp.h"

namespace greet_test
{

class SocksProxy
{
  public:
    // Where a cut happens: instead of the answer to the greeting (SOCKS5's method choice), to
    // the login, or to the connect request (SOCKS5 or SOCKS4a).
    enum class Stage { Greeting, Login, Request };

    // What one client asked for, as far as it got.
    struct Request {
        int version = 0;                    // 5 or 4
        std::vector<unsigned char> methods; // SOCKS5: the authentication methods offered
        bool login = false;                 // SOCKS5: a user name and password came
        std::string user, password;         // the login (SOCKS4a: the user id)
        int atyp = 0;                       // 1 IPv4, 3 name, 4 IPv6 (SOCKS4a: 1 or 3)
        std::string host;                   // the name, or the address ("127.0.0.1", "::1")
        uint16_t port = 0;
    };

    SocksProxy();
    ~SocksProxy();
    SocksProxy(const SocksProxy &) = delete;
    SocksProxy &operator=(const SocksProxy &) = delete;

    bool ok() const
    {
        return listener_ != GP_SOCKET_INVALID;
    }
    uint16_t port() const
    {
        return port_;
    }
    // "SCHEME://[USERINFO@]127.0.0.1:PORT", for -x.
    std::string url(const std::string &scheme, const std::string &userinfo = "") const;
    // Accept only a user name and password (method 2), and only this one; any other login is
    // answered with status 1.
    void require_login(const std::string &user, const std::string &password);
    // Answer every connect request with this reply code instead of connecting (SOCKS5: 1-255;
    // SOCKS4a: 91-93).
    void refuse_with(int code);
    // At stage, send bytes instead of the answer, then close the connection or, with hold, keep
    // it open and silent until the client leaves.
    void cut(Stage stage, const std::string &bytes, bool hold = false);
    // Each connection on a thread of its own. Set before the first connection.
    void set_concurrent(bool on)
    {
        concurrent_ = on;
    }
    // The clients so far, in the order they connected.
    std::vector<Request> requests();

  private:
    void serve_one(gp_socket s);
    // Each serves the client whose record is requests_[id].
    bool serve_socks5(gp_socket s, size_t id);
    bool serve_socks4a(gp_socket s, size_t id);
    bool read_target(gp_socket s, size_t id, int atyp);
    bool cut_here(gp_socket s, Stage stage);
    void connect_and_splice(gp_socket s, size_t id, bool socks5);
    template <typename F> void update(size_t id, F f)
    {
        std::lock_guard<std::mutex> lock(mu_);
        f(requests_[id]);
    }

    gp_socket listener_ = GP_SOCKET_INVALID;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<bool> concurrent_{false};
    std::mutex mu_;
    std::string user_, password_;
    bool login_ = false;
    int refuse_ = 0;
    bool cut_set_ = false, hold_ = false;
    Stage cut_stage_ = Stage::Greeting;
    std::string cut_bytes_;
    std::vector<Request> requests_;
    std::thread thread_;
};

} // namespace greet_test

#endif
