/* The greet program's shared pieces: exit codes, the subcommands and their option tables. */
#ifndef GREET_CLI_H
#define GREET_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "gp_printf.h"

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

/* ---- Option tables ------------------------------------------------------------------------
 * Each command describes its options once, in one `struct cli_opt` array: the parser, `greet
 * help CMD`, the man page's option lists and the bash, zsh and PowerShell completions all come
 * from it (src/cli/opt.c parses, src/cli/opt_doc.c writes the rest; ctest's
 * Docs.GeneratedFilesMatchTables fails when docs/greet.1 or completions/ differ from it).
 *
 * A row says what the option stores and where, through one of the CLI_FLAG, CLI_STRING,
 * CLI_NUMBER, CLI_SECONDS or CLI_CALL macros below. The target is a member of the command's
 * settings struct, checked at compile time: naming a member of the wrong type does not build.
 * An option whose effect is more than one store gets a CLI_CALL function. */

/* How a row's argument is read. CLI_KIND_END (an all-zero row) ends a table. */
enum cli_kind {
    CLI_KIND_END = 0,
    CLI_KIND_HEADING, /* not an option: a heading ("Output:") in the help and the man page */
    CLI_KIND_HELP,    /* prints the command's help and stops */
    CLI_KIND_FLAG,    /* no argument: stores the row's value */
    CLI_KIND_STRING,  /* stores the argument itself */
    CLI_KIND_NUMBER,  /* a whole number from min to max */
    CLI_KIND_SECONDS, /* seconds with an optional fraction ("2.5"), stored as ms, at most max */
    CLI_KIND_CALL     /* hands the argument (NULL when the row has none) to a function */
};

/* The C type of the settings member a row writes. */
enum cli_store {
    CLI_STORE_none = 0,
    CLI_STORE_int,
    CLI_STORE_long,
    CLI_STORE_unsigned,
    CLI_STORE_size_t,
    CLI_STORE_string /* const char * */
};

/* Applies an option to the command's settings: 0, or -1 after printing why the argument is bad
 * (cli_usage_error). */
typedef int (*cli_call_fn)(void *settings, const char *arg);

struct cli_action {
    enum cli_kind kind;
    enum cli_store store;
    size_t offset; /* of the member in the settings struct */
    long min, max; /* CLI_NUMBER's range; CLI_SECONDS: max in ms; CLI_FLAG: min is the value */
    cli_call_fn call;
};

struct cli_opt {
    const char *long_name; /* without "--"; NULL when there is none */
    char short_name;       /* 0 when there is none */
    /* The argument's name in the help ("N", "FILE"); NULL when the option takes none. The
     * shells complete file names after an argument named FILE (or "DATE|FILE"). */
    const char *arg;
    const char *help;         /* lower case, no final period: "server port" */
    const char *default_text; /* shown as "(default: ...)"; NULL to show none */
    struct cli_action action;
};

/* offsetof(T, member), which fails to compile unless the member has type ctype. */
#define CLI_MEMBER(T, member, ctype)                                                               \
    (offsetof(T, member) + 0 * sizeof((ctype *)0 == &((T *)0)->member))

/* The last field of a row: what the option does. ctype is one of int, long, unsigned, size_t. */
#define CLI_FLAG(T, member, value)                                                                 \
    {                                                                                              \
        CLI_KIND_FLAG, CLI_STORE_int, CLI_MEMBER(T, member, int), (value), 0, NULL                 \
    }
#define CLI_STRING(T, member)                                                                      \
    {                                                                                              \
        CLI_KIND_STRING, CLI_STORE_string, CLI_MEMBER(T, member, const char *), 0, 0, NULL         \
    }
#define CLI_NUMBER(T, member, ctype, min, max)                                                     \
    {                                                                                              \
        CLI_KIND_NUMBER, CLI_STORE_##ctype, CLI_MEMBER(T, member, ctype), (min), (max), NULL       \
    }
#define CLI_SECONDS(T, member, ctype, max_ms)                                                      \
    {                                                                                              \
        CLI_KIND_SECONDS, CLI_STORE_##ctype, CLI_MEMBER(T, member, ctype), 0, (max_ms), NULL       \
    }
#define CLI_CALL(fn)                                                                               \
    {                                                                                              \
        CLI_KIND_CALL, CLI_STORE_none, 0, 0, 0, (fn)                                               \
    }
#define CLI_HELP                                                                                   \
    {                                                                                              \
        CLI_KIND_HELP, CLI_STORE_none, 0, 0, 0, NULL                                               \
    }

/* Whole rows that are not options of their own. */
#define CLI_HEADING(text)                                                                          \
    {                                                                                              \
        NULL, 0, NULL, (text), NULL,                                                               \
        {                                                                                          \
            CLI_KIND_HEADING, CLI_STORE_none, 0, 0, 0, NULL                                        \
        }                                                                                          \
    }
#define CLI_HELP_ROW                                                                               \
    {                                                                                              \
        "help", 'h', NULL, "show this help", NULL, CLI_HELP                                        \
    }
#define CLI_TABLE_END                                                                              \
    {                                                                                              \
        NULL, 0, NULL, NULL, NULL,                                                                 \
        {                                                                                          \
            CLI_KIND_END, CLI_STORE_none, 0, 0, 0, NULL                                            \
        }                                                                                          \
    }

/* One subcommand. Its help is made from these fields: "Usage: greet NAME OPERANDS", about, the
 * options, then notes. */
struct cli_command {
    const char *name;
    const char *summary;  /* one line in `greet --help` */
    const char *operands; /* "[OPTIONS] [HOST [NAME...]]"; the shells complete host names
                             after a command whose operands name a HOST */
    const char *about;    /* what the command does, before the options */
    const struct cli_opt *options;
    const char *notes; /* after the options: behaviour worth knowing and the exit codes */
    int (*run)(int argc, char **argv); /* argv[0] == name; returns a cli_exit code */
};

extern const struct cli_command cli_server_command;
extern const struct cli_command cli_client_command;
extern const struct cli_command cli_fetch_command;

/* `greet` itself, with no command: its options (--help, --version) and usage. */
extern const struct cli_command cli_global_command;

/* Every command, for `greet --help` and the generated documents; NULL-terminated. */
extern const struct cli_command *const cli_commands[];

/* The program once the process is set up (main.c: UTF-8 arguments, stderr unbuffered): argv[1]
 * names the command. Returns the exit code. Tests call it in-process, where the platform's fault
 * seam reaches it (a host that is never looked up, for instance). */
int cli_main(int argc, char **argv);

/* ---- Parser: long and short options, portable (no getopt on MSVC) -----------------------
 * GNU style: --name, --name=value, --name value, clustered short options (-sSf, -ofile,
 * -o file), "--" ends the options and a lone "-" is an operand (stdin). */

struct cli_parser {
    int argc;
    char **argv;
    const struct cli_command *cmd;
    int index;
    const char *short_rest; /* remaining letters of a cluster like -sSf */
    char **operands;        /* the non-options, in order */
    int operand_count;
};

enum { CLI_HELP_SHOWN = -1 };

/* Reads argv[1..argc) (argv[0] is the command's name) by cmd's table into settings. Returns
 * CLI_EXIT_OK, CLI_HELP_SHOWN after printing the help, or CLI_EXIT_USAGE after printing the
 * cause ("greet fetch: unknown option '--x'"). The operands stay in p until cli_parser_free,
 * even after a failure. */
int cli_parse(struct cli_parser *p, const struct cli_command *cmd, int argc, char **argv,
              void *settings);
void cli_parser_free(struct cli_parser *p);

/* The name to show for an option in messages: "--port", or "-4" when it has no long name. */
const char *cli_opt_display(const struct cli_opt *o, char *buf, size_t size);

/* ---- Documents made from the tables (opt_doc.c) ------------------------------------------ */

/* `greet help NAME` and `greet NAME --help`. */
void cli_print_help(const struct cli_command *cmd, FILE *out);

/* The hidden `greet --dump-options FORMAT [COMMAND]`: writes the bash, zsh or PowerShell
 * completion, the command names (FORMAT commands) or COMMAND's option list for docs/greet.1
 * (FORMAT man; COMMAND greet for the global options), after checking every table.
 * cmake/GreetDocs.cmake keeps the files in the tree equal to this output. */
int cli_dump_options(int argc, char **argv);

/* Prints "greet CMD: MESSAGE\nTry 'greet help CMD'.\n" to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) GP_PRINTF(2, 3);

/* Prints "greet CMD: MESSAGE" to stderr; returns code. For run-time errors. */
int cli_error(const char *command, int code, const char *fmt, ...) GP_PRINTF(3, 4);

/* Maps a greet_err to the exit code for its cause (resolve, connect, timeout, ...). */
int cli_exit_for(int err);

/* ---- Peer bytes on a terminal (show.c) --------------------------------------------------- */

/* Writes len bytes to out (NUL-terminated, at most size - 1 characters) with every byte a
 * terminal would act on as an escape: "\x1b" for ESC and other controls, DEL, C1 controls and
 * bytes that are not UTF-8; "\r", and "\n" and "\t" too unless keep_lines. Other characters
 * (UTF-8 included) are copied. Stops before an escape or character that would not fit; *used
 * says how many input bytes were shown. Returns the length written. */
size_t cli_escape(const void *bytes, size_t len, size_t *used, char *out, size_t size,
                  int keep_lines);

/* Writes bytes to stream: as they are, or with escape (stdout is a terminal) as cli_escape
 * shows them, keeping newlines and tabs. 0 or the gp_text_write failure. */
int cli_show(FILE *stream, const void *bytes, size_t len, int escape);

#endif
