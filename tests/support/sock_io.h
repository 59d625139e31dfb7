// Socket helpers shared by the platform tests and the in-process test servers.
#ifndef GREET_TESTS_SUPPORT_SOCK_IO_H
#define GREET_TESTS_SUPPORT_SOCK_IO_H

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "gp.h"

// A listening socket on 127.0.0.1 (or ::1) at a free port, for the in-process test servers:
// GP_SOCKET_INVALID when it cannot be made. The caller has called gp_net_init.
gp_socket listen_loopback(bool ipv6, uint16_t *port);

// Receives exactly len bytes from s (fewer at EOF or on error).
std::string recv_exact(gp_socket s, size_t len);

// What `printf BYTES | nc -N 127.0.0.1 PORT` does: connects, sends bytes in one write (from a
// second thread, so replies can flow meanwhile), shuts its sending side, and returns all it
// received until the peer closed (or an error, or timeout_ms without data).
std::string nc_session(uint16_t port, const std::string &bytes, int timeout_ms = 20000);

// The accept loop of a test server that serves connections one after the other: until stop is
// set (looked at every 50 ms), each connection accepted on listener goes to serve_one and is
// closed after it. While *concurrent is set (when given) each connection is served on a thread
// of its own instead, so that a client may keep one open (a kept tunnel) while it opens the
// next; those threads are joined before it returns.
void serve_in_turn(gp_socket listener, const std::atomic<bool> &stop,
                   const std::function<void(gp_socket)> &serve_one,
                   const std::atomic<bool> *concurrent = nullptr);

// Copies bytes both ways between a and b until one side closes or fails, or stop is set: the
// test proxies' tunnels. Each side is looked at every few milliseconds.
void splice(gp_socket a, gp_socket b, const std::atomic<bool> &stop);

#endif
