/* User-info in URLs as users type them: split off before the URL is parsed (greet_url_parse
 * refuses it), so that no URL the library shows, formats or follows carries a password. */
#include <string.h>

#include "greet/auth.h"
#include "greet/error.h"
#include "http_token.h"
#include "url_internal.h"

/* Percent-decodes in[0..len) into out (GREET_AUTH_TOKEN_MAX + 1 bytes). */
static int decode(const char *in, size_t len, char *out)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        char c = in[i];
        if (c == '%') {
            int hi = i + 2 < len ? gi_hex_value(in[i + 1]) : -1;
            int lo = hi >= 0 ? gi_hex_value(in[i + 2]) : -1;
            if (lo < 0 || (hi == 0 && lo == 0)) {
                return GREET_EURL;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (n == GREET_AUTH_TOKEN_MAX) {
            return GREET_ETOOBIG;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    return GREET_OK;
}

int greet_url_split_userinfo(const char *text, char *rest, size_t rest_size, char *user,
                             char *password, int *has_user)
{
    size_t scheme = gi_url_scheme_len(text), len = strlen(text), auth_len, at, colon;
    const char *auth = text, *info_end = NULL;
    int rc;

    user[0] = password[0] = '\0';
    *has_user = 0;
    if (rest_size > 0) {
        rest[0] = '\0'; /* what a failure leaves: never a part of the credentials */
    }
    if (scheme > 0 && strncmp(text + scheme, "://", 3) == 0) {
        auth = text + scheme + 3;
    }
    auth_len = strcspn(auth, "/?#");
    for (at = 0; at < auth_len; at++) {
        if (auth[at] == '@') {
            info_end = auth + at; /* the last '@': a password may hold a raw one */
        }
    }
    if (len >= rest_size) {
        return GREET_ETOOBIG;
    }
    if (!info_end) {
        memcpy(rest, text, len + 1);
        return GREET_OK;
    }
    at = (size_t)(info_end - auth);
    colon = strcspn(auth, ":");
    colon = colon < at ? colon : at;
    rc = decode(auth, colon, user);
    if (rc == GREET_OK && colon < at) {
        rc = decode(auth + colon + 1, at - colon - 1, password);
    }
    if (rc != GREET_OK) {
        user[0] = password[0] = '\0';
        return rc;
    }
    *has_user = 1;
    memcpy(rest, text, (size_t)(auth - text));
    memcpy(rest + (auth - text), info_end + 1, len - (size_t)(info_end + 1 - text) + 1);
    return GREET_OK;
}
