/* Uses libgreet through its installed public headers only, as any other program would: starts
 * an in-process greeting server on a free loopback port, talks to it, stops it. Exits 0 when
 * every step gave the expected answer. */
#include <stdio.h>
#include <string.h>

#include <greet/client.h>
#include <greet/error.h>
#include <greet/server.h>
#include <greet/version.h>

static int fail(const char *what, int err)
{
    char text[256];

    fprintf(stderr, "consumer: %s: %s\n", what, greet_error_text(err, text, sizeof text));
    return 1;
}

static int expect(const char *what, const char *want, const char *got, size_t len)
{
    if (len != strlen(want) || memcmp(want, got, len) != 0) {
        fprintf(stderr, "consumer: %s: expected '%s', got '%.*s'\n", what, want, (int)len, got);
        return 1;
    }
    return 0;
}

/* Greeting, one line-mode exchange, then "exit". */
static int talk(unsigned port)
{
    greet_client *c;
    char buf[256];
    size_t got;
    int err;
    int failures = 0;

    err = greet_client_connect("127.0.0.1", port, GREET_FAMILY_IPV4, 5000, &c);
    if (err != GREET_OK) {
        return fail("connect", err);
    }
    err = greet_client_recv_line(c, buf, sizeof buf, &got);
    failures += err ? fail("greeting", err) : expect("greeting", "hello world!", buf, got);
    err = greet_client_exchange(c, GREET_MODE_LINE, "consumer", 8, buf, sizeof buf, &got);
    failures += err ? fail("exchange", err) : expect("reply", "Hello consumer", buf, got);
    err = greet_client_send(c, GREET_MODE_LINE, "exit", 4);
    failures += err ? fail("exit", err) : 0;
    greet_client_close(c);
    return failures;
}

int main(void)
{
    greet_server_config cfg;
    greet_server *srv;
    int err;
    int failures;

    greet_server_config_init(&cfg);
    cfg.bind = "127.0.0.1";
    cfg.port = 0;
    err = greet_server_start(&cfg, &srv);
    if (err != GREET_OK) {
        return fail("start the server", err);
    }
    failures = talk(greet_server_port(srv));
    greet_server_stop(srv);
    /* The library that runs is the one the headers describe (a shared build could differ). */
    if (strcmp(greet_version(), GREET_VERSION_STRING) != 0) {
        fprintf(stderr, "consumer: headers say %s, libgreet says %s\n", GREET_VERSION_STRING,
                greet_version());
        failures++;
    }
    if (failures == 0) {
        printf("consumer: libgreet %s: server on port 0, greeting and reply as expected\n",
               GREET_VERSION_STRING);
    }
    return failures == 0 ? 0 : 1;
}
