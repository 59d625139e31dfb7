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
#include "greet/http.h"

/* A parameter's value may be longer than a name (folders, %-escapes): room to read it whole, so
 * that a name too long is said so rather than taken for none. */
#define VALUE_MAX (CLI_NAME_MAX * 4)

/* Non-zero for Windows' device names, with or without an extension: CON, PRN, AUX, NUL,
 * COM1-COM9, LPT1-LPT9. */
static int is_device(const char *name)
{
    static const char *const devices[] = {"con", "prn", "aux", "nul"};
    char stem[5];
    size_t len = strcspn(name, "."), i;

    while (len > 0 && name[len - 1] == ' ') {
        len--;
    }
    if (len < 3 || len > 4) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        stem[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    }
    stem[len] = '\0';
    for (i = 0; len == 3 && i < sizeof devices / sizeof devices[0]; i++) {
        if (strcmp(stem, devices[i]) == 0) {
            return 1;
        }
    }
    return len == 4 && (strncmp(stem, "com", 3) == 0 || strncmp(stem, "lpt", 3) == 0) &&
           stem[3] >= '1' && stem[3] <= '9';
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
    int rc;

    *why = NULL;
    rc = greet_http_disposition_filename(value, len, found, sizeof found);
    if (rc == GREET_ETOOBIG) {
        *why = "it is too long";
        snprintf(name, size, "%.*s", (int)len, value); /* the field, cut short, for the message */
        return GREET_EINVAL;
    }
    if (rc != GREET_OK) {
        return rc;
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
