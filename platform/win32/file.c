/* Files by UTF-8 name on Windows: every path is converted to UTF-16 for the "W" functions, since
 * the narrow ones read names in the local code page and cannot open most non-ASCII names. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <windows.h>

#include "gp.h"
#include "gpw.h"

#define MODE_MAX 16

static int errno_error(void)
{
    return gp_oserr_set(GP_OSERR_ERRNO, errno);
}

static int win32_error(void)
{
    return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
}

/* The _open flags for an fopen mode with 'x'; 0 for a mode that cannot create ("rx"). */
static int exclusive_flags(const char *mode)
{
    int flags = _O_CREAT | _O_EXCL | _O_NOINHERIT;

    if (mode[0] == 'w') {
        flags |= _O_TRUNC;
    } else if (mode[0] == 'a') {
        flags |= _O_APPEND;
    } else {
        return 0;
    }
    flags |= strchr(mode, '+') ? _O_RDWR : _O_WRONLY;
    flags |= strchr(mode, 'b') ? _O_BINARY : _O_TEXT;
    return flags;
}

/* C11's "x" (fail if the file exists), which the classic msvcrt.dll's fopen lacks: an exclusive
 * _wopen, then a stream on the descriptor with the mode minus the 'x'. */
static FILE *open_exclusive(const wchar_t *wpath, const char *mode, int *rc)
{
    char plain[MODE_MAX];
    size_t i, n = 0;
    int flags = exclusive_flags(mode);
    int fd;
    FILE *f;

    if (flags == 0) {
        *rc = GREET_EINVAL;
        return NULL;
    }
    for (i = 0; mode[i] != '\0'; i++) {
        if (mode[i] != 'x') {
            plain[n++] = mode[i];
        }
    }
    plain[n] = '\0';
    fd = _wopen(wpath, flags, _S_IREAD | _S_IWRITE);
    if (fd < 0) {
        *rc = errno_error();
        return NULL;
    }
    f = _fdopen(fd, plain);
    if (!f) {
        *rc = errno_error();
        _close(fd);
    }
    return f;
}

static FILE *open_plain(const wchar_t *wpath, const char *mode, int *rc)
{
    wchar_t wmode[MODE_MAX];
    size_t i;
    FILE *f;

    for (i = 0; i + 1 < MODE_MAX && mode[i] != '\0'; i++) {
        wmode[i] = (wchar_t)(unsigned char)mode[i];
    }
    wmode[i] = L'\0';
    f = _wfopen(wpath, wmode);
    if (!f) {
        *rc = errno_error();
    }
    return f;
}

/* CON opened for writing: the console's screen buffer, CONOUT$, opened for reading too.
 * GetConsoleMode, which tells gp_text_write that it writes to a console (and so converts UTF-8 to
 * UTF-16 for WriteConsoleW), needs read access, and CON itself opens one way only: written
 * through plain fopen, text would reach the console as bytes in its code page. */
static FILE *open_console_out(const char *mode, int *rc)
{
    HANDLE h = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    int fd;
    FILE *f;

    if (h == INVALID_HANDLE_VALUE) {
        *rc = win32_error();
        return NULL;
    }
    fd = _open_osfhandle((intptr_t)h, _O_WRONLY | (strchr(mode, 'b') ? _O_BINARY : _O_TEXT));
    if (fd < 0) {
        *rc = errno_error();
        CloseHandle(h);
        return NULL;
    }
    f = _fdopen(fd, mode);
    if (!f) {
        *rc = errno_error();
        _close(fd);
    }
    return f;
}

static int is_console_out(const wchar_t *wpath, const char *mode)
{
    return (mode[0] == 'w' || mode[0] == 'a') && !strchr(mode, 'x') && !strchr(mode, '+') &&
           _wcsicmp(wpath, L"\\\\.\\CON") == 0;
}

FILE *gp_fopen(const char *path, const char *mode, int *err)
{
    gp_oserr_clear();
    wchar_t *wpath = NULL;
    FILE *f = NULL;
    int rc = strlen(mode) < MODE_MAX ? gpw_path(path, &wpath) : GREET_EINVAL;

    if (rc == GREET_OK && is_console_out(wpath, mode)) {
        f = open_console_out(mode, &rc);
    } else if (rc == GREET_OK) {
        f = strchr(mode, 'x') ? open_exclusive(wpath, mode, &rc) : open_plain(wpath, mode, &rc);
    }
    free(wpath);
    if (err) {
        *err = rc;
    }
    return f;
}

/* A virus scanner, the search indexer or a backup agent opens a fresh file for a moment, and the
 * rename then fails with a sharing violation: worth a few short waits, as other tools do. */
#define REPLACE_TRIES       8
#define REPLACE_WAIT_MS     25 /* doubled after each try, at most REPLACE_WAIT_MAX_MS */
#define REPLACE_WAIT_MAX_MS 400

static int briefly_held(DWORD err)
{
    return err == ERROR_SHARING_VIOLATION || err == ERROR_LOCK_VIOLATION ||
           err == ERROR_ACCESS_DENIED;
}

/* MoveFileExW with flags, retried while another process holds either file (about 1.6 s in all). */
static BOOL move_retrying(const wchar_t *from, const wchar_t *to, DWORD flags)
{
    int i, wait = REPLACE_WAIT_MS;

    for (i = 1;; i++) {
        /* WRITE_THROUGH: return only once the rename is on disk, like rename after fsync. */
        if (MoveFileExW(from, to, flags | MOVEFILE_WRITE_THROUGH)) {
            return TRUE;
        }
        if (i == REPLACE_TRIES || !briefly_held(GetLastError())) {
            return FALSE;
        }
        Sleep((DWORD)wait);
        wait = wait * 2 > REPLACE_WAIT_MAX_MS ? REPLACE_WAIT_MAX_MS : wait * 2;
    }
}

int gp_file_replace(const char *from, const char *to)
{
    gp_oserr_clear();
    wchar_t *wfrom = NULL;
    wchar_t *wto = NULL;
    int rc = gpw_path(from, &wfrom);

    if (rc == GREET_OK) {
        rc = gpw_path(to, &wto);
    }
    if (rc == GREET_OK && !move_retrying(wfrom, wto, MOVEFILE_REPLACE_EXISTING)) {
        rc = win32_error();
    }
    free(wfrom);
    free(wto);
    return rc;
}

int gp_file_move_new(const char *from, const char *to)
{
    gp_oserr_clear();
    wchar_t *wfrom = NULL;
    wchar_t *wto = NULL;
    int rc = gpw_path(from, &wfrom);

    if (rc == GREET_OK) {
        rc = gpw_path(to, &wto);
    }
    /* Without MOVEFILE_REPLACE_EXISTING an existing to is ERROR_ALREADY_EXISTS, not retried. */
    if (rc == GREET_OK && !move_retrying(wfrom, wto, 0)) {
        rc = win32_error();
    }
    free(wfrom);
    free(wto);
    return rc;
}

/* FILETIME counts 100 ns from 1601-01-01, 11644473600 s before 1970. */
#define EPOCH_1601_S INT64_C(11644473600)
#define TICKS_PER_S  INT64_C(10000000)

/* The attributes (size, times) of the file at path, for gp_file_mtime and gp_file_size. */
static int file_attributes(const char *path, WIN32_FILE_ATTRIBUTE_DATA *data)
{
    wchar_t *wpath;
    int rc = gpw_path(path, &wpath);

    if (rc == GREET_OK) {
        if (!GetFileAttributesExW(wpath, GetFileExInfoStandard, data)) {
            rc = win32_error();
        }
        free(wpath);
    }
    return rc;
}

int gp_file_mtime(const char *path, int64_t *t)
{
    gp_oserr_clear();
    WIN32_FILE_ATTRIBUTE_DATA data;
    int rc = file_attributes(path, &data);

    if (rc == GREET_OK) {
        uint64_t ticks = ((uint64_t)data.ftLastWriteTime.dwHighDateTime << 32) |
                         data.ftLastWriteTime.dwLowDateTime;
        *t = (int64_t)(ticks / TICKS_PER_S) - EPOCH_1601_S;
    }
    return rc;
}

int gp_file_set_mtime(const char *path, int64_t t)
{
    gp_oserr_clear();
    wchar_t *wpath;
    HANDLE h;
    FILETIME ft;
    uint64_t ticks;
    int rc;

    if (t < -EPOCH_1601_S || t > INT64_MAX / TICKS_PER_S - EPOCH_1601_S) {
        return GREET_EINVAL;
    }
    rc = gpw_path(path, &wpath);
    if (rc != GREET_OK) {
        return rc;
    }
    ticks = (uint64_t)(t + EPOCH_1601_S) * (uint64_t)TICKS_PER_S;
    ft.dwLowDateTime = (DWORD)ticks;
    ft.dwHighDateTime = (DWORD)(ticks >> 32);
    /* BACKUP_SEMANTICS opens folders too; only the attributes are written. */
    h = CreateFileW(wpath, FILE_WRITE_ATTRIBUTES,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        rc = win32_error();
    } else {
        if (!SetFileTime(h, NULL, &ft, &ft)) {
            rc = win32_error();
        }
        CloseHandle(h);
    }
    free(wpath);
    return rc;
}

int gp_file_remove(const char *path)
{
    gp_oserr_clear();
    wchar_t *wpath;
    int rc = gpw_path(path, &wpath);

    if (rc == GREET_OK) {
        if (!DeleteFileW(wpath)) {
            rc = win32_error();
        }
        free(wpath);
    }
    return rc;
}

int gp_file_size(const char *path, uint64_t *size)
{
    gp_oserr_clear();
    WIN32_FILE_ATTRIBUTE_DATA data;
    int rc = file_attributes(path, &data);

    if (rc == GREET_OK) {
        *size = ((uint64_t)data.nFileSizeHigh << 32) | data.nFileSizeLow;
    }
    return rc;
}

int gp_path_exists(const char *path)
{
    wchar_t *wpath;
    int exists = 0;

    if (gpw_path(path, &wpath) == GREET_OK) {
        exists = GetFileAttributesW(wpath) != INVALID_FILE_ATTRIBUTES;
        free(wpath);
    }
    return exists;
}

static int is_sep(wchar_t c)
{
    return c == L'/' || c == L'\\';
}

/* How much of a path in gpw_path's form names a root that exists or not but is never created:
 * "\\?\C:\" or "\\?\UNC\server\share\". */
static size_t root_len(const wchar_t *p)
{
    size_t i = 0;
    int part;

    if (wcsncmp(p, L"\\\\?\\UNC\\", 8) == 0) {
        i = 8;
        for (part = 0; part < 2; part++) { /* the server and the share */
            while (p[i] != L'\0' && !is_sep(p[i])) {
                i++;
            }
            while (is_sep(p[i])) {
                i++;
            }
        }
        return i;
    }
    if (wcsncmp(p, L"\\\\?\\", 4) == 0 || wcsncmp(p, L"\\\\.\\", 4) == 0) {
        i = 4;
    }
    if (p[i] != L'\0' && p[i + 1] == L':') {
        i += 2;
    }
    while (is_sep(p[i])) {
        i++;
    }
    return i;
}

static int make_dir(const wchar_t *dir)
{
    DWORD attr;
    DWORD err;

    if (CreateDirectoryW(dir, NULL)) {
        return GREET_OK;
    }
    err = GetLastError();
    /* Already there (or refused, as for a drive root) is fine when it is a folder. */
    attr = GetFileAttributesW(dir);
    if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY)) {
        return GREET_OK;
    }
    return gp_oserr_set(GP_OSERR_WIN32, (int)err);
}

int gp_mkdir_p(const char *path)
{
    gp_oserr_clear();
    wchar_t *w;
    size_t i, n;
    wchar_t saved;
    int rc = gpw_path(path, &w);

    if (rc != GREET_OK) {
        return rc;
    }
    n = wcslen(w);
    i = root_len(w);
    rc = n == 0 ? GREET_EINVAL : GREET_OK;
    /* Create each prefix that ends at a separator, then the whole path. */
    while (rc == GREET_OK && i < n) {
        while (i < n && !is_sep(w[i])) {
            i++;
        }
        saved = w[i];
        w[i] = L'\0';
        rc = make_dir(w);
        w[i] = saved;
        while (i < n && is_sep(w[i])) {
            i++;
        }
    }
    free(w);
    return rc;
}

size_t gp_path_dirlen(const char *path)
{
    size_t i, len = 0;

    for (i = 0; path[i] != '\0'; i++) {
        if (path[i] == '/' || path[i] == '\\' || path[i] == ':') {
            len = i + 1;
        }
    }
    return len;
}

/* Opens path for its metadata only, following reparse points; INVALID_HANDLE_VALUE on failure. */
static HANDLE open_meta(const wchar_t *w)
{
    return CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
}

static int is_missing(DWORD err)
{
    return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
}

int gp_file_kind(const char *path, int *kind, int *writable)
{
    gp_oserr_clear();
    BY_HANDLE_FILE_INFORMATION info;
    wchar_t *w;
    HANDLE h;
    int rc = gpw_path(path, &w);

    *kind = GP_FILE_NONE;
    *writable = 1;
    if (rc != GREET_OK) {
        return rc;
    }
    /* The device namespace (\\.\NUL, \\.\CON, \\.\COM1: what GetFullPathNameW makes of a
     * DOS device name) is never a disk file. Not opened to ask: CON takes its direction from
     * the access asked for, so an open for metadata alone is not a question it answers (under
     * Wine without a console it fails with ERROR_INVALID_HANDLE), and opening COM ports and
     * the like has side effects. */
    if (wcsncmp(w, L"\\\\.\\", 4) == 0) {
        free(w);
        *kind = GP_FILE_SPECIAL;
        return GREET_OK;
    }
    h = open_meta(w);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        return is_missing(GetLastError()) ? GREET_OK : win32_error();
    }
    /* Devices (NUL, CON, COM1), pipes and consoles are not disk files: written in place. */
    if (GetFileType(h) != FILE_TYPE_DISK) {
        *kind = GP_FILE_SPECIAL;
    } else if (GetFileInformationByHandle(h, &info)) {
        *kind = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? GP_FILE_DIR : GP_FILE_REGULAR;
        *writable = !(info.dwFileAttributes & FILE_ATTRIBUTE_READONLY);
    } else {
        rc = win32_error();
    }
    CloseHandle(h);
    return rc;
}

/* "\\?\C:\x" -> "C:\x" and "\\?\UNC\srv\x" -> "\\srv\x": the forms every other call accepts. */
static const wchar_t *plain_form(wchar_t *p)
{
    if (wcsncmp(p, L"\\\\?\\UNC\\", 8) == 0) {
        p[6] = L'\\';
        return p + 6;
    }
    return wcsncmp(p, L"\\\\?\\", 4) == 0 ? p + 4 : p;
}

/* The final path of an existing reparse point, as UTF-8 in *out. */
static int final_path(const wchar_t *w, char **out)
{
    HANDLE h = open_meta(w);
    wchar_t buf[32768];
    DWORD n;
    size_t need;
    const wchar_t *p;
    int rc = GREET_OK;

    if (h == INVALID_HANDLE_VALUE) {
        return win32_error(); /* a link to nothing: refused rather than replaced */
    }
    n = GetFinalPathNameByHandleW(h, buf, sizeof buf / sizeof buf[0], FILE_NAME_NORMALIZED);
    if (n == 0 || n >= sizeof buf / sizeof buf[0]) {
        rc = win32_error();
    }
    CloseHandle(h);
    if (rc != GREET_OK) {
        return rc;
    }
    p = plain_form(buf);
    need = gpw_narrow(p, NULL, 0);
    *out = need ? malloc(need) : NULL;
    if (!*out || gpw_narrow(p, *out, need) == 0) {
        free(*out);
        *out = NULL;
        return GREET_ENOMEM;
    }
    return GREET_OK;
}

int gp_path_follow(const char *path, char **out)
{
    gp_oserr_clear();
    wchar_t *w;
    DWORD attr;
    size_t len = strlen(path);
    int rc = gpw_path(path, &w);

    if (rc != GREET_OK) {
        return rc;
    }
    attr = GetFileAttributesW(w);
    if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_REPARSE_POINT)) {
        rc = final_path(w, out);
    } else {
        *out = malloc(len + 1);
        rc = *out ? GREET_OK : GREET_ENOMEM;
        if (*out) {
            memcpy(*out, path, len + 1);
        }
    }
    free(w);
    return rc;
}

int gp_file_copy_mode(const char *from, const char *to)
{
    gp_oserr_clear();
    const DWORD kept = FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM |
                       FILE_ATTRIBUTE_NOT_CONTENT_INDEXED | FILE_ATTRIBUTE_ARCHIVE;
    wchar_t *wfrom = NULL;
    wchar_t *wto = NULL;
    DWORD attr;
    int rc = gpw_path(from, &wfrom);

    if (rc == GREET_OK) {
        rc = gpw_path(to, &wto);
    }
    if (rc == GREET_OK) {
        attr = GetFileAttributesW(wfrom);
        if (attr == INVALID_FILE_ATTRIBUTES ||
            !SetFileAttributesW(wto, (attr & kept) ? (attr & kept) : FILE_ATTRIBUTE_NORMAL)) {
            rc = win32_error();
        }
    }
    free(wfrom);
    free(wto);
    return rc;
}

/* A variable of the environment in UTF-8; 0 when unset, empty or too long for buf. */
static size_t env_utf8(const wchar_t *name, char *buf, size_t size)
{
    const wchar_t *v = _wgetenv(name);

    return v && v[0] ? gpw_narrow(v, buf, size) : 0;
}

int gp_home_file(const char *name, char *buf, size_t size)
{
    char home[MAX_PATH * 4];
    size_t len;
    int n;

    gp_oserr_clear();
    if (env_utf8(L"HOME", home, sizeof home) == 0 &&
        env_utf8(L"USERPROFILE", home, sizeof home) == 0) {
        return GREET_ENOENT;
    }
    len = strlen(home);
    n = snprintf(buf, size, "%s%s_%s", home,
                 len > 0 && (home[len - 1] == '\\' || home[len - 1] == '/') ? "" : "\\", name);
    return n < 0 || (size_t)n >= size ? GREET_ETOOBIG : GREET_OK;
}
