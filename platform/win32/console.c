/* Process and console helpers on Windows: binary stdout (no "\n" -> "\r\n"), console text in
 * UTF-16 (WriteConsoleW / ReadConsoleW, whatever the console's code page, which greet leaves
 * alone), and the command line as UTF-8 instead of the ANSI code page's lossy version. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <shellapi.h>

#include "gp.h"
#include "gpw.h"

void gp_stdout_binary(void)
{
    fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
}

/* ---- Console text ---------------------------------------------------------------------------
 * The C runtime writes console text a byte at a time through the console's code page, so a UTF-8
 * character split across writes comes out garbled, and ReadFile on a console gives typed
 * non-ASCII text as '?'. The W calls take and give UTF-16: no code page is involved, and none is
 * changed (a changed code page would outlive greet in the user's console). */

#define CHUNK_BYTES 4096 /* UTF-8 bytes converted per WriteConsoleW */
#define READ_CHARS  1024 /* UTF-16 units per ReadConsoleW */

/* A stream's console state: the start of a character whose rest has not been written yet. */
struct console_out {
    CRITICAL_SECTION lock;
    char carry[4];
    size_t carry_len;
};

static INIT_ONCE outs_once = INIT_ONCE_STATIC_INIT;
static struct console_out outs[3]; /* stdout, stderr, any other (fetch -o CON) */

static BOOL CALLBACK init_outs(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once;
    (void)param;
    (void)context;
    int i;

    for (i = 0; i < 3; i++) {
        InitializeCriticalSection(&outs[i].lock);
    }
    return TRUE;
}

/* The console handle behind stream, or NULL when it is not a console (a pipe, a file, NUL). */
static HANDLE console_of(FILE *stream)
{
    HANDLE h = (HANDLE)_get_osfhandle(_fileno(stream));
    DWORD mode;

    return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode) ? h : NULL;
}

/* UTF-8 bytes a sequence starting with lead has (1 for a stray byte, which then converts to
 * U+FFFD on its own). */
static size_t utf8_len(unsigned char lead)
{
    return lead >= 0xF0 && lead < 0xF8 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

/* How much of s[0, len) ends on a character boundary: a last character cut short is left out. */
static size_t whole_prefix(const unsigned char *s, size_t len)
{
    size_t i = len, back = 0;

    while (i > 0 && back < 4 && (s[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0) {
        return len; /* only continuation bytes: nothing to wait for */
    }
    return i - 1 + utf8_len(s[i - 1]) > len ? i - 1 : len;
}

/* Converts and writes n bytes that end on a character boundary (n <= CHUNK_BYTES). */
static int write_wide(HANDLE h, const char *s, size_t n)
{
    wchar_t wide[CHUNK_BYTES];
    DWORD done = 0, put;
    int count;

    if (n == 0) {
        return GREET_OK;
    }
    count = MultiByteToWideChar(CP_UTF8, 0, s, (int)n, wide, CHUNK_BYTES);
    if (count <= 0) {
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    while (done < (DWORD)count) {
        if (!WriteConsoleW(h, wide + done, (DWORD)count - done, &put, NULL) || put == 0) {
            return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
        }
        done += put;
    }
    return GREET_OK;
}

static int write_console(HANDLE h, struct console_out *c, const unsigned char *s, size_t len)
{
    size_t n;
    int rc = GREET_OK;

    /* First complete the character the last call left unfinished. */
    while (c->carry_len > 0 && len > 0 && c->carry_len < utf8_len((unsigned char)c->carry[0]) &&
           (*s & 0xC0) == 0x80) {
        c->carry[c->carry_len++] = (char)*s++;
        len--;
    }
    if (c->carry_len > 0 && (len > 0 || c->carry_len == utf8_len((unsigned char)c->carry[0]))) {
        rc = write_wide(h, c->carry, c->carry_len);
        c->carry_len = 0;
    }
    while (rc == GREET_OK && len > 0) {
        n = whole_prefix(s, len < CHUNK_BYTES ? len : CHUNK_BYTES);
        if (n == 0) { /* the last character is cut short: keep it for the next call */
            memcpy(c->carry, s, len);
            c->carry_len = len;
            break;
        }
        rc = write_wide(h, (const char *)s, n);
        s += n;
        len -= n;
    }
    return rc;
}

int gp_text_write(FILE *stream, const void *buf, size_t len)
{
    gp_oserr_clear();
    HANDLE h = console_of(stream);
    struct console_out *c;
    int rc;

    if (!h) {
        return fwrite(buf, 1, len, stream) == len ? GREET_OK : gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    InitOnceExecuteOnce(&outs_once, init_outs, NULL, NULL);
    c = &outs[stream == stdout ? 0 : stream == stderr ? 1 : 2];
    EnterCriticalSection(&c->lock);
    fflush(stream);
    rc = write_console(h, c, (const unsigned char *)buf, len);
    LeaveCriticalSection(&c->lock);
    return rc;
}

/* Console input converted to UTF-8, not yet handed out (stdin is read by one thread). */
static struct {
    char bytes[READ_CHARS * 3 + 1];
    size_t start, len;
    wchar_t high; /* a high surrogate whose partner comes with the next read */
    int ended;
} in;

/* Reads one line (or as much as fits) from the console into in.bytes. 0 at the end. */
static int fill_from_console(HANDLE h)
{
    wchar_t wide[READ_CHARS + 1];
    DWORD got = 0, i, n = 0;
    int bytes;

    if (in.high) {
        wide[n++] = in.high;
        in.high = 0;
    }
    if (!ReadConsoleW(h, wide + n, READ_CHARS - n, &got, NULL) || got == 0) {
        return 0;
    }
    got += n;
    if (wide[0] == 0x1A) { /* Ctrl+Z, then Enter: the console's end of input */
        in.ended = 1;
        return 0;
    }
    for (i = n = 0; i < got; i++) { /* "\r\n" -> "\n" */
        if (!(wide[i] == L'\r' && i + 1 < got && wide[i + 1] == L'\n')) {
            wide[n++] = wide[i];
        }
    }
    if (n > 0 && wide[n - 1] >= 0xD800 && wide[n - 1] < 0xDC00) {
        in.high = wide[--n];
    }
    bytes = n == 0 ? 0
                   : WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, in.bytes, (int)sizeof in.bytes,
                                         NULL, NULL);
    in.start = 0;
    in.len = bytes > 0 ? (size_t)bytes : 0;
    return 1;
}

char *gp_text_read_line(char *buf, int size, FILE *stream)
{
    HANDLE h = (HANDLE)_get_osfhandle(_fileno(stream));
    DWORD mode;
    int n = 0;

    if (h == INVALID_HANDLE_VALUE || !GetConsoleMode(h, &mode)) {
        return fgets(buf, size, stream);
    }
    while (n + 1 < size && (n == 0 || buf[n - 1] != '\n')) {
        if (in.len == 0 && (in.ended || !fill_from_console(h))) {
            break;
        }
        while (in.len > 0 && n + 1 < size && (n == 0 || buf[n - 1] != '\n')) {
            buf[n++] = in.bytes[in.start++];
            in.len--;
        }
    }
    buf[n] = '\0';
    return n > 0 ? buf : NULL;
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

int gp_stderr_write(const void *buf, size_t len)
{
    const char *p = (const char *)buf;

    /* A console is written with WriteConsoleW under gp_text_write's own lock, not stdio's. */
    if (console_of(stderr)) {
        return gp_text_write(stderr, buf, len);
    }
    while (len > 0) {
        unsigned chunk = len > 0x10000000u ? 0x10000000u : (unsigned)len;
        int n = _write(_fileno(stderr), p, chunk);
        if (n <= 0) {
            return gp_oserr_set(GP_OSERR_ERRNO, n < 0 ? errno : EIO);
        }
        p += n;
        len -= (size_t)n;
    }
    return GREET_OK;
}

unsigned long gp_process_id(void)
{
    return (unsigned long)GetCurrentProcessId();
}

int gp_read_secret(const char *prompt, char *buf, size_t size)
{
    HANDLE h = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode;
    int rc = GREET_OK;

    gp_oserr_clear();
    if (h == INVALID_HANDLE_VALUE || h == NULL || !GetConsoleMode(h, &mode)) {
        return GREET_EINVAL;
    }
    if (!SetConsoleMode(h, (mode & ~(DWORD)ENABLE_ECHO_INPUT) | ENABLE_LINE_INPUT)) {
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    /* The prompt comes once echo is off: what is typed after it never shows. */
    gp_stderr_write(prompt, strlen(prompt));
    if (!gp_text_read_line(buf, (int)size, stdin)) {
        buf[0] = '\0';
        rc = GREET_ECLOSED;
    }
    SetConsoleMode(h, mode);
    gp_stderr_write("\n", 1);
    buf[strcspn(buf, "\r\n")] = '\0';
    return rc;
}
