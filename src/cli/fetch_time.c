/* `greet fetch -z` and `-R`: the time condition sent with the request and checked on the answer,
 * and the Last-Modified time given to the saved file. */
#include <string.h>

#include "cli.h"
#include "fetch_cli.h"
#include "gp_tool.h"
#include "greet/http.h"

int cli_time_cond_parse(struct cli_time_cond *tc, const char *arg)
{
    const char *when = arg[0] == '-' ? arg + 1 : arg;
    char date[GREET_HTTP_DATE_SIZE];

    memset(tc, 0, sizeof *tc);
    tc->unmodified = when != arg;
    /* A file first, as the option's name says (DATE|FILE); then a date. */
    if (gp_file_mtime(when, &tc->t) != GREET_OK &&
        greet_http_date_parse(when, strlen(when), &tc->t) != GREET_OK) {
        return cli_error("fetch", CLI_EXIT_USAGE,
                         "-z: '%s' is neither an existing file nor a date (such as 'Sun, 06 Nov "
                         "1994 08:49:37 GMT', '20 Nov 2026' or '2026-11-20 10:00')",
                         when);
    }
    if (greet_http_date_format(tc->t, date, sizeof date) != GREET_OK) {
        return cli_error("fetch", CLI_EXIT_USAGE, "-z: '%s' is outside the years %d to %d", when,
                         GREET_HTTP_DATE_YEAR_MIN, GREET_HTTP_DATE_YEAR_MAX);
    }
    snprintf(tc->field, sizeof tc->field, "%s: %s",
             tc->unmodified ? "If-Unmodified-Since" : "If-Modified-Since", date);
    tc->on = 1;
    return CLI_EXIT_OK;
}

int cli_last_modified(const char *head, size_t len, int64_t *t)
{
    size_t vlen;
    const char *v = cli_head_field(head, len, "last-modified", &vlen);

    return v && greet_http_date_parse(v, vlen, t) == GREET_OK;
}

int cli_time_cond_unmet(const struct cli_time_cond *tc, int status, const char *head, size_t len,
                        char *why, size_t size)
{
    int64_t modified;
    char date[GREET_HTTP_DATE_SIZE];
    int unmet;

    if (!tc->on || status < 200 || status > 299 || !cli_last_modified(head, len, &modified)) {
        return 0; /* nothing to compare: the answer is taken as it is */
    }
    /* RFC 9110 13.1.3 and 13.1.4: If-Modified-Since holds for a document modified after the
     * date, If-Unmodified-Since for one modified at or before it. */
    unmet = tc->unmodified ? modified > tc->t : modified <= tc->t;
    if (unmet) {
        greet_http_date_format(modified, date, sizeof date);
        snprintf(why, size, "not %s (the server ignored -z and sent a document last modified %s)",
                 tc->unmodified ? "old enough" : "new enough", date);
    }
    return unmet;
}

void cli_out_set_remote_time(struct cli_out *o, const char *head, size_t len)
{
    o->has_mtime = cli_last_modified(head, len, &o->mtime);
}
