/* Where the program's error lines come from: one format, "greet CMD: what went wrong". */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "greet/error.h"

/* The attribute lets clang check callers; without it -Wformat-nonliteral fails clang builds. */
static void vreport(const char *command, const char *fmt, va_list ap) CLI_PRINTF(2, 0);

static void vreport(const char *command, const char *fmt, va_list ap)
{
    fputs(command ? "greet " : "greet", stderr);
    if (command) {
        fputs(command, stderr);
    }
    fputs(": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
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
