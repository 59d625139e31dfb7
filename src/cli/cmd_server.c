/* Placeholder until the server subcommand lands; replaced by its own issue's work. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("server", CLI_EXIT_FAILURE, "this build has no 'server' yet");
}

const struct cli_command cli_server_command = {"server", "(in progress)",
                                               "greet server: in progress\n", run};
