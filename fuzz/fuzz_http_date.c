/* Fuzzes the HTTP-date parser (Last-Modified, -z). Invariants checked (abort on violation): it
 * answers OK or EINVAL and leaves the result alone on EINVAL; a date it reads is in the year range
 * and formats to an IMF-fixdate that reads back to the same second. The input is handed over in
 * a buffer of its exact size, so ASan sees any read past it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "greet/error.h"
#include "greet/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1), buf[GREET_HTTP_DATE_SIZE];
    int64_t t = 42, back = 0;
    int rc;

    if (!text) {
        return 0;
    }
    memcpy(text, data, size);
    rc = greet_http_date_parse(text, size, &t);
    check(rc == GREET_OK || (rc == GREET_EINVAL && t == 42));
    if (rc == GREET_OK) {
        check(greet_http_date_format(t, buf, sizeof buf) == GREET_OK);
        check(strlen(buf) == GREET_HTTP_DATE_SIZE - 1);
        check(greet_http_date_parse(buf, strlen(buf), &back) == GREET_OK && back == t);
    }
    free(text);
    return 0;
}
