/* UTF-8 <-> UTF-16 for the Win32 "W" functions: greet speaks UTF-8 everywhere, Windows UTF-16. */
#include <limits.h>
#include <stdlib.h>
#include <wchar.h>

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

static int has_prefix(const wchar_t *s, const wchar_t *prefix)
{
    return wcsncmp(s, prefix, wcslen(prefix)) == 0;
}

/* The \\?\ form of a full path from GetFullPathNameW into out, which has room for the path and
 * 6 more units. */
static void long_form(const wchar_t *full, wchar_t *out)
{
    const wchar_t *prefix = L"\\\\?\\";

    if (has_prefix(full, L"\\\\?\\") || has_prefix(full, L"\\\\.\\")) {
        prefix = L""; /* already verbatim, or a device */
    } else if (has_prefix(full, L"\\\\")) {
        prefix = L"\\\\?\\UNC\\"; /* \\server\share -> \\?\UNC\server\share */
        full += 2;
    }
    wcscpy(out, prefix);
    wcscat(out, full);
}

int gpw_path(const char *utf8, wchar_t **out)
{
    wchar_t *wide, *full;
    DWORD n;
    int rc = gpw_widen(utf8, &wide);

    *out = NULL;
    if (rc != GREET_OK) {
        return rc;
    }
    if (wide[0] == L'\0') {
        free(wide);
        return gp_oserr_set(GP_OSERR_WIN32, ERROR_INVALID_NAME);
    }
    if (has_prefix(wide, L"\\\\?\\")) { /* verbatim: taken as written, as Windows does */
        *out = wide;
        return GREET_OK;
    }
    n = GetFullPathNameW(wide, 0, NULL, NULL); /* the size, NUL included */
    full = n == 0 ? NULL : (wchar_t *)malloc((size_t)n * sizeof *full);
    *out = n == 0 ? NULL : (wchar_t *)malloc(((size_t)n + 6) * sizeof **out);
    if (n == 0) {
        rc = gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    } else if (!full || !*out) {
        rc = gp_oserr_set(GP_OSERR_WIN32, ERROR_NOT_ENOUGH_MEMORY);
    } else if (GetFullPathNameW(wide, n, full, NULL) >= n) {
        rc = gp_oserr_set(GP_OSERR_WIN32, ERROR_INVALID_NAME); /* the cwd changed meanwhile */
    } else {
        long_form(full, *out);
    }
    if (rc != GREET_OK) {
        free(*out);
        *out = NULL;
    }
    free(full);
    free(wide);
    return rc;
}

size_t gpw_narrow(const wchar_t *wide, char *buf, size_t size)
{
    int cap = size > (size_t)INT_MAX ? INT_MAX : (int)size;
    int n = WideCharToMultiByte(CP_UTF8, 0, wide, -1, size ? buf : NULL, cap, NULL, NULL);

    return n > 0 ? (size_t)n : 0;
}
