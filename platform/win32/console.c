/* Process and console helpers on Windows: binary stdout (no "\n" -> "\r\n"), UTF-8 console
 * output, and the command line as UTF-8 instead of the ANSI code page's lossy version. */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

#include <windows.h>
#include <shellapi.h>

#include "gp.h"
#include "gpw.h"

void gp_stdout_binary(void)
{
    fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
}

void gp_console_utf8(void)
{
    SetConsoleOutputCP(CP_UTF8);
}

/* Converts wargv into one allocation holding the pointer array and the strings. */
static char **narrow_args(wchar_t **wargv, int n)
{
    size_t total = 0, need;
    char **out;
    char *p;
    int i;

    for (i = 0; i < n; i++) {
        need = gpw_narrow(wargv[i], NULL, 0);
        if (need == 0) {
            return NULL;
        }
        total += need;
    }
    out = (char **)malloc((size_t)(n + 1) * sizeof *out + total);
    if (!out) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    p = (char *)(out + n + 1);
    for (i = 0; i < n; i++) {
        out[i] = p;
        need = gpw_narrow(wargv[i], p, total);
        p += need;
        total -= need;
    }
    out[n] = NULL;
    return out;
}

int gp_args_utf8(int *argc, char ***argv)
{
    gp_oserr_clear();
    int n = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    char **args;

    if (!wargv) {
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    /* Never freed: the arguments live as long as the process, like the CRT's own argv. */
    args = narrow_args(wargv, n);
    if (!args) {
        int rc = gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
        LocalFree(wargv);
        return rc;
    }
    LocalFree(wargv);
    *argc = n;
    *argv = args;
    return GREET_OK;
}

int gp_isatty(FILE *stream)
{
    /* A console, not any character device: _isatty alone also says yes for NUL. */
    HANDLE h = (HANDLE)_get_osfhandle(_fileno(stream));
    DWORD mode;

    return _isatty(_fileno(stream)) && GetConsoleMode(h, &mode);
}

unsigned long gp_process_id(void)
{
    return (unsigned long)GetCurrentProcessId();
}
