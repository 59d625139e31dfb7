/* Helpers shared by the Windows implementation files; not part of the contract (gp.h). */
#ifndef GREET_PLATFORM_WIN32_GPW_H
#define GREET_PLATFORM_WIN32_GPW_H

#include <stddef.h>
#include <wchar.h>

/* Converts NUL-terminated UTF-8 to a new UTF-16 string in *out (free() it). Invalid UTF-8 gives
 * GREET_EINVAL and no memory GREET_ENOMEM, with the OS error recorded. */
int gpw_widen(const char *utf8, wchar_t **out);

/* Converts a UTF-8 path to the UTF-16 form for the file "W" functions, in a new string in *out
 * (free() it): made absolute (GetFullPathNameW: relative paths, "D:foo", '/' separators, "." and
 * ".." resolved) and given the \\?\ prefix (\\?\UNC\server\share\... for a UNC path), which
 * lifts the 260-character MAX_PATH limit on every Windows version. Device names ("NUL", "CON",
 * "C:\x\nul") become \\.\NUL and keep that form, as do paths that already have a \\?\ or
 * \\.\ prefix. Errors as for gpw_widen; an empty path is GREET_EINVAL. */
int gpw_path(const char *utf8, wchar_t **out);

/* Converts NUL-terminated UTF-16 to UTF-8 in buf, NUL included. With size 0 only returns the
 * bytes needed. Returns the bytes written (or needed), 0 on failure (also when buf is too small).
 */
size_t gpw_narrow(const wchar_t *wide, char *buf, size_t size);

#endif
