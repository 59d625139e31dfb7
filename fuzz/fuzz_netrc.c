/* Fuzzes the netrc parser and the URL user-info splitter. The input's first line is a host (and
 * a URL with user-info for the splitter), the rest a netrc file. Invariants checked (abort on
 * violation): the parser answers OK, ENOENT or EPROTO (then with a reason) and its outputs are
 * NUL-terminated within their size; the splitter's rest is never longer than its input and its
 * parts fit. The file is handed over in a buffer of its exact size, so ASan sees any read past
 * it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "greet/auth.h"
#include "greet/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static void check_splitter(const char *line)
{
    static char rest[1024], user[GREET_AUTH_TOKEN_MAX + 1], password[GREET_AUTH_TOKEN_MAX + 1];
    int has_user = -1;
    int rc = greet_url_split_userinfo(line, rest, sizeof rest, user, password, &has_user);

    check(rc == GREET_OK || rc == GREET_EURL || rc == GREET_ETOOBIG);
    if (rc == GREET_OK) {
        check(strlen(rest) <= strlen(line) && (has_user == 0 || has_user == 1));
        check(strlen(user) <= GREET_AUTH_TOKEN_MAX && strlen(password) <= GREET_AUTH_TOKEN_MAX);
        check(has_user || strcmp(rest, line) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t host_len = nl ? (size_t)(nl - data) : size;
    char host[512], user[GREET_AUTH_TOKEN_MAX + 1], password[GREET_AUTH_TOKEN_MAX + 1];
    const char *why = NULL;
    size_t text_len = nl ? size - host_len - 1 : 0;
    char *text;
    int rc;

    if (host_len >= sizeof host) {
        return 0;
    }
    memcpy(host, data, host_len);
    host[host_len] = '\0';
    check_splitter(host);
    text = malloc(text_len ? text_len : 1);
    if (!text) {
        return 0;
    }
    memcpy(text, nl ? nl + 1 : data, text_len);
    memset(user, 'x', sizeof user);
    memset(password, 'x', sizeof password);
    rc = greet_netrc_find(text, text_len, host, NULL, user, password, &why);
    check(rc == GREET_OK || rc == GREET_ENOENT || rc == GREET_EPROTO);
    check(why != NULL && (rc != GREET_EPROTO || why[0] != '\0'));
    if (rc == GREET_OK) {
        check(memchr(user, '\0', sizeof user) != NULL);
        check(memchr(password, '\0', sizeof password) != NULL);
    }
    free(text);
    return 0;
}
