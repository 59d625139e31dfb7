/* `greet fetch -OJ`: the file name a server suggests in Content-Disposition (RFC 6266), made safe
 * to create in the current folder. The name comes from someone else, so only its last part is
 * kept (a server's "../../.bashrc" or "C:\\x" becomes ".bashrc" or "x", as curl does), and a name
 * that would still do something other than name a new file here is refused: empty, "." or "..",
 * control characters, the characters Windows gives a meaning (<>:"|?*), a trailing dot or space,
 * which Windows drops, and its device names (CON, NUL, COM1, ...). The same rules on every system,
 * so a name works or fails alike everywhere. The caller never replaces an existing file. */
#include <string.h>

#include "cli.h"
#include "fetch_cli.h"
#include "gp_tool.h"
#include "greet/error.h"

/* A parameter's value may be longer than a name (folders, %-escapes): room to read it whole, so
 * that a name too long is said so rather than taken for none. */
#define VALUE_MAX (CLI_NAME_MAX * 4)

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Non-zero when s[0..len) is want, ignoring ASCII case. */
static int same(const char *s, size_t len, const char *want)
{
    size_t i;

    if (strlen(want) != len) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (lower((unsigned char)s[i]) != want[i]) {
            return 0;
        }
    }
    return 1;
}

static int is_tchar(int c)
{
    return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    return p;
}

static int hex(int c)
{
    c = lower(c);
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A parameter's value at p: a quoted-string (its escapes undone) or, as curl reads what servers
 * send, everything up to the next ';' without trailing blanks. Into out (size bytes); returns
 * where the value ends, NULL when it does not fit or a quote is not closed. */
static const char *read_value(const char *p, const char *end, char *out, size_t size)
{
    size_t n = 0;

    if (p < end && *p == '"') {
        for (p++; p < end && *p != '"'; p++) {
            if (*p == '\\' && p + 1 < end) {
                p++;
            }
            if (n + 1 >= size) {
                return NULL;
            }
            out[n++] = *p;
        }
        if (p == end) {
            return NULL;
        }
        p++;
    } else {
        const char *stop = p < end ? memchr(p, ';', (size_t)(end - p)) : NULL;
        stop = stop ? stop : end;
        while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t')) {
            stop--;
        }
        if ((size_t)(stop - p) >= size) {
            return NULL;
        }
        memcpy(out, p, (size_t)(stop - p));
        n = (size_t)(stop - p);
        p = stop;
    }
    out[n] = '\0';
    return p;
}

/* filename*=CHARSET'LANG'VALUE (RFC 8187) decoded in place into UTF-8: UTF-8 and ISO-8859-1
 * (whose bytes become two-byte UTF-8); 0 for another charset or a bad %-escape. */
static int decode_ext(char *v, size_t size)
{
    char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
    char out[VALUE_MAX];
    int latin1;
    size_t n = 0;
    const char *p;

    if (!q2 || !(same(v, (size_t)(q1 - v), "utf-8") || same(v, (size_t)(q1 - v), "iso-8859-1"))) {
        return 0;
    }
    latin1 = same(v, (size_t)(q1 - v), "iso-8859-1");
    for (p = q2 + 1; *p; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            if (hex((unsigned char)p[1]) < 0 || hex((unsigned char)p[2]) < 0) {
                return 0;
            }
            c = hex((unsigned char)p[1]) * 16 + hex((unsigned char)p[2]);
            p += 2;
        }
        if (c == 0) {
            return 0; /* %00 would cut the name short */
        }
        if (n + 3 > sizeof out || n + 3 > size) {
            return 0;
        }
        if (latin1 && c >= 0x80) {
            out[n++] = (char)(0xc0 | (c >> 6));
            c = 0x80 | (c & 0x3f);
        }
        out[n++] = (char)c;
    }
    memcpy(v, out, n);
    v[n] = '\0';
    return 1;
}

/* Finds the filename* (preferred, RFC 6266 4.3) or filename parameter of a Content-Disposition
 * value; its value decoded into name. 0 when there is neither. */
static int find_name(const char *p, const char *end, char *name, size_t size)
{
    char value[VALUE_MAX];
    int found = 0;

    p = memchr(p, ';', (size_t)(end - p)); /* past the disposition type */
    while (p && p < end) {
        const char *key;
        size_t klen;
        p = skip_blanks(p + 1, end);
        for (key = p; p < end && is_tchar((unsigned char)*p); p++) {
        }
        klen = (size_t)(p - key);
        p = skip_blanks(p, end);
        if (p == end || *p != '=') {
            return found; /* not a parameter: what came before stands */
        }
        p = read_value(skip_blanks(p + 1, end), end, value, sizeof value);
        if (p && same(key, klen, "filename*") && decode_ext(value, sizeof value)) {
            snprintf(name, size, "%s", value);
            return 1;
        }
        if (p && same(key, klen, "filename") && !found) {
            snprintf(name, size, "%s", value);
            found = 1;
        }
        p = p ? memchr(p, ';', (size_t)(end - p)) : NULL;
    }
    return found;
}

/* Non-zero for Windows' device names, with or without an extension: CON, PRN, AUX, NUL,
 * COM1-COM9, LPT1-LPT9. */
static int is_device(const char *name)
{
    size_t len = strcspn(name, ".");

    while (len > 0 && name[len - 1] == ' ') {
        len--;
    }
    if (same(name, len, "con") || same(name, len, "prn") || same(name, len, "aux") ||
        same(name, len, "nul")) {
        return 1;
    }
    return len == 4 && (same(name, 3, "com") || same(name, 3, "lpt")) && name[3] >= '1' &&
           name[3] <= '9';
}

static const char *unsafe(const char *name)
{
    size_t len = strlen(name), i;

    if (len == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        return "it names no file";
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f) {
            return "it holds control characters";
        }
        if (strchr("<>:\"|?*", c)) {
            return "it holds a character Windows does not allow in names (<>:\"|?*)";
        }
    }
    if (name[len - 1] == '.' || name[len - 1] == ' ') {
        return "it ends in a dot or a space";
    }
    return is_device(name) ? "it is a Windows device name" : NULL;
}

int cli_disposition_name(const char *value, size_t len, char *name, size_t size, const char **why)
{
    char found[VALUE_MAX];
    const char *base;
    size_t i;

    *why = NULL;
    if (!find_name(value, value + len, found, sizeof found)) {
        return GREET_ENOENT;
    }
    /* The last part only, whichever separator the server used. */
    for (base = found, i = 0; found[i]; i++) {
        if (found[i] == '/' || found[i] == '\\') {
            base = found + i + 1;
        }
    }
    *why = unsafe(base);
    if (!*why && strlen(base) >= size) {
        *why = "it is too long";
    }
    snprintf(name, size, "%s", base); /* with *why, for the message */
    return *why ? GREET_EINVAL : GREET_OK;
}

int cli_out_name_from_server(struct cli_out *o, const char *url, const char *head, size_t len,
                             char *name, size_t size)
{
    char found[CLI_NAME_MAX], shown[CLI_NAME_MAX * 4];
    const char *why = NULL, *value;
    size_t vlen, used;
    int rc;

    value = cli_head_field(head, len, "content-disposition", &vlen);
    rc = value ? cli_disposition_name(value, vlen, found, sizeof found, &why) : GREET_ENOENT;
    if (rc == GREET_ENOENT) {
        return GREET_OK; /* the URL's name stays */
    }
    /* Checked here so that nothing is downloaded for nothing; the final move checks again. */
    if (rc == GREET_OK && gp_path_exists(found)) {
        rc = GREET_EEXIST;
        why = "a file by that name exists, and -J never replaces one";
    }
    if (rc == GREET_OK && strlen(found) >= size) {
        rc = GREET_ETOOBIG;
    }
    if (rc == GREET_OK) {
        memcpy(name, found, strlen(found) + 1);
        rc = cli_out_rename_to(o, name);
    }
    if (rc != GREET_OK) {
        cli_escape(found, strlen(found), &used, shown, sizeof shown, 0); /* the server's bytes */
        cli_error("fetch", 0, "%s: -J: cannot save as '%s': %s; nothing was written", url, shown,
                  why ? why : greet_strerror(rc));
    }
    return rc;
}
