/* Where the program's error lines come from: one format, "greet CMD: what went wrong". */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "gp_tool.h"
#include "greet/error.h"

#define REPORT_LINE_MAX 2048

/* The attribute lets clang check callers; without it -Wformat-nonliteral fails clang builds. */
static void vreport(const char *command, const char *fmt, va_list ap) GP_PRINTF(2, 0);

/* One gp_text_write per line: messages name files and hosts in any script, which a console
 * shows right only that way. A message too long for the buffer is cut, never lost. */
static void vreport(const char *command, const char *fmt, va_list ap)
{
    char line[REPORT_LINE_MAX]; /* the text, then '\n' in the last byte at most */
    size_t room = sizeof line - 1;
    size_t len = 0;
    int n = snprintf(line, room, "greet%s%s: ", command ? " " : "", command ? command : "");

    if (n > 0) {
        len = (size_t)n < room - 1 ? (size_t)n : room - 1;
    }
    n = vsnprintf(line + len, room - len, fmt, ap);
    if (n > 0) {
        len += (size_t)n < room - 1 - len ? (size_t)n : room - 1 - len;
    }
    line[len++] = '\n';
    gp_text_write(stderr, line, len);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(command, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'greet help%s%s'.\n", command ? " " : "", command ? command : "");
    return CLI_EXIT_USAGE;
}

int cli_error(const char *command, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(command, fmt, ap);
    va_end(ap);
    return code;
}

int cli_exit_for(int err)
{
    switch (err) {
    case GREET_OK:
        return CLI_EXIT_OK;
    case GREET_EINVAL:
    case GREET_EURL:
    case GREET_EUNSUPPORTED:
        return CLI_EXIT_USAGE;
    case GREET_ENOHOST:
    case GREET_ERESOLVE:
        return CLI_EXIT_RESOLVE;
    case GREET_ECONNREFUSED:
    case GREET_ENETUNREACH:
    case GREET_EHOSTUNREACH:
    case GREET_ENETDOWN:
    case GREET_EADDRNOTAVAIL:
    case GREET_EAFNOSUPPORT:
        return CLI_EXIT_CONNECT;
    case GREET_ETIMEDOUT:
        return CLI_EXIT_TIMEOUT;
    case GREET_EPROTO:
    case GREET_ETOOBIG:
    case GREET_ECLOSED:
    case GREET_ECONNRESET:
    case GREET_ECONNABORTED:
    case GREET_EPIPE:
    case GREET_EBUSY:
        return CLI_EXIT_PROTOCOL;
    case GREET_EHTTP:
        return CLI_EXIT_HTTP;
    case GREET_EREDIRECT:
        return CLI_EXIT_REDIRECTS;
    case GREET_ETLS:
    case GREET_ECERT:
        return CLI_EXIT_TLS;
    case GREET_ENOENT:
    case GREET_EEXIST:
    case GREET_EISDIR:
    case GREET_ENOTDIR:
    case GREET_ENOSPC:
    case GREET_EROFS:
    case GREET_EIO:
    case GREET_EACCES:
        return CLI_EXIT_WRITE;
    default:
        return CLI_EXIT_FAILURE;
    }
}
