/* RFC 9110 tokens (field names, transfer codings), for the parser and the request builder. */
#ifndef GREET_LIB_HTTP_TOKEN_H
#define GREET_LIB_HTTP_TOKEN_H

#include <stddef.h>

/* Non-zero for a tchar, a character of a token. */
int gi_http_is_tchar(int c);

/* Non-zero when name[0..len) is want, ignoring ASCII case (field names are case-insensitive). */
int gi_http_same_name(const char *name, size_t len, const char *want);

#endif
