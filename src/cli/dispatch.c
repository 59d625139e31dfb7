/* The program as a function: the global options and the dispatch to a subcommand (cli_main).
 * main.c calls it after preparing the process; tests call it in-process. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "greet/fetch.h"
#include "greet/version.h"

const struct cli_command *const cli_commands[] = {
    &cli_server_command,
    &cli_client_command,
    &cli_fetch_command,
    NULL,
};

struct global_args {
    int version;
};

static const struct cli_opt global_options[] = {
    CLI_HELP_ROW,
    {"version", 'V', NULL, "show the version", NULL, CLI_FLAG(struct global_args, version, 1)},
    CLI_TABLE_END,
};

const struct cli_command cli_global_command = {
    NULL,
    "",
    "COMMAND [OPTIONS] [ARGS]",
    "A small, portable socket toolkit: the greeting server, its client, and an HTTP download.\n",
    global_options,
    "Exit codes:\n"
    "  0 success, 1 other failure, 2 usage error, 3 host not resolved,\n"
    "  4 connection failed, 5 timed out, 6 protocol error or early close,\n"
    "  7 HTTP error (fetch --fail) or a proxy's refusal, 8 write error,\n"
    "  9 cannot listen (server), 10 TLS or certificate failure, 11 too many redirects\n",
    NULL,
};

static const struct cli_command *find_command(const char *name)
{
    const struct cli_command *const *c;

    for (c = cli_commands; *c; c++) {
        if (strcmp((*c)->name, name) == 0) {
            return *c;
        }
    }
    return NULL;
}

static int run_help(int argc, char **argv)
{
    const struct cli_command *cmd = argc < 3 ? &cli_global_command : find_command(argv[2]);

    if (!cmd) {
        return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
    }
    cli_print_help(cmd, stdout);
    return CLI_EXIT_OK;
}

/* `greet --help`, `greet -V`: only argv[1] is read, the rest belongs to no command. */
static int run_global(char **argv)
{
    struct global_args g = {0};
    struct cli_parser p;
    int rc = cli_parse(&p, &cli_global_command, 2, argv, &g);

    if (rc == CLI_EXIT_OK && g.version) {
        const char *decoder = greet_fetch_decoder();
        printf("greet %s\nTLS backend: %s\nCompression: %s\n", GREET_VERSION_STRING,
               greet_tls_backend(), decoder ? decoder : "none (no --compressed in this build)");
    }
    cli_parser_free(&p);
    return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
}

int cli_main(int argc, char **argv)
{
    const struct cli_command *cmd;
    const char *name;

    if (argc < 2) {
        cli_print_help(&cli_global_command, stderr);
        return CLI_EXIT_USAGE;
    }
    name = argv[1];
    if (strcmp(name, "--dump-options") == 0) {
        return cli_dump_options(argc, argv);
    }
    if (name[0] == '-' && name[1] != '\0') {
        return run_global(argv);
    }
    if (strcmp(name, "help") == 0) {
        return run_help(argc, argv);
    }
    cmd = find_command(name);
    if (!cmd) {
        return cli_usage_error(NULL, "unknown command '%s'", name);
    }
    return cmd->run(argc - 1, argv + 1);
}
