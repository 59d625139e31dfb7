/* greet server: the tutorial's greeting server as a program, logging to stderr until Ctrl+C. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gp.h"
#include "greet/server.h"

#define MAX_DELAY_MS        3600000L
#define MAX_IDLE_MS         (7L * 24 * 3600 * 1000)
#define MAX_CLIENTS_LIMIT   1000000L
#define MAX_BACKLOG         65535L
#define MAX_LINE_LIMIT      (1024L * 1024)
#define TIMESTAMP_SIZE      32
#define SERVER_LOG_LINE_MAX 768

static const char help_text[] =
    "Usage: greet server [OPTIONS]\n"
    "Greets every client, then answers each message with \"Hello \" and the message, one\n"
    "thread per connection (the tutorial's server). The protocol: docs/protocol.md.\n"
    "\n"
    "Options:\n"
    "  -b, --bind ADDR       address or host name to listen on (default: all interfaces,\n"
    "                        IPv6 and IPv4; IPv4 only where IPv6 is unavailable)\n"
    "  -p, --port N          port (default 12341); 0 picks a free port and prints it on stdout\n"
    "      --backlog N       queue of connections not yet accepted (default 128: the\n"
    "                        tutorial's 5 turns clients away as soon as a few connect at\n"
    "                        once; the OS caps the value at its own maximum)\n"
    "      --max-clients N   clients served at once, 0 for no limit (default 10000); others\n"
    "                        get \"busy: too many clients, try again later\" and are closed\n"
    "      --idle-timeout S  close clients that send nothing for S seconds (default: never)\n"
    "      --delay MS        wait MS milliseconds before each reply (1000 is the tutorial's\n"
    "                        time.sleep(1); default 0)\n"
    "      --greeting TEXT   sent to each client on connect, then a newline\n"
    "                        (default \"hello world!\")\n"
    "      --max-line N      longest line in line mode, in bytes (default 4096, at least 1024)\n"
    "  -q, --quiet           log only warnings and errors\n"
    "  -v, --verbose         log details too (the mode each client chose)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Logs go to stderr, timestamped. Ctrl+C (or SIGTERM) stops the server: replies in flight\n"
    "get 0.3 seconds, then every connection is closed and greet exits with 0.\n"
    "\n"
    "Exit codes: 0 stopped cleanly, 1 other failure, 2 usage error, 3 --bind host not\n"
    "resolved, 9 cannot listen (address in use, not available here, or no permission).\n";

enum {
    OPT_BIND = 1,
    OPT_PORT,
    OPT_BACKLOG,
    OPT_MAX_CLIENTS,
    OPT_IDLE,
    OPT_DELAY,
    OPT_GREETING,
    OPT_MAX_LINE,
    OPT_QUIET,
    OPT_VERBOSE,
    OPT_HELP
};

static const struct cli_opt options[] = {
    {OPT_BIND, 'b', "bind", CLI_REQUIRED_ARG},
    {OPT_PORT, 'p', "port", CLI_REQUIRED_ARG},
    {OPT_BACKLOG, 0, "backlog", CLI_REQUIRED_ARG},
    {OPT_MAX_CLIENTS, 0, "max-clients", CLI_REQUIRED_ARG},
    {OPT_IDLE, 0, "idle-timeout", CLI_REQUIRED_ARG},
    {OPT_DELAY, 0, "delay", CLI_REQUIRED_ARG},
    {OPT_GREETING, 0, "greeting", CLI_REQUIRED_ARG},
    {OPT_MAX_LINE, 0, "max-line", CLI_REQUIRED_ARG},
    {OPT_QUIET, 'q', "quiet", CLI_NO_ARG},
    {OPT_VERBOSE, 'v', "verbose", CLI_NO_ARG},
    {OPT_HELP, 'h', "help", CLI_NO_ARG},
    {0, 0, NULL, 0},
};

/* The log callback: one whole line per fputs, so lines from different threads never mix. */
static void log_to_stderr(void *user, int level, const char *message)
{
    char stamp[TIMESTAMP_SIZE];
    char line[SERVER_LOG_LINE_MAX];
    const char *tag = level == GREET_LOG_ERROR  ? "error: "
                      : level == GREET_LOG_WARN ? "warning: "
                                                : "";

    (void)user;
    gp_timestamp(stamp, sizeof stamp);
    snprintf(line, sizeof line, "%s %s%s\n", stamp, tag, message);
    fputs(line, stderr);
    /* Windows C runtimes may buffer stderr when it is a pipe; a log must not wait. */
    fflush(stderr);
}

/* Applies one option with a numeric value; returns 0 or -1 after the parser's message. */
static int set_number(struct cli_parser *p, int id, greet_server_config *cfg)
{
    long v = 0;
    int rc;

    switch (id) {
    case OPT_PORT:
        rc = cli_parse_long(p, "port", p->arg, 0, 65535, &v);
        cfg->port = (unsigned)v;
        return rc;
    case OPT_BACKLOG:
        rc = cli_parse_long(p, "backlog", p->arg, 1, MAX_BACKLOG, &v);
        cfg->backlog = (int)v;
        return rc;
    case OPT_MAX_CLIENTS:
        rc = cli_parse_long(p, "max-clients", p->arg, 0, MAX_CLIENTS_LIMIT, &v);
        cfg->max_clients = v;
        return rc;
    case OPT_IDLE:
        rc = cli_parse_seconds(p, "idle-timeout", p->arg, MAX_IDLE_MS, &v);
        cfg->idle_timeout_ms = (int)v;
        return rc;
    case OPT_DELAY:
        rc = cli_parse_long(p, "delay", p->arg, 0, MAX_DELAY_MS, &v);
        cfg->delay_ms = (int)v;
        return rc;
    default: /* OPT_MAX_LINE */
        rc = cli_parse_long(p, "max-line", p->arg, 1024, MAX_LINE_LIMIT, &v);
        cfg->max_line = (size_t)v;
        return rc;
    }
}

/* Fills cfg from the command line: CLI_EXIT_OK to go on, -1 after --help, or an exit code. */
static int parse(struct cli_parser *p, greet_server_config *cfg)
{
    int id;

    while ((id = cli_next_opt(p, options)) != CLI_OPT_END) {
        if (id == CLI_OPT_ERROR) {
            return CLI_EXIT_USAGE;
        } else if (id == OPT_HELP) {
            fputs(help_text, stdout);
            return -1;
        } else if (id == OPT_BIND) {
            cfg->bind = p->arg;
        } else if (id == OPT_GREETING) {
            cfg->greeting = p->arg;
        } else if (id == OPT_QUIET) {
            cfg->log_level = GREET_LOG_WARN;
        } else if (id == OPT_VERBOSE) {
            cfg->log_level = GREET_LOG_DEBUG;
        } else if (set_number(p, id, cfg) != 0) {
            return CLI_EXIT_USAGE;
        }
    }
    if (p->operand_count > 0) {
        return cli_usage_error("server", "unexpected argument '%s'", p->operands[0]);
    }
    return CLI_EXIT_OK;
}

static int start_failed(const greet_server_config *cfg, int err)
{
    char text[256];
    int code = CLI_EXIT_BIND;

    greet_error_text(err, text, sizeof text);
    if (err == GREET_ENOHOST || err == GREET_ERESOLVE) {
        code = cli_exit_for(err);
    } else if (err == GREET_ENOMEM || err == GREET_EMFILE || err == GREET_ESYS) {
        code = CLI_EXIT_FAILURE;
    }
    return cli_error("server", code, "cannot listen on %s port %u: %s",
                     cfg->bind ? cfg->bind : "all interfaces", cfg->port, text);
}

static int serve_until_stopped(const greet_server_config *cfg)
{
    greet_server *srv;
    int rc = gp_stop_install();

    if (rc == GREET_OK) {
        rc = greet_server_start(cfg, &srv);
    }
    if (rc != GREET_OK) {
        return start_failed(cfg, rc);
    }
    if (cfg->port == 0) {
        printf("%u\n", greet_server_port(srv));
        fflush(stdout);
    }
    while (gp_stop_wait(-1) != GREET_OK) {
    }
    if (cfg->log_level >= GREET_LOG_INFO) {
        log_to_stderr(NULL, GREET_LOG_INFO, "stopping");
    }
    greet_server_stop(srv);
    return CLI_EXIT_OK;
}

static int run(int argc, char **argv)
{
    struct cli_parser p;
    greet_server_config cfg;
    int rc;

    if (cli_parser_init(&p, argc, argv, "server") != 0) {
        return cli_error("server", CLI_EXIT_FAILURE, "out of memory");
    }
    greet_server_config_init(&cfg);
    cfg.log = log_to_stderr;
    rc = parse(&p, &cfg);
    if (rc == CLI_EXIT_OK) {
        rc = serve_until_stopped(&cfg);
    } else if (rc < 0) {
        rc = CLI_EXIT_OK;
    }
    cli_parser_free(&p);
    return rc;
}

const struct cli_command cli_server_command = {
    "server", "the greeting server: thread per connection, raw and line mode", help_text, run};
