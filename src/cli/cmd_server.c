/* greet server: the tutorial's greeting server as a program, logging to stderr until Ctrl+C. */
#include <stdio.h>

#include "cli.h"
#include "gp_tool.h"
#include "greet/server.h"

#define MAX_DELAY_MS        3600000L
#define MAX_IDLE_MS         (7L * 24 * 3600 * 1000)
#define MAX_CLIENTS_LIMIT   1000000L
#define MAX_BACKLOG         65535L
#define MAX_LINE_LIMIT      (1024L * 1024)
#define TIMESTAMP_SIZE      32
#define SERVER_LOG_LINE_MAX 768

static const struct cli_opt options[] = {
    {"bind", 'b', "ADDR", "address or host name to listen on",
     "all interfaces, IPv6 and IPv4; IPv4 only where IPv6 is unavailable",
     CLI_STRING(greet_server_config, bind)},
    {"port", 'p', "N", "port; 0 picks a free port and prints it on stdout", "12341",
     CLI_NUMBER(greet_server_config, port, unsigned, 0, 65535)},
    {"backlog", 0, "N",
     "queue of connections not yet accepted; the tutorial's 5 turns clients away as soon as a "
     "few connect at once, even 128 when hundreds do; the OS caps any value at its maximum",
     "the OS maximum, SOMAXCONN", CLI_NUMBER(greet_server_config, backlog, int, 1, MAX_BACKLOG)},
    {"max-clients", 0, "N",
     "clients served at once, 0 for no limit; others get \"busy: too many clients, try again "
     "later\" and are closed",
     "10000", CLI_NUMBER(greet_server_config, max_clients, long, 0, MAX_CLIENTS_LIMIT)},
    {"idle-timeout", 0, "S", "close clients that send nothing for S seconds", "never",
     CLI_SECONDS(greet_server_config, idle_timeout_ms, int, MAX_IDLE_MS)},
    {"delay", 0, "MS",
     "wait MS milliseconds before each reply; 1000 is the tutorial's time.sleep(1)", "0",
     CLI_NUMBER(greet_server_config, delay_ms, int, 0, MAX_DELAY_MS)},
    {"greeting", 0, "TEXT", "sent to each client on connect, then a newline", "\"hello world!\"",
     CLI_STRING(greet_server_config, greeting)},
    {"max-line", 0, "N", "longest line in line mode, in bytes, at least 1024", "4096",
     CLI_NUMBER(greet_server_config, max_line, size_t, 1024, MAX_LINE_LIMIT)},
    {"quiet", 'q', NULL, "log only warnings and errors", NULL,
     CLI_FLAG(greet_server_config, log_level, GREET_LOG_WARN)},
    {"verbose", 'v', NULL, "log details too (the mode each client chose)", NULL,
     CLI_FLAG(greet_server_config, log_level, GREET_LOG_DEBUG)},
    CLI_HELP_ROW,
    CLI_TABLE_END,
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
    while (gp_stop_wait(GP_DEADLINE_NONE) != GREET_OK) {
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

    greet_server_config_init(&cfg);
    cfg.log = log_to_stderr;
    rc = cli_parse(&p, &cli_server_command, argc, argv, &cfg);
    if (rc == CLI_EXIT_OK && p.operand_count > 0) {
        rc = cli_usage_error("server", "unexpected argument '%s'", p.operands[0]);
    }
    if (rc == CLI_EXIT_OK) {
        rc = serve_until_stopped(&cfg);
    }
    cli_parser_free(&p);
    return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
}

const struct cli_command cli_server_command = {
    "server",
    "the greeting server: thread per connection, raw and line mode",
    "[OPTIONS]",
    "Greets every client, then answers each message with \"Hello \" and the message, one\n"
    "thread per connection (the tutorial's server). The protocol: docs/protocol.md.\n",
    options,
    "Logs go to stderr, timestamped. Ctrl+C (or SIGTERM) stops the server: replies in flight\n"
    "get 0.3 seconds, then every connection is closed and greet exits with 0.\n"
    "\n"
    "Exit codes: 0 stopped cleanly, 1 other failure, 2 usage error, 3 --bind host not\n"
    "resolved, 9 cannot listen (address in use, not available here, or no permission).\n",
    run,
};
