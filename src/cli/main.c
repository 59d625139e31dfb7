/* greet's entry point: UTF-8 arguments and console, then dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gp.h"
#include "gp_tls.h"
#include "greet/version.h"

static const struct cli_command *const commands[] = {
    &cli_server_command,
    &cli_client_command,
    &cli_fetch_command,
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const struct cli_command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i]->name, name) == 0) {
            return commands[i];
        }
    }
    return NULL;
}

static void print_usage(FILE *out)
{
    size_t i;

    fputs("Usage: greet COMMAND [OPTIONS] [ARGS]\n"
          "A small, portable socket toolkit: the greeting server, its client, and an HTTP "
          "download.\n\nCommands:\n",
          out);
    for (i = 0; i < COMMAND_COUNT; i++) {
        fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    }
    fputs("  help     show a command's options: greet help COMMAND\n"
          "\nOptions:\n"
          "  -h, --help     show this help\n"
          "  -V, --version  show the version\n"
          "\nExit codes:\n"
          "  0 success, 1 other failure, 2 usage error, 3 host not resolved,\n"
          "  4 connection failed, 5 timed out, 6 protocol error or early close,\n"
          "  7 HTTP error (fetch --fail), 8 write error, 9 cannot listen (server),\n"
          "  10 TLS or certificate failure, 11 too many redirects\n",
          out);
}

static void print_version(void)
{
    printf("greet %s\nTLS backend: %s\n", GREET_VERSION_STRING, gp_tls_backend());
}

static int run_help(int argc, char **argv)
{
    const struct cli_command *cmd;

    if (argc < 3) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    cmd = find_command(argv[2]);
    if (!cmd) {
        return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
    }
    fputs(cmd->help, stdout);
    return CLI_EXIT_OK;
}

static int dispatch(int argc, char **argv)
{
    const struct cli_command *cmd;
    const char *name;

    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0) {
        print_version();
        return CLI_EXIT_OK;
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

int main(int argc, char **argv)
{
    int rc;

    /* C says stderr starts unbuffered, but the Windows CRT buffers it fully when it is a pipe
     * or a file: messages and server logs would then only appear at exit. */
    setvbuf(stderr, NULL, _IONBF, 0);
    if (gp_args_utf8(&argc, &argv) != 0) {
        fputs("greet: cannot read the command line\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    gp_console_utf8();
    rc = dispatch(argc, argv);
    fflush(stdout);
    return rc;
}
