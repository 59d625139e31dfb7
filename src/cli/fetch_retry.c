/* When `greet fetch --retry` tries again, and after how long: curl's rules (transient errors,
 * HTTP 408/429/500/502/503/504, exponential backoff from 1 s up to 10 minutes, Retry-After). */
#include <ctype.h>
#include <string.h>

#include "fetch_cli.h"

#define BACKOFF_FIRST_MS  1000L
#define BACKOFF_MAX_MS    (10L * 60L * 1000L)
#define RETRY_AFTER_MAX_S (6L * 60L * 60L) /* a longer wait is a server's mistake: capped */

int cli_retry_status(int status)
{
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

int cli_retry_transient(const struct cli_retry *p, int rc)
{
    switch (rc) {
    case GREET_ETIMEDOUT:
    case GREET_ECONNREFUSED:
    case GREET_ECONNRESET:
    case GREET_ECONNABORTED:
    case GREET_EPIPE:
    case GREET_ECLOSED:
    case GREET_ERESOLVE:
    case GREET_ENETDOWN:
    case GREET_ENETUNREACH:
    case GREET_EHOSTUNREACH:
        return 1;
    case GREET_OK:
    case GREET_EURL:
    case GREET_EINVAL:
    case GREET_EUNSUPPORTED:
    case GREET_ECANCELED:
        return 0; /* success, or what no retry can change */
    default:
        return p->all_errors;
    }
}

long cli_retry_delay(const struct cli_retry *p, int n, long retry_after_s)
{
    long ms = BACKOFF_FIRST_MS;

    if (retry_after_s >= 0) {
        return (retry_after_s < RETRY_AFTER_MAX_S ? retry_after_s : RETRY_AFTER_MAX_S) * 1000L;
    }
    if (p->delay_ms > 0) {
        return p->delay_ms;
    }
    while (--n > 0 && ms < BACKOFF_MAX_MS) {
        ms *= 2;
    }
    return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

const char *cli_head_field(const char *head, size_t len, const char *name, size_t *vlen)
{
    size_t n = strlen(name), i, k, end;

    for (i = 0; i + n < len; i++) {
        if ((i > 0 && head[i - 1] != '\n') || head[i + n] != ':') {
            continue;
        }
        for (k = 0; k < n && tolower((unsigned char)head[i + k]) == name[k]; k++) {
        }
        if (k < n) {
            continue;
        }
        for (i += n + 1; i < len && (head[i] == ' ' || head[i] == '\t'); i++) {
        }
        for (end = i; end < len && head[end] != '\r' && head[end] != '\n'; end++) {
        }
        while (end > i && (head[end - 1] == ' ' || head[end - 1] == '\t')) {
            end--;
        }
        *vlen = end - i;
        return head + i;
    }
    return NULL;
}

long cli_retry_after(const char *head, size_t len)
{
    size_t n = 0, i;
    const char *v = cli_head_field(head, len, "retry-after", &n);
    long s = 0;

    if (!v || n == 0 || !isdigit((unsigned char)v[0])) {
        return -1; /* none, or an HTTP-date: the backoff decides */
    }
    for (i = 0; i < n && isdigit((unsigned char)v[i]); i++) {
        s = s < RETRY_AFTER_MAX_S ? s * 10 + (v[i] - '0') : s;
    }
    return s;
}
