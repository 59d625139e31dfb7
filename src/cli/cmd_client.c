/* Placeholder until the client subcommand lands; replaced by its own issue's work. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("client", CLI_EXIT_FAILURE, "this build has no 'client' yet");
}

const struct cli_command cli_client_command = {"client", "(in progress)",
                                               "greet client: in progress\n", run};
