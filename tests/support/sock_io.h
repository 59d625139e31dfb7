// Socket helpers shared by the platform tests.
#ifndef GREET_TESTS_SUPPORT_SOCK_IO_H
#define GREET_TESTS_SUPPORT_SOCK_IO_H

#include <cstddef>
#include <string>

#include "gp.h"

// Receives exactly len bytes from s (fewer at EOF or on error).
std::string recv_exact(gp_socket s, size_t len);

#endif
