/* `greet fetch -w FORMAT`: curl's --write-out, printed on stdout once the transfer is over. */
#include <string.h>

#include "cli.h"
#include "fetch_cli.h"

/* The text of variable name (len bytes) into buf; NULL for an unknown name. */
static const char *variable(const struct cli_writeout *v, const char *name, size_t len, char *buf,
                            size_t size)
{
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
    if (IS("http_code") || IS("response_code")) {
        snprintf(buf, size, "%03d", v->http_code);
    } else if (IS("size_download")) {
        snprintf(buf, size, "%llu", (unsigned long long)v->size_download);
    } else if (IS("time_total")) {
        snprintf(buf, size, "%llu.%06llu", (unsigned long long)(v->time_total_us / 1000000),
                 (unsigned long long)(v->time_total_us % 1000000));
    } else if (IS("num_redirects")) {
        snprintf(buf, size, "%d", v->num_redirects);
    } else if (IS("exitcode")) {
        snprintf(buf, size, "%d", v->exitcode);
    } else if (IS("url_effective")) {
        return v->url_effective;
    } else if (IS("errormsg")) {
        return v->errormsg;
    } else if (IS("filename_effective")) {
        return v->filename_effective;
    } else {
        return NULL;
    }
#undef IS
    return buf;
}

/* The character a backslash escape stands for, 0 for none (the backslash is then kept). */
static char unescape(char c)
{
    return c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c == '\\' ? '\\' : 0;
}

void cli_write_out(FILE *out, const char *fmt, const struct cli_writeout *v)
{
    char buf[64];
    const char *p;

    for (p = fmt; *p; p++) {
        const char *end = p[0] == '%' && p[1] == '{' ? strchr(p + 2, '}') : NULL;
        if (end) {
            const char *text = variable(v, p + 2, (size_t)(end - p - 2), buf, sizeof buf);
            if (text) {
                fputs(text, out);
            } else {
                cli_error("fetch", 0, "warning: unknown --write-out variable '%.*s'",
                          (int)(end - p - 2), p + 2);
            }
            p = end;
        } else if (p[0] == '%' && p[1] == '%') {
            fputc('%', out);
            p++;
        } else if (p[0] == '\\' && unescape(p[1])) {
            fputc(unescape(p[1]), out);
            p++;
        } else {
            fputc(*p, out);
        }
    }
}
