/* Placeholder until the fetch subcommand lands; replaced by its own issue's work. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("fetch", CLI_EXIT_FAILURE, "this build has no 'fetch' yet");
}

const struct cli_command cli_fetch_command = {"fetch", "(in progress)",
                                              "greet fetch: in progress\n", run};
