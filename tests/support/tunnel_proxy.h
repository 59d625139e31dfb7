// A CONNECT proxy for tests, in-process on 127.0.0.1 port 0: it records each request head, then
// either sends a scripted refusal (a 407, a 403, a close) or connects to the CONNECT target on
// loopback, answers 200 and copies bytes both ways until one side closes. Connections are
// served one after the other.
#ifndef GREET_TESTS_SUPPORT_TUNNEL_PROXY_H
#define GREET_TESTS_SUPPORT_TUNNEL_PROXY_H

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gp.h"

namespace greet_test
{

class TunnelProxy
{
  public:
    TunnelProxy();
    ~TunnelProxy();
    TunnelProxy(const TunnelProxy &) = delete;
    TunnelProxy &operator=(const TunnelProxy &) = delete;

    bool ok() const
    {
        return listener_ != GP_SOCKET_INVALID;
    }
    uint16_t port() const
    {
        return port_;
    }
    // "http://127.0.0.1:PORT", for -x.
    std::string url() const;
    // Instead of tunnelling, send these bytes and close ("" closes without a word).
    void refuse_with(const std::string &bytes);
    // The request heads received so far, in order.
    std::vector<std::string> requests();

  private:
    void serve_one(gp_socket s);
    bool read_head(gp_socket s, std::string &head);

    gp_socket listener_ = GP_SOCKET_INVALID;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    bool refuse_ = false;
    std::string refusal_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

} // namespace greet_test

#endif
