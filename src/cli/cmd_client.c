/* greet client: the tutorial's client. Prints the greeting, sends each name and prints the
 * reply, then says exit. Replies are printed as the bytes they are, never as a format; on a
 * terminal with their control characters escaped (show.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gp_tool.h"
#include "greet/client.h"
#include "greet/server.h"

#define DEFAULT_TIMEOUT_MS 10000L
#define MAX_TIMEOUT_MS     (24L * 3600 * 1000)
#define RAW_MESSAGE_MAX    GREET_RAW_MESSAGE_MAX
#define REPLY_MAX          (64 * 1024) /* also the longest greeting (docs/protocol.md) */
#define SHOWN_MAX          160         /* of a wrong reply, in an error line */
#define HOSTNAME_MAX       256
#define WHERE_MAX          (HOSTNAME_MAX + 16)
#define BUSY_PREFIX        "busy:"

/* Not const: they travel with argv's names, which are char *. */
static char *default_names[] = {"guoxiang", "yanchendong", "wangzipeng"};

struct client_opts {
    long port;
    int mode;
    long timeout_ms;
    int family;
    const char *host;
    char hostname[HOSTNAME_MAX];
    char where[WHERE_MAX]; /* "host:port" for messages */
};

static const struct cli_opt options[] = {
    {"port", 'p', "N", "server port", "12341",
     CLI_NUMBER(struct client_opts, port, long, 1, 65535)},
    {"lines", 'l', NULL,
     "line mode: each name is sent as a line and the reply read up to its newline",
     "raw mode, as the tutorial's server expects",
     CLI_FLAG(struct client_opts, mode, GREET_MODE_LINE)},
    {"timeout", 't', "S",
     "limit for connecting and reading the greeting, then for each reply as a whole, in seconds",
     "10", CLI_SECONDS(struct client_opts, timeout_ms, long, MAX_TIMEOUT_MS)},
    {NULL, '4', NULL, "IPv4 only", NULL, CLI_FLAG(struct client_opts, family, GREET_FAMILY_IPV4)},
    {NULL, '6', NULL, "IPv6 only", NULL, CLI_FLAG(struct client_opts, family, GREET_FAMILY_IPV6)},
    CLI_HELP_ROW,
    CLI_TABLE_END,
};

struct session {
    const struct client_opts *o;
    greet_client *conn;
    int escape; /* stdout is a terminal: control characters are shown escaped */
    unsigned char reply[REPLY_MAX];
};

/* ---- Options ------------------------------------------------------------------------------ */

static int choose_host(const struct cli_parser *p, struct client_opts *o)
{
    if (p->operand_count > 0) {
        o->host = p->operands[0];
    } else if (gp_hostname(o->hostname, sizeof o->hostname) == GREET_OK) {
        o->host = o->hostname;
    } else {
        return cli_error("client", CLI_EXIT_FAILURE, "cannot find this machine's name; give HOST");
    }
    snprintf(o->where, sizeof o->where, strchr(o->host, ':') ? "[%s]:%ld" : "%s:%ld", o->host,
             o->port);
    return CLI_EXIT_OK;
}

/* A name the chosen mode cannot carry as one message gets a usage error up front. */
static int check_name(const struct client_opts *o, const char *name)
{
    size_t len = strlen(name);

    if (o->mode == GREET_MODE_RAW && (len == 0 || len > RAW_MESSAGE_MAX)) {
        return cli_usage_error("client", "in raw mode a name has 1 to %d bytes (try --lines)",
                               RAW_MESSAGE_MAX);
    }
    if (o->mode == GREET_MODE_LINE && strchr(name, '\n')) {
        return cli_usage_error("client", "in line mode a name cannot contain a newline");
    }
    return CLI_EXIT_OK;
}

/* ---- Talking to the server ---------------------------------------------------------------- */

/* Replies carry the names back, in any script: gp_text_write shows them right on a console. */
static void print_bytes(const struct session *s, const unsigned char *bytes, size_t len)
{
    cli_show(stdout, bytes, len, s->escape);
    if (len == 0 || bytes[len - 1] != '\n') {
        gp_text_write(stdout, "\n", 1);
    }
    fflush(stdout);
}

/* bytes as one quoted line for a message, escaped, cut with "..." when long. */
static const char *quoted(const void *bytes, size_t len, char *buf, size_t size)
{
    size_t used;
    size_t n = cli_escape(bytes, len, &used, buf + 1, size - 5, 0);

    buf[0] = '"';
    strcpy(buf + 1 + n, used < len ? "...\"" : "\"");
    return buf;
}

/* The error line and exit code for a failed exchange with the server. */
static int talk_failed(const struct session *s, int err, const char *doing)
{
    char text[256];

    if (err == GREET_ECLOSED) {
        return cli_error("client", CLI_EXIT_PROTOCOL, "%s closed the connection %s", s->o->where,
                         doing);
    }
    if (err == GREET_ETIMEDOUT) {
        return cli_error("client", CLI_EXIT_TIMEOUT, "no answer from %s within %ld ms %s",
                         s->o->where, s->o->timeout_ms, doing);
    }
    greet_error_text(err, text, sizeof text);
    return cli_error("client", cli_exit_for(err), "%s %s: %s", s->o->where, doing, text);
}

static int connect_and_greet(struct session *s)
{
    const struct client_opts *o = s->o;
    char text[256];
    size_t got;
    int rc =
        greet_client_connect(o->host, (unsigned)o->port, o->family, (int)o->timeout_ms, &s->conn);

    if (rc == GREET_ENOHOST || rc == GREET_ERESOLVE) {
        return cli_error("client", cli_exit_for(rc), "cannot resolve '%s': %s", o->host,
                         greet_error_text(rc, text, sizeof text));
    }
    if (rc != GREET_OK) {
        return cli_error("client", cli_exit_for(rc), "connect to %s: %s", o->where,
                         greet_error_text(rc, text, sizeof text));
    }
    rc = greet_client_greeting(s->conn, o->mode, s->reply, sizeof s->reply, &got);
    if (rc == GREET_ETOOBIG) {
        return cli_error("client", CLI_EXIT_PROTOCOL, "the greeting of %s is longer than %d KiB",
                         o->where, REPLY_MAX / 1024);
    }
    if (rc != GREET_OK) {
        return talk_failed(s, rc, "before its greeting");
    }
    print_bytes(s, s->reply, got);
    if (got >= sizeof BUSY_PREFIX - 1 &&
        memcmp(s->reply, BUSY_PREFIX, sizeof BUSY_PREFIX - 1) == 0) {
        return cli_error("client", cli_exit_for(GREET_EBUSY), "%s is busy", o->where);
    }
    return CLI_EXIT_OK;
}

/* A raw-mode reply that is not "Hello " + the name: what arrived, in one line. */
static int wrong_reply(const struct session *s, int err, const char *name, size_t len, size_t got)
{
    char shown[SHOWN_MAX], expected[SHOWN_MAX], whole[SHOWN_MAX];
    size_t want = len + 6;

    memcpy(whole, "Hello ", 6);
    memcpy(whole + 6, name, len < sizeof whole - 6 ? len : sizeof whole - 6);
    quoted(s->reply, got, shown, sizeof shown);
    quoted(whole, want < sizeof whole ? want : sizeof whole, expected, sizeof expected);
    if (err == GREET_EPROTO) {
        return cli_error("client", CLI_EXIT_PROTOCOL, "%s replied %s, not %s", s->o->where, shown,
                         expected);
    }
    if (err == GREET_ETIMEDOUT) {
        return cli_error("client", CLI_EXIT_TIMEOUT,
                         "no complete reply from %s within %ld ms: %s (%lu of %lu bytes)",
                         s->o->where, s->o->timeout_ms, shown, (unsigned long)got,
                         (unsigned long)want);
    }
    return cli_error("client", CLI_EXIT_PROTOCOL,
                     "%s closed the connection after a short reply: %s (%lu of %lu bytes)",
                     s->o->where, shown, (unsigned long)got, (unsigned long)want);
}

static int send_name(struct session *s, const char *name, size_t len)
{
    size_t got;
    /* One byte kept free for the newline that line mode strips. */
    int rc =
        greet_client_exchange(s->conn, s->o->mode, name, len, s->reply, sizeof s->reply - 1, &got);

    if (rc == GREET_EPROTO || (got > 0 && (rc == GREET_ECLOSED || rc == GREET_ETIMEDOUT))) {
        return wrong_reply(s, rc, name, len, got);
    }
    if (rc != GREET_OK) {
        return talk_failed(s, rc, "before replying");
    }
    if (s->o->mode == GREET_MODE_LINE) {
        s->reply[got] = '\n';
        got++;
    }
    print_bytes(s, s->reply, got);
    return CLI_EXIT_OK;
}

/* Sends every line of stdin as a name (without its line ending); raw mode skips empty lines,
 * which would be nothing to send. */
/* The length of what the last read put into line: up to the terminating NUL, which is the last
 * NUL in the buffer because it was filled with non-NUL bytes before the read (a NUL inside the
 * text would otherwise look like the end of it). */
static size_t read_length(const char *line, size_t size)
{
    while (size > 0 && line[size - 1] != '\0') {
        size--;
    }
    return size > 0 ? size - 1 : 0;
}

static char *read_stdin_line(char *line, size_t size)
{
    memset(line, 'x', size);
    return gp_text_read_line(line, (int)size, stdin);
}

static int send_stdin(struct session *s)
{
    char line[RAW_MESSAGE_MAX * 4];
    int rc = CLI_EXIT_OK;

    while (rc == CLI_EXIT_OK && read_stdin_line(line, sizeof line)) {
        size_t got = read_length(line, sizeof line);
        size_t len = strcspn(line, "\n");
        if (len < got && line[len] == '\0') {
            return cli_error("client", CLI_EXIT_USAGE, "stdin: names cannot contain NUL bytes");
        }
        if (len == got && !feof(stdin)) {
            return cli_error("client", CLI_EXIT_USAGE, "stdin: line longer than %d bytes",
                             (int)sizeof line - 2);
        }
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        if (s->o->mode == GREET_MODE_RAW && len > RAW_MESSAGE_MAX) {
            return cli_error("client", CLI_EXIT_USAGE,
                             "stdin: in raw mode a name has at most %d bytes (try --lines)",
                             RAW_MESSAGE_MAX);
        }
        if (len > 0 || s->o->mode == GREET_MODE_LINE) {
            rc = send_name(s, line, len);
        }
    }
    return rc;
}

static int send_names(struct session *s, char **names, int count)
{
    int i, rc = CLI_EXIT_OK;

    for (i = 0; rc == CLI_EXIT_OK && i < count; i++) {
        rc = strcmp(names[i], "-") == 0 ? send_stdin(s) : send_name(s, names[i], strlen(names[i]));
    }
    return rc;
}

static int talk(const struct client_opts *o, char **names, int count)
{
    struct session *s = calloc(1, sizeof *s);
    int rc;

    if (!s) {
        return cli_error("client", CLI_EXIT_FAILURE, "out of memory");
    }
    s->o = o;
    s->escape = gp_isatty(stdout);
    rc = connect_and_greet(s);
    if (rc == CLI_EXIT_OK) {
        rc = send_names(s, names, count);
    }
    if (rc == CLI_EXIT_OK) {
        /* The polite goodbye; the server may already be gone, which is fine now. */
        greet_client_send(s->conn, o->mode, "exit", 4);
    }
    greet_client_close(s->conn);
    free(s);
    return rc;
}

static int check_names(const struct client_opts *o, char **names, int count)
{
    int i, rc = CLI_EXIT_OK;

    for (i = 0; rc == CLI_EXIT_OK && i < count; i++) {
        if (strcmp(names[i], "-") != 0) {
            rc = check_name(o, names[i]);
        }
    }
    return rc;
}

static int run(int argc, char **argv)
{
    struct cli_parser p;
    struct client_opts o;
    int rc;

    memset(&o, 0, sizeof o);
    o.port = 12341;
    o.mode = GREET_MODE_RAW;
    o.timeout_ms = DEFAULT_TIMEOUT_MS;
    rc = cli_parse(&p, &cli_client_command, argc, argv, &o);
    if (rc == CLI_EXIT_OK) {
        rc = choose_host(&p, &o);
    }
    if (rc == CLI_EXIT_OK && p.operand_count > 1) {
        rc = check_names(&o, p.operands + 1, p.operand_count - 1);
    }
    if (rc == CLI_EXIT_OK) {
        gp_stdout_binary();
        if (p.operand_count > 1) {
            rc = talk(&o, p.operands + 1, p.operand_count - 1);
        } else {
            rc = talk(&o, default_names, 3);
        }
    }
    if (rc == CLI_EXIT_OK && ferror(stdout)) {
        rc = cli_error("client", CLI_EXIT_WRITE, "cannot write to stdout");
    }
    cli_parser_free(&p);
    return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
}

const struct cli_command cli_client_command = {
    "client",
    "the greeting client: send names, print the replies",
    "[OPTIONS] [HOST [NAME...]]",
    "Connects to a greeting server, prints its greeting, sends each NAME and prints the\n"
    "reply, then sends \"exit\" (the tutorial's client). HOST defaults to this machine's name;\n"
    "the names default to the tutorial's guoxiang, yanchendong and wangzipeng. A NAME of '-'\n"
    "reads names from stdin, one per line, answering each as it comes. In raw mode a reply\n"
    "must be exactly \"Hello \" and the name. On a terminal, control characters the server\n"
    "sends are shown escaped (\\x1b); pipes and files get the exact bytes.\n",
    options,
    "Exit codes: 0 success, 1 other failure, 2 usage error, 3 host not resolved,\n"
    "4 connection refused or unreachable, 5 timed out, 6 server busy, closed early or sent\n"
    "a wrong reply, 8 stdout could not be written.\n",
    run,
};
