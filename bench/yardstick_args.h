/* The command line shared by the benchmark's yardstick servers (epoll_server, libuv_server):
 * [--bind ADDR] [--port N] [--greeting TEXT], where "\n", "\r" and "\\" in TEXT become their
 * bytes. Header-only: each yardstick is a single-file program. */
#ifndef GREET_BENCH_YARDSTICK_ARGS_H
#define GREET_BENCH_YARDSTICK_ARGS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct yardstick_args {
    const char *bind_addr;
    unsigned port;
    char greeting[256];
    size_t greeting_len;
};

static size_t yardstick_unescape(char *s)
{
    size_t in = 0;
    size_t out = 0;

    for (; s[in] != '\0'; in++) {
        char ch = s[in];
        if (ch == '\\' && s[in + 1] != '\0') {
            in++;
            ch = s[in] == 'n' ? '\n' : s[in] == 'r' ? '\r' : s[in];
        }
        s[out++] = ch;
    }
    s[out] = '\0';
    return out;
}

static void yardstick_parse(int argc, char **argv, struct yardstick_args *a)
{
    int i;

    a->bind_addr = "127.0.0.1";
    a->port = 0;
    snprintf(a->greeting, sizeof a->greeting, "hello world!\n");
    a->greeting_len = strlen(a->greeting);
    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--bind") == 0) {
            a->bind_addr = argv[i + 1];
        } else if (strcmp(argv[i], "--port") == 0) {
            a->port = (unsigned)strtoul(argv[i + 1], NULL, 10);
        } else if (strcmp(argv[i], "--greeting") == 0) {
            snprintf(a->greeting, sizeof a->greeting, "%s", argv[i + 1]);
            a->greeting_len = yardstick_unescape(a->greeting);
        }
    }
}

#endif
