/* POSIX process and console helpers: the terminal already speaks UTF-8 and bytes, so most of
 * these have nothing to do. */
#include <stdio.h>
#include <unistd.h>

#include "gp.h"

void gp_stdout_binary(void)
{
}

void gp_console_utf8(void)
{
}

int gp_args_utf8(int *argc, char ***argv)
{
    gp_oserr_clear();
    (void)argc;
    (void)argv;
    return GREET_OK;
}

int gp_isatty(FILE *stream)
{
    return isatty(fileno(stream));
}

unsigned long gp_process_id(void)
{
    return (unsigned long)getpid();
}
