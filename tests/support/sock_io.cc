#include "support/sock_io.h"

#include <algorithm>

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
