/* RFC 9110 tokens and field names: the one rule for the response parser (http_fields.c) and the
 * request builder (fetch_request.c). */
#include <string.h>

#include "http_token.h"

int gi_http_is_tchar(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int gi_http_same_name(const char *name, size_t len, const char *want)
{
    size_t i;

    if (strlen(want) != len) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (lower((unsigned char)name[i]) != lower((unsigned char)want[i])) {
            return 0;
        }
    }
    return 1;
}

int gi_hex_value(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}
