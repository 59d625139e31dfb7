/* greet's entry point: UTF-8 arguments and console, then the program (dispatch.c). */
#include <stdio.h>

#include "cli.h"
#include "gp_tool.h"
#include "greet/server.h"

int main(int argc, char **argv)
{
    int rc;

    /* On Windows, `greet server --model processes` starts this program again for each
     * connection; such a start serves its one connection and ends here. */
    if (greet_server_child(argc, argv, &rc)) {
        return rc;
    }
    /* C says stderr starts unbuffered, but the Windows CRT buffers it fully when it is a pipe
     * or a file: messages and server logs would then only appear at exit. */
    setvbuf(stderr, NULL, _IONBF, 0);
    if (gp_args_utf8(&argc, &argv) != 0) {
        fputs("greet: cannot read the command line\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    rc = cli_main(argc, argv);
    fflush(stdout);
    return rc;
}
