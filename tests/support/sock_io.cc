#include "support/sock_io.h"

#include <algorithm>
#include <thread>
#include <vector>

gp_socket listen_loopback(bool ipv6, uint16_t *port)
{
    gp_addr addr, bound;
    size_t count = 0;
    gp_socket listener = GP_SOCKET_INVALID;

    if (gp_resolve(ipv6 ? "::1" : "127.0.0.1", 0, ipv6 ? GP_AF_INET6 : GP_AF_INET4, 1, &addr, 1,
                   &count) != GREET_OK ||
        gp_sock_listen(&addr, 16, &listener) != GREET_OK) {
        return GP_SOCKET_INVALID;
    }
    if (gp_sock_local_addr(listener, &bound) == GREET_OK) {
        *port = gp_addr_port(&bound);
    }
    return listener;
}

std::string recv_exact(gp_socket s, size_t len)
{
    std::string out;
    char buf[4096];
    size_t got = 0;

    while (out.size() < len) {
        size_t want = std::min(sizeof buf, len - out.size());
        if (gp_sock_recv(s, buf, want, &got) != GREET_OK || got == 0) {
            break;
        }
        out.append(buf, got);
    }
    return out;
}

std::string nc_session(uint16_t port, const std::string &bytes, int timeout_ms)
{
    gp_addr addr;
    size_t n = 0;
    gp_socket s = GP_SOCKET_INVALID;
    std::string out;

    if (gp_net_init() != GREET_OK) {
        return out;
    }
    if (gp_resolve("127.0.0.1", port, GP_AF_INET4, 0, &addr, 1, &n) == GREET_OK &&
        gp_sock_connect(&addr, timeout_ms, &s) == GREET_OK &&
        gp_sock_set_timeouts(s, timeout_ms, timeout_ms) == GREET_OK) {
        std::thread writer([s, &bytes] {
            if (gp_sock_send_all(s, bytes.data(), bytes.size()) == GREET_OK) {
                gp_sock_shutdown(s, GP_SHUT_WR);
            }
        });
        char buf[4096];
        size_t got = 0;
        while (gp_sock_recv(s, buf, sizeof buf, &got) == GREET_OK && got > 0) {
            out.append(buf, got);
        }
        writer.join();
    }
    gp_sock_close(s);
    gp_net_fini();
    return out;
}

namespace
{
constexpr int kSliceMs = 5; // each side of a splice is looked at this often

// Copies what s has waiting to to; false when s closed or failed (the splice ends).
bool pass_on(gp_socket s, gp_socket to)
{
    if (gp_sock_wait(s, GP_WAIT_READ, gp_deadline_in(kSliceMs)) != GREET_OK) {
        return true;
    }
    char buf[16384];
    size_t got = 0;
    return gp_sock_recv(s, buf, sizeof buf, &got) == GREET_OK && got > 0 &&
           gp_sock_send_all(to, buf, got) == GREET_OK;
}
} // namespace

void splice(gp_socket a, gp_socket b, const std::atomic<bool> &stop)
{
    while (!stop && pass_on(a, b) && pass_on(b, a)) {
    }
}

void serve_in_turn(gp_socket listener, const std::atomic<bool> &stop,
                   const std::function<void(gp_socket)> &serve_one,
                   const std::atomic<bool> *concurrent)
{
    std::vector<std::thread> threads;
    while (!stop) {
        if (gp_sock_wait(listener, GP_WAIT_READ, gp_deadline_in(50)) != GREET_OK) {
            continue;
        }
        gp_socket s = GP_SOCKET_INVALID;
        if (gp_sock_accept(listener, 0, &s, nullptr) != GREET_OK) {
            continue;
        }
        auto serve = [&serve_one, s] {
            serve_one(s);
            gp_sock_close(s);
        };
        if (concurrent && *concurrent) {
            threads.emplace_back(serve);
        } else {
            serve();
        }
    }
    for (auto &t : threads) {
        t.join();
    }
}
