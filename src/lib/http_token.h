/* RFC 9110 tokens (field names, transfer codings) and hex digits (chunk sizes, %-escapes), for
 * the parser, the request builder and the URL code. */
#ifndef GREET_LIB_HTTP_TOKEN_H
#define GREET_LIB_HTTP_TOKEN_H

#include <stddef.h>

/* Non-zero for a tchar, a character of a token. */
int gi_http_is_tchar(int c);

/* Non-zero when name[0..len) is want, ignoring ASCII case (field names are case-insensitive). */
int gi_http_same_name(const char *name, size_t len, const char *want);

/* 0..15 for a hex digit (either case), -1 for anything else. */
int gi_hex_value(int c);

#endif
