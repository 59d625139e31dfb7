/* Resuming a download (`greet fetch -C`): the side file FILE.part holds what arrived so far and
 * FILE.part.meta the validator of the answer it came from, so that the next run asks only for
 * the rest (Range) and only if the file has not changed since (If-Range); see docs/http.md. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_cli.h"
#include "gp_tool.h"

void cli_resume_prepare(struct cli_resume *rs, const char *meta_path, uint64_t offset)
{
    FILE *fp;
    size_t n;

    memset(rs, 0, sizeof *rs);
    rs->offset = offset;
    if (offset == 0) {
        return;
    }
    snprintf(rs->range, sizeof rs->range, "Range: bytes=%llu-", (unsigned long long)offset);
    fp = gp_fopen(meta_path, "rb", NULL);
    if (!fp) {
        return; /* no validator: the range alone, as curl sends it */
    }
    n = fread(rs->if_range, 1, sizeof rs->if_range - 1, fp);
    fclose(fp);
    rs->if_range[n] = '\0';
    rs->if_range[strcspn(rs->if_range, "\r\n")] = '\0';
    if (strncmp(rs->if_range, "If-Range: ", 10) != 0) {
        rs->if_range[0] = '\0'; /* not ours: ignored rather than sent */
    }
}

/* Parses the decimal number at *s (advancing it); -1 when there is none or it is too big. */
static long long number(const char **s, const char *end)
{
    long long v = 0;

    if (*s >= end || !isdigit((unsigned char)**s)) {
        return -1;
    }
    for (; *s < end && isdigit((unsigned char)**s); (*s)++) {
        if (v > (0x7fffffffffffffffLL - 9) / 10) {
            return -1;
        }
        v = v * 10 + (**s - '0');
    }
    return v;
}

int cli_resume_verdict(const struct cli_resume *rs, int status, const char *head, size_t len,
                       char *why, size_t size)
{
    size_t n = 0;
    const char *v = cli_head_field(head, len, "content-range", &n);
    const char *end = v ? v + n : NULL;
    long long first = -1, total = -1;

    if (status != 206 && status != 416) {
        return status == 200 ? CLI_RESUME_RESTART : CLI_RESUME_OTHER;
    }
    if (v && n > 6 && strncmp(v, "bytes ", 6) == 0) {
        const char *p = v + 6;
        if (p < end && *p == '*') {
            p++;
        } else {
            first = number(&p, end);
            p += p < end && *p == '-';
            (void)number(&p, end);
        }
        if (p < end && *p == '/') {
            p++;
            total = number(&p, end);
        }
    }
    if (status == 206 && first >= 0 && (unsigned long long)first == rs->offset) {
        return CLI_RESUME_APPEND;
    }
    if (status == 416 && total >= 0 && (unsigned long long)total == rs->offset) {
        return CLI_RESUME_COMPLETE;
    }
    snprintf(why, size,
             "cannot resume at byte %llu: the server answered %d with Content-Range '%.*s'",
             (unsigned long long)rs->offset, status, v ? (int)(n < 100 ? n : 100) : 0, v ? v : "");
    return CLI_RESUME_REFUSED;
}

void cli_resume_save(const char *meta_path, const char *head, size_t len)
{
    size_t n = 0;
    const char *v = cli_head_field(head, len, "etag", &n);
    FILE *fp;

    /* A weak ETag (W/"...") may not be used in If-Range (RFC 9110 section 13.1.5). */
    if (!v || n == 0 || v[0] == 'W') {
        v = cli_head_field(head, len, "last-modified", &n);
    }
    if (!v || n == 0 || n > 300) {
        gp_file_remove(meta_path);
        return;
    }
    fp = gp_fopen(meta_path, "wb", NULL);
    if (fp) {
        fprintf(fp, "If-Range: %.*s\n", (int)n, v);
        fclose(fp);
    }
}
