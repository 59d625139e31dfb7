/* The greet program's shared pieces: exit codes, the subcommands, and the option parser. */
#ifndef GREET_CLI_H
#define GREET_CLI_H

#include <stdio.h>

/* Lets gcc and clang check printf-style calls; other compilers skip the check. */
#if defined(__GNUC__)
#define CLI_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define CLI_PRINTF(fmt, first)
#endif

/* Exit codes, documented in `greet --help` and the README; distinct per cause so scripts can
 * tell what went wrong. */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILURE = 1,   /* anything not listed below */
    CLI_EXIT_USAGE = 2,     /* bad command line */
    CLI_EXIT_RESOLVE = 3,   /* host name could not be resolved */
    CLI_EXIT_CONNECT = 4,   /* connection refused / unreachable */
    CLI_EXIT_TIMEOUT = 5,   /* connect, idle or --max-time limit */
    CLI_EXIT_PROTOCOL = 6,  /* the peer broke the protocol (bad HTTP, early close) */
    CLI_EXIT_HTTP = 7,      /* HTTP status >= 400 with --fail */
    CLI_EXIT_WRITE = 8,     /* output file or stream could not be written */
    CLI_EXIT_BIND = 9,      /* server: address in use, not available, or no permission */
    CLI_EXIT_TLS = 10,      /* TLS handshake or certificate verification failed */
    CLI_EXIT_REDIRECTS = 11 /* too many redirects, or a redirect loop */
};

/* One subcommand: its name, a one-line summary, its full help text, and its entry point, which
 * receives argv[0] == name and returns a cli_exit code. */
struct cli_command {
    const char *name;
    const char *summary;
    const char *help;
    int (*run)(int argc, char **argv);
};

extern const struct cli_command cli_server_command;
extern const struct cli_command cli_client_command;
extern const struct cli_command cli_fetch_command;

/* ---- Option parser: long and short options, portable (no getopt on MSVC) ----------------- */

enum cli_opt_arg { CLI_NO_ARG = 0, CLI_REQUIRED_ARG = 1 };

struct cli_opt {
    int id;                /* returned by cli_next_opt; > 0 */
    char short_name;       /* 0 when there is none */
    const char *long_name; /* without "--"; NULL when there is none */
    int arg;               /* enum cli_opt_arg */
};

/* Parser state. Operands (non-options) are gathered in order into operands[]; "--" ends the
 * options, and a lone "-" is an operand (stdin). */
struct cli_parser {
    int argc;
    char **argv;
    const char *command; /* for messages: "greet fetch" */
    int index;
    const char *short_rest; /* remaining letters of a cluster like -sSf */
    const char *arg;        /* argument of the last option returned */
    char **operands;
    int operand_count;
};

enum { CLI_OPT_END = 0, CLI_OPT_ERROR = -1 };

/* Starts parsing argv[1..argc) (argv[0] is the command name). Operands are stored in a copy of
 * argv's pointers owned by the parser: call cli_parser_free. Returns 0 or -1 (out of memory). */
int cli_parser_init(struct cli_parser *p, int argc, char **argv, const char *command);
void cli_parser_free(struct cli_parser *p);

/* The next option's id, CLI_OPT_END when all arguments are read, or CLI_OPT_ERROR after printing
 * "greet CMD: unknown option '--x'" (or a missing-argument message) to stderr. */
int cli_next_opt(struct cli_parser *p, const struct cli_opt *opts);

/* Parses a whole decimal number in [min, max]; on failure prints "greet CMD: --NAME: '...' is
 * not a number from MIN to MAX" and returns -1. */
int cli_parse_long(const struct cli_parser *p, const char *name, const char *text, long min,
                   long max, long *out);

/* Parses a non-negative number of seconds with an optional fraction ("2.5") into milliseconds,
 * at most max_ms; prints an error naming the option and returns -1 on bad input. */
int cli_parse_seconds(const struct cli_parser *p, const char *name, const char *text, long max_ms,
                      long *out_ms);

/* Prints "greet CMD: MESSAGE\nTry 'greet help CMD'.\n" to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Prints "greet CMD: MESSAGE" to stderr; returns code. For run-time errors. */
int cli_error(const char *command, int code, const char *fmt, ...) CLI_PRINTF(3, 4);

/* Maps a greet_err to the exit code for its cause (resolve, connect, timeout, ...). */
int cli_exit_for(int err);

#endif
