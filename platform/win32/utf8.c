/* UTF-8 <-> UTF-16 for the Win32 "W" functions: greet speaks UTF-8 everywhere, Windows UTF-16. */
#include <limits.h>
#include <stdlib.h>

#include <windows.h>

#include "gp.h"
#include "gpw.h"

int gpw_widen(const char *utf8, wchar_t **out)
{
    int n;
    wchar_t *wide;

    *out = NULL;
    /* MB_ERR_INVALID_CHARS: a broken name must fail, not silently become another file. */
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
    if (n <= 0) {
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    wide = (wchar_t *)malloc((size_t)n * sizeof *wide);
    if (!wide) {
        return gp_oserr_set(GP_OSERR_WIN32, ERROR_NOT_ENOUGH_MEMORY);
    }
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, wide, n) != n) {
        free(wide);
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    *out = wide;
    return GREET_OK;
}

size_t gpw_narrow(const wchar_t *wide, char *buf, size_t size)
{
    int cap = size > (size_t)INT_MAX ? INT_MAX : (int)size;
    int n = WideCharToMultiByte(CP_UTF8, 0, wide, -1, size ? buf : NULL, cap, NULL, NULL);

    return n > 0 ? (size_t)n : 0;
}
