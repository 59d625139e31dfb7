// A blackhole on loopback: a listener whose accept queue is full (backlog 1, filled by connects
// nobody accepts). Linux then drops further SYNs, so a connect to it hangs - the way a dead IPv6
// route or a firewall that drops packets looks to a client. Windows refuses instead (full() is
// then false and a test skips); Wine runs on the Linux kernel and hangs too.
#ifndef GREET_TESTS_SUPPORT_FULL_LISTENER_H
#define GREET_TESTS_SUPPORT_FULL_LISTENER_H

#include <cstdint>
#include <vector>

#include "gp.h"

namespace greet_test
{

struct FullListener {
    gp_socket listener = GP_SOCKET_INVALID;
    std::vector<gp_socket> queued;
    gp_addr addr{}; // where it listens
    uint16_t port = 0;
    bool full = false;

    // Listens on host (a loopback literal) at port (0: any) and fills the queue.
    explicit FullListener(const char *host = "127.0.0.1", uint16_t at = 0)
    {
        size_t n = 0;
        if (gp_net_init() != GREET_OK) {
            return;
        }
        net_ = true;
        if (gp_resolve(host, at, GP_AF_ANY, 0, &addr, 1, &n) != GREET_OK ||
            gp_sock_listen(&addr, 1, &listener) != GREET_OK ||
            gp_sock_local_addr(listener, &addr) != GREET_OK) {
            return;
        }
        port = gp_addr_port(&addr);
        for (int i = 0; i < 16 && !full; i++) {
            gp_socket s = GP_SOCKET_INVALID;
            full = gp_sock_connect(&addr, gp_deadline_in(300), &s) == GREET_ETIMEDOUT;
            if (s != GP_SOCKET_INVALID) {
                queued.push_back(s);
            }
        }
    }
    ~FullListener()
    {
        for (gp_socket s : queued) {
            gp_sock_close(s);
        }
        gp_sock_close(listener);
        if (net_) {
            gp_net_fini();
        }
    }
    FullListener(const FullListener &) = delete;
    FullListener &operator=(const FullListener &) = delete;

  private:
    bool net_ = false;
};

} // namespace greet_test

#endif
