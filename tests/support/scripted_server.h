// A greeting server that misbehaves on purpose: each connection it accepts on 127.0.0.1 (port 0)
// runs a script, a callable that talks to the client socket with the helpers below: a greeting
// split across segments, a reply trickled a byte at a time, cut short, different, huge, full of
// escape sequences. Connections are served one at a time, on the server's own thread.
#ifndef GREET_TESTS_SUPPORT_SCRIPTED_SERVER_H
#define GREET_TESTS_SUPPORT_SCRIPTED_SERVER_H

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "gp.h"

namespace greet_test
{

class ScriptedServer
{
  public:
    using Script = std::function<void(gp_socket)>;

    explicit ScriptedServer(Script script);
    ~ScriptedServer();
    ScriptedServer(const ScriptedServer &) = delete;
    ScriptedServer &operator=(const ScriptedServer &) = delete;

    unsigned port() const
    {
        return port_;
    }

  private:
    void serve();

    Script script_;
    gp_socket listener_ = GP_SOCKET_INVALID;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Sends bytes, all at once (one send) or, with gap_ms > 0, one byte per send with gap_ms between
// them (TCP_NODELAY on, so each byte is its own segment). False once the client is gone.
bool script_send(gp_socket s, const std::string &bytes, int gap_ms = 0);

// What one receive of at most 1024 bytes returns, as the tutorial's server reads a message; ""
// when the client closed or nothing came within 10 s.
std::string script_recv(gp_socket s);

} // namespace greet_test

#endif
