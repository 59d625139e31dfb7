// Socket helpers shared by the platform tests.
#ifndef GREET_TESTS_SUPPORT_SOCK_IO_H
#define GREET_TESTS_SUPPORT_SOCK_IO_H

#include <cstddef>
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

#endif
