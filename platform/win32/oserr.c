/* Windows tables of the error model: Winsock (WSAGetLastError), Win32 (GetLastError), CRT errno
 * and getaddrinfo codes mapped to greet_err, named ("WSAECONNREFUSED 10061: No connection could
 * be made...") and described. The per-thread record is common/oserr.c's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <winsock2.h>
#include <windows.h>

#include "common/oserr.h"
#include "gpw.h"

struct oserr_entry {
    int raw;
    const char *name;
    int code;
};

#define ENTRY(raw, code)                                                                           \
    {                                                                                              \
        raw, #raw, code                                                                            \
    }

/* Winsock codes; getaddrinfo reports through the same values (EAI_NONAME is WSAHOST_NOT_FOUND). */
static const struct oserr_entry wsa_table[] = {
    ENTRY(WSAEINVAL, GREET_EINVAL),
    ENTRY(WSAEFAULT, GREET_EINVAL),
    ENTRY(WSAENOTSOCK, GREET_EINVAL),
    ENTRY(WSA_NOT_ENOUGH_MEMORY, GREET_ENOMEM),
    ENTRY(WSAENOBUFS, GREET_ENOMEM),
    ENTRY(WSAEINTR, GREET_EINTR),
    ENTRY(WSAEWOULDBLOCK, GREET_EAGAIN),
    ENTRY(WSAEINPROGRESS, GREET_EAGAIN),
    ENTRY(WSAEALREADY, GREET_EAGAIN),
    ENTRY(WSAETIMEDOUT, GREET_ETIMEDOUT),
    ENTRY(WSAECONNREFUSED, GREET_ECONNREFUSED),
    ENTRY(WSAECONNRESET, GREET_ECONNRESET),
    ENTRY(WSAENETRESET, GREET_ECONNRESET),
    ENTRY(WSAECONNABORTED, GREET_ECONNABORTED),
    ENTRY(WSAESHUTDOWN, GREET_EPIPE),
    ENTRY(WSAENOTCONN, GREET_ENOTCONN),
    ENTRY(WSAEADDRINUSE, GREET_EADDRINUSE),
    ENTRY(WSAEADDRNOTAVAIL, GREET_EADDRNOTAVAIL),
    ENTRY(WSAEAFNOSUPPORT, GREET_EAFNOSUPPORT),
    ENTRY(WSAEPFNOSUPPORT, GREET_EAFNOSUPPORT),
    ENTRY(WSAENETDOWN, GREET_ENETDOWN),
    ENTRY(WSAENETUNREACH, GREET_ENETUNREACH),
    ENTRY(WSAEHOSTUNREACH, GREET_EHOSTUNREACH),
    ENTRY(WSAEHOSTDOWN, GREET_EHOSTUNREACH),
    ENTRY(WSAEACCES, GREET_EACCES),
    ENTRY(WSAEMFILE, GREET_EMFILE),
    ENTRY(WSAECANCELLED, GREET_ECANCELED),
    ENTRY(WSA_OPERATION_ABORTED, GREET_ECANCELED),
    ENTRY(WSAEOPNOTSUPP, GREET_EUNSUPPORTED),
    ENTRY(WSAHOST_NOT_FOUND, GREET_ENOHOST),
    ENTRY(WSANO_DATA, GREET_ENOHOST),
    ENTRY(WSANO_RECOVERY, GREET_ENOHOST),
    ENTRY(WSATRY_AGAIN, GREET_ERESOLVE),
    ENTRY(WSATYPE_NOT_FOUND, GREET_EINVAL),
    ENTRY(WSANOTINITIALISED, GREET_EINVAL),
};

static const struct oserr_entry win32_table[] = {
    ENTRY(ERROR_FILE_NOT_FOUND, GREET_ENOENT),
    ENTRY(ERROR_PATH_NOT_FOUND, GREET_ENOENT),
    ENTRY(ERROR_INVALID_DRIVE, GREET_ENOENT),
    ENTRY(ERROR_BAD_NETPATH, GREET_ENOENT),
    ENTRY(ERROR_ACCESS_DENIED, GREET_EACCES),
    ENTRY(ERROR_SHARING_VIOLATION, GREET_EACCES),
    ENTRY(ERROR_LOCK_VIOLATION, GREET_EACCES),
    ENTRY(ERROR_FILE_EXISTS, GREET_EEXIST),
    ENTRY(ERROR_ALREADY_EXISTS, GREET_EEXIST),
    ENTRY(ERROR_DIRECTORY, GREET_ENOTDIR),
    ENTRY(ERROR_NOT_ENOUGH_MEMORY, GREET_ENOMEM),
    ENTRY(ERROR_OUTOFMEMORY, GREET_ENOMEM),
    ENTRY(ERROR_INVALID_PARAMETER, GREET_EINVAL),
    ENTRY(ERROR_INVALID_NAME, GREET_EINVAL),
    ENTRY(ERROR_INVALID_HANDLE, GREET_EINVAL),
    ENTRY(ERROR_NO_UNICODE_TRANSLATION, GREET_EINVAL),
    ENTRY(ERROR_FILENAME_EXCED_RANGE, GREET_EINVAL),
    ENTRY(ERROR_TIMEOUT, GREET_ETIMEDOUT),
    ENTRY(WAIT_TIMEOUT, GREET_ETIMEDOUT),
    ENTRY(ERROR_DISK_FULL, GREET_ENOSPC),
    ENTRY(ERROR_HANDLE_DISK_FULL, GREET_ENOSPC),
    ENTRY(ERROR_WRITE_PROTECT, GREET_EROFS),
    ENTRY(ERROR_TOO_MANY_OPEN_FILES, GREET_EMFILE),
    ENTRY(ERROR_BROKEN_PIPE, GREET_EPIPE),
    ENTRY(ERROR_NO_DATA, GREET_EPIPE),
    ENTRY(ERROR_OPERATION_ABORTED, GREET_ECANCELED),
    ENTRY(ERROR_NOT_SUPPORTED, GREET_EUNSUPPORTED),
    ENTRY(ERROR_CRC, GREET_EIO),
    ENTRY(ERROR_GEN_FAILURE, GREET_EIO),
};

/* The CRT's errno values: the classic ones plus the POSIX names that MSVC's and mingw-w64's
 * errno.h define, so that ECONNREFUSED maps like WSAECONNREFUSED. */
static const struct oserr_entry errno_table[] = {
    ENTRY(EINVAL, GREET_EINVAL),
    ENTRY(EBADF, GREET_EINVAL),
    ENTRY(ENOMEM, GREET_ENOMEM),
    ENTRY(ENOBUFS, GREET_ENOMEM),
    ENTRY(EINTR, GREET_EINTR),
    ENTRY(EAGAIN, GREET_EAGAIN),
    ENTRY(EWOULDBLOCK, GREET_EAGAIN),
    ENTRY(EINPROGRESS, GREET_EAGAIN),
    ENTRY(ETIMEDOUT, GREET_ETIMEDOUT),
    ENTRY(ECONNREFUSED, GREET_ECONNREFUSED),
    ENTRY(ECONNRESET, GREET_ECONNRESET),
    ENTRY(ECONNABORTED, GREET_ECONNABORTED),
    ENTRY(EPIPE, GREET_EPIPE),
    ENTRY(ENOTCONN, GREET_ENOTCONN),
    ENTRY(EADDRINUSE, GREET_EADDRINUSE),
    ENTRY(EADDRNOTAVAIL, GREET_EADDRNOTAVAIL),
    ENTRY(EAFNOSUPPORT, GREET_EAFNOSUPPORT),
    ENTRY(ENETDOWN, GREET_ENETDOWN),
    ENTRY(ENETUNREACH, GREET_ENETUNREACH),
    ENTRY(EHOSTUNREACH, GREET_EHOSTUNREACH),
    ENTRY(EACCES, GREET_EACCES),
    ENTRY(EPERM, GREET_EACCES),
    ENTRY(ENOENT, GREET_ENOENT),
    ENTRY(EEXIST, GREET_EEXIST),
    ENTRY(EISDIR, GREET_EISDIR),
    ENTRY(ENOTDIR, GREET_ENOTDIR),
    ENTRY(ENOSPC, GREET_ENOSPC),
    ENTRY(EROFS, GREET_EROFS),
    ENTRY(EMFILE, GREET_EMFILE),
    ENTRY(ENFILE, GREET_EMFILE),
    ENTRY(EIO, GREET_EIO),
    ENTRY(ECANCELED, GREET_ECANCELED),
};

#undef ENTRY

#define TABLE(t) t, sizeof t / sizeof t[0]

static const struct oserr_entry *find_entry(const struct oserr_entry *table, size_t n, int raw)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (table[i].raw == raw) {
            return &table[i];
        }
    }
    return NULL;
}

static const struct oserr_entry *lookup(int kind, int raw)
{
    switch (kind) {
    case GP_OSERR_SOCKET:
    case GP_OSERR_GAI:
        return find_entry(TABLE(wsa_table), raw);
    case GP_OSERR_WIN32:
        return find_entry(TABLE(win32_table), raw);
    case GP_OSERR_ERRNO:
        return find_entry(TABLE(errno_table), raw);
    default:
        return NULL;
    }
}

int gp_os_code(int kind, int raw)
{
    const struct oserr_entry *e = lookup(kind, raw);

    /* As on POSIX, a lookup failure we cannot classify means there is no such host for us. */
    if (!e && kind == GP_OSERR_GAI) {
        return GREET_ENOHOST;
    }
    return e ? e->code : GREET_ESYS;
}

/* The system's own text for a Win32 or Winsock code, in UTF-8 without the trailing CR/LF; "" when
 * the system has none. */
static void system_text(DWORD raw, char *buf, size_t size)
{
    wchar_t wide[512];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, raw,
                             0, wide, (DWORD)(sizeof wide / sizeof wide[0]), NULL);

    while (n > 0 && (wide[n - 1] == L'\r' || wide[n - 1] == L'\n' || wide[n - 1] == L' ')) {
        n--;
    }
    wide[n] = L'\0';
    if (n == 0 || gpw_narrow(wide, buf, size) == 0) {
        buf[0] = '\0';
    }
}

static void errno_text(int raw, char *buf, size_t size)
{
    /* strerror_s, not strerror: the text lands in our buffer, not in shared CRT storage. */
    if (strerror_s(buf, size, raw) != 0) {
        buf[0] = '\0';
    }
}

static const char *fallback_name(int kind)
{
    switch (kind) {
    case GP_OSERR_SOCKET:
        return "WSA error";
    case GP_OSERR_GAI:
        return "EAI";
    case GP_OSERR_WIN32:
        return "Win32 error";
    default:
        return "errno";
    }
}

const char *gp_os_name(int kind, int raw)
{
    const struct oserr_entry *e = lookup(kind, raw);

    return e ? e->name : fallback_name(kind);
}

void gp_os_text(int kind, int raw, char *buf, size_t size)
{
    if (kind == GP_OSERR_ERRNO) {
        errno_text(raw, buf, size);
    } else {
        system_text((DWORD)raw, buf, size);
    }
}
