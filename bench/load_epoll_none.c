/* Where there is no epoll (every system but Linux), the epoll engine only says so; greet_load
 * then defaults to the portable thread-per-connection engine. */
#include <stdio.h>

#include "load.h"

const int load_epoll_available = 0;

int load_run_epoll(const struct load_cfg *cfg, struct load_result *r)
{
    (void)cfg;
    (void)r;
    fprintf(stderr, "greet_load: the epoll engine is Linux-only; use --engine threads\n");
    return -1;
}
