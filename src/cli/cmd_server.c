/* greet server: the tutorial's greeting server as a program, logging to stderr until Ctrl+C. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gp_tool.h"
#include "greet/server.h"
#include "greet/service.h"

#define MAX_DELAY_MS        3600000L
#define MAX_IDLE_MS         (7L * 24 * 3600 * 1000)
#define MAX_CLIENTS_LIMIT   1000000L
#define MAX_BACKLOG         65535L
#define MAX_LINE_LIMIT      (1024L * 1024)
#define MAX_WORKERS         1024L
#define TIMESTAMP_SIZE      32
#define SERVER_LOG_LINE_MAX 768

/* How log lines look (--log-format); the log callback's user argument. */
enum log_format {
    LOG_FORMAT_AUTO = 0, /* a time stamp, except when stderr is the journal */
    LOG_FORMAT_PLAIN,
    LOG_FORMAT_TIMESTAMP
};
struct log_style {
    enum log_format format;
};

static int set_log_format(void *settings, const char *arg)
{
    struct log_style *style = ((greet_server_config *)settings)->log_user;

    if (strcmp(arg, "plain") == 0) {
        style->format = LOG_FORMAT_PLAIN;
    } else if (strcmp(arg, "timestamp") == 0) {
        style->format = LOG_FORMAT_TIMESTAMP;
    } else {
        return cli_usage_error("server", "--log-format: '%s' is not plain or timestamp", arg);
    }
    return 0;
}

/* --model NAME: the names are the documented ones; the library numbers them. */
static int set_model(void *settings, const char *arg)
{
    static const struct {
        const char *name;
        int model;
    } models[] = {{"events", GREET_SERVER_EVENTS},
                  {"threads", GREET_SERVER_THREADS},
                  {"processes", GREET_SERVER_PROCESSES}};
    greet_server_config *cfg = settings;
    size_t i;

    for (i = 0; i < sizeof models / sizeof models[0]; i++) {
        if (strcmp(arg, models[i].name) == 0) {
            cfg->model = models[i].model;
            return 0;
        }
    }
    return cli_usage_error("server", "--model must be events, threads or processes, not '%s'", arg);
}

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
    {"idle-timeout", 0, "S",
     "close clients that complete no message for S seconds (bytes of an unfinished line do "
     "not count); 0: never",
     "300", CLI_SECONDS(greet_server_config, idle_timeout_ms, int, MAX_IDLE_MS)},
    {"delay", 0, "MS",
     "wait MS milliseconds before each reply; 1000 is the tutorial's time.sleep(1)", "0",
     CLI_NUMBER(greet_server_config, delay_ms, int, 0, MAX_DELAY_MS)},
    {"greeting", 0, "TEXT", "sent to each client on connect, then a newline", "\"hello world!\"",
     CLI_STRING(greet_server_config, greeting)},
    {"model", 0, "NAME",
     "how clients are served: events (a few event loops, each serving many clients), threads "
     "(one thread per client, the tutorial's model) or processes (one process per client)",
     "events", CLI_CALL(set_model)},
    {"workers", 0, "N", "event loops of --model events, 1 or more", "the CPUs greet may run on",
     CLI_NUMBER(greet_server_config, workers, int, 1, MAX_WORKERS)},
    {"max-line", 0, "N", "longest line in line mode, in bytes, at least 1024", "4096",
     CLI_NUMBER(greet_server_config, max_line, size_t, 1024, MAX_LINE_LIMIT)},
    {"quiet", 'q', NULL, "log only warnings and errors", NULL,
     CLI_FLAG(greet_server_config, log_level, GREET_LOG_WARN)},
    {"log-format", 0, "FORMAT",
     "log lines as 'plain' text or with a 'timestamp' in front; the journal stamps lines itself",
     "timestamp, plain when stderr is systemd's journal", CLI_CALL(set_log_format)},
    {"verbose", 'v', NULL, "log details too (the mode each client chose)", NULL,
     CLI_FLAG(greet_server_config, log_level, GREET_LOG_DEBUG)},
    CLI_HELP_ROW,
    CLI_TABLE_END,
};

/* The log callback, called by the server's one log thread. Below stdio: when nobody reads
 * stderr this call blocks, and it must not hold the stderr lock that exit needs. */
static void log_to_stderr(void *user, int level, const char *message)
{
    const struct log_style *style = user;
    char stamp[TIMESTAMP_SIZE] = "";
    char line[SERVER_LOG_LINE_MAX];
    const char *tag = level == GREET_LOG_ERROR  ? "error: "
                      : level == GREET_LOG_WARN ? "warning: "
                                                : "";

    if (style->format == LOG_FORMAT_TIMESTAMP) {
        gp_timestamp(stamp, sizeof stamp);
    }
    snprintf(line, sizeof line, "%s%s%s%s\n", stamp, stamp[0] ? " " : "", tag, message);
    (void)gp_stderr_write(line, strlen(line));
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

/* Socket activation (greet.socket): serve the socket the service manager passed, if any. */
static int take_service_socket(greet_server_config *cfg)
{
    char text[256];
    int count = 0;
    int rc = greet_service_listeners(&cfg->listener, &count);

    if (rc != GREET_OK) {
        greet_error_text(rc, text, sizeof text);
        return cli_error("server", CLI_EXIT_BIND,
                         "the socket from the service manager is not a listening TCP socket: %s",
                         text);
    }
    if (count > 1) {
        return cli_error("server", CLI_EXIT_BIND,
                         "the service manager passed %d sockets; greet server serves one (one "
                         "ListenStream= in the socket unit)",
                         count);
    }
    if (count == 1 && cfg->log_level >= GREET_LOG_INFO) {
        cfg->log(cfg->log_user, GREET_LOG_INFO,
                 "serving the socket from the service manager (LISTEN_FDS)");
    }
    return CLI_EXIT_OK;
}

/* Tells a service manager waiting for it (Type=notify); a failure only costs a warning. */
static void notify(const greet_server_config *cfg, const char *state)
{
    char text[256], line[320];
    int rc = greet_service_notify(state);

    if (rc != GREET_OK && cfg->log_level >= GREET_LOG_WARN) {
        greet_error_text(rc, text, sizeof text);
        snprintf(line, sizeof line, "cannot tell the service manager %s: %s", state, text);
        cfg->log(cfg->log_user, GREET_LOG_WARN, line);
    }
}

static int serve_until_stopped(greet_server_config *cfg)
{
    greet_server *srv;
    int rc = take_service_socket(cfg);

    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    rc = gp_stop_install();
    if (rc == GREET_OK) {
        rc = greet_server_start(cfg, &srv);
    }
    if (rc != GREET_OK) {
        return start_failed(cfg, rc);
    }
    if (cfg->port == 0 && cfg->listener == GREET_NO_LISTENER) {
        printf("%u\n", greet_server_port(srv));
        fflush(stdout);
    }
    notify(cfg, "READY=1");
    while (gp_stop_wait(GP_DEADLINE_NONE) != GREET_OK) {
    }
    notify(cfg, "STOPPING=1");
    greet_server_stop(srv);
    return CLI_EXIT_OK;
}

static int run(int argc, char **argv)
{
    struct cli_parser p;
    greet_server_config cfg;
    struct log_style style = {LOG_FORMAT_AUTO};
    int rc;

    greet_server_config_init(&cfg);
    cfg.log = log_to_stderr;
    cfg.log_user = &style;
    rc = cli_parse(&p, &cli_server_command, argc, argv, &cfg);
    if (style.format == LOG_FORMAT_AUTO) {
        style.format = greet_service_stderr_is_journal() ? LOG_FORMAT_PLAIN : LOG_FORMAT_TIMESTAMP;
    }
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
    "the greeting server: event loops or thread per connection, raw and line mode",
    "[OPTIONS]",
    "Greets every client, then answers each message with \"Hello \" and the message (the\n"
    "tutorial's server), from event loops or from one thread per client (--model). The\n"
    "protocol: docs/protocol.md.\n",
    options,
    "Logs go to stderr, timestamped, through a queue of 512 lines: a log nobody reads never\n"
    "holds up clients or stopping; lines that do not fit are dropped and counted (\"N log\n"
    "lines dropped\"). Ctrl+C (or SIGTERM) stops the server: replies in flight get 0.3\n"
    "seconds, then every connection is closed and greet exits with 0.\n"
    "\n"
    "As a systemd service (greet.socket, greet.service) it serves the socket systemd passes\n"
    "(LISTEN_FDS) instead of binding one, and reports READY=1 and STOPPING=1 (NOTIFY_SOCKET).\n"
    "\n"
    "Exit codes: 0 stopped cleanly, 1 other failure, 2 usage error, 3 --bind host not\n"
    "resolved, 9 cannot listen (address in use, not available here, or no permission).\n",
    run,
};
