/* greet fetch's credentials: -u (with a password prompt when only the user is given), the URL's
 * user-info, the netrc file, --proxy-user; and keeping them out of everything shown. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fetch_cli.h"
#include "gp_tool.h"
#include "greet/url.h"

/* A netrc file is small; a bigger one is not what the user meant. */
#define NETRC_MAX (1024 * 1024)

/* "user:password" split at the first ':' into user and password; 0 when there is no ':'. */
static int split_pair(const char *text, char *user, char *password)
{
    const char *colon = strchr(text, ':');
    size_t n = colon ? (size_t)(colon - text) : strlen(text);

    if (n > GREET_AUTH_TOKEN_MAX || (colon && strlen(colon + 1) > GREET_AUTH_TOKEN_MAX)) {
        return -1;
    }
    memcpy(user, text, n);
    user[n] = '\0';
    strcpy(password, colon ? colon + 1 : "");
    return colon != NULL;
}

/* Reads the netrc file into a new buffer; CLI_EXIT_OK with *text NULL when it is optional and
 * absent. */
static int read_netrc(const struct cli_auth_args *in, const char *path, char **text, size_t *len)
{
    char reason[200];
    gp_failure why;
    int rc;
    FILE *f = gp_fopen(path, "rb", &rc);

    *text = NULL;
    if (!f) {
        gp_failure_take(&why, rc);
        if (in->netrc == CLI_NETRC_OPTIONAL) {
            return CLI_EXIT_OK;
        }
        return cli_error("fetch", CLI_EXIT_USAGE, "netrc file %s: %s", path,
                         gp_failure_text(&why, reason, sizeof reason));
    }
    *text = malloc(NETRC_MAX);
    *len = *text ? fread(*text, 1, NETRC_MAX, f) : 0;
    rc = *text && !ferror(f) && *len < NETRC_MAX;
    fclose(f);
    if (!rc) {
        free(*text);
        *text = NULL;
        return cli_error("fetch", CLI_EXIT_USAGE,
                         "netrc file %s: cannot read it (or larger than "
                         "1 MiB)",
                         path);
    }
    return CLI_EXIT_OK;
}

/* --netrc: the login and password the file holds for the URL's host (and for the URL's user,
 * when it names one). */
static int from_netrc(struct cli_auth *au, const struct cli_auth_args *in, const char *login)
{
    char path[4096], *text = NULL;
    const char *why = "";
    size_t len = 0;
    greet_url *u = NULL;
    int code, rc;

    if (in->netrc_file) {
        snprintf(path, sizeof path, "%s", in->netrc_file);
    } else if (gp_home_file("netrc", path, sizeof path) != GREET_OK) {
        return in->netrc == CLI_NETRC_OPTIONAL
                   ? CLI_EXIT_OK
                   : cli_error("fetch", CLI_EXIT_USAGE, "--netrc: no home folder (HOME) is set");
    }
    code = read_netrc(in, path, &text, &len);
    if (code != CLI_EXIT_OK || !text) {
        return code;
    }
    rc = greet_url_new(&u);
    if (rc == GREET_OK && greet_url_parse(au->url, u) == GREET_OK) {
        rc = greet_netrc_find(text, len, greet_url_host(u), login, au->user, au->password, &why);
        if (rc == GREET_OK) {
            au->has_user = 1;
        } else if (rc == GREET_EPROTO) {
            code = cli_error("fetch", CLI_EXIT_USAGE, "netrc file %s: %s", path, why);
        }
    }
    greet_url_free(u);
    free(text);
    return code;
}

int cli_auth_ask(struct cli_auth_args *in, char *buf, size_t size)
{
    char prompt[GREET_AUTH_TOKEN_MAX + 48], password[GREET_AUTH_TOKEN_MAX + 1];
    size_t ulen;
    int rc;

    if (!in->user || strchr(in->user, ':')) {
        return CLI_EXIT_OK;
    }
    ulen = strlen(in->user);
    if (ulen > GREET_AUTH_TOKEN_MAX) {
        return cli_usage_error("fetch", "-u: user longer than %d bytes", GREET_AUTH_TOKEN_MAX);
    }
    snprintf(prompt, sizeof prompt, "Enter host password for user '%s':", in->user);
    rc = gp_read_secret(prompt, password, sizeof password);
    if (rc == GREET_EINVAL) {
        return cli_error("fetch", CLI_EXIT_USAGE,
                         "-u %s: no password given and stdin is not a terminal to ask for one "
                         "(use -u USER:PASSWORD or --netrc)",
                         in->user);
    }
    if (rc != GREET_OK) {
        return cli_error("fetch", CLI_EXIT_USAGE, "-u %s: no password read", in->user);
    }
    snprintf(buf, size, "%s:%s", in->user, password);
    memset(password, 0, sizeof password);
    in->user = buf;
    return CLI_EXIT_OK;
}

int cli_auth_settle(struct cli_auth *au, const struct cli_auth_args *in, const char *url,
                    greet_fetch_options *opt)
{
    char url_user[GREET_AUTH_TOKEN_MAX + 1], url_password[GREET_AUTH_TOKEN_MAX + 1];
    int url_has_user = 0, code = CLI_EXIT_OK;

    memset(au, 0, sizeof *au);
    au->url = malloc(strlen(url) + 1);
    if (!au->url) {
        return cli_error("fetch", CLI_EXIT_FAILURE, "out of memory");
    }
    if (greet_url_split_userinfo(url, au->url, strlen(url) + 1, url_user, url_password,
                                 &url_has_user) != GREET_OK) {
        return cli_error("fetch", CLI_EXIT_USAGE,
                         "the URL's user-info (user:password@) is too long or badly "
                         "percent-encoded");
    }
    if (in->user) {
        if (split_pair(in->user, au->user, au->password) < 0) {
            return cli_usage_error("fetch", "-u: user or password longer than %d bytes",
                                   GREET_AUTH_TOKEN_MAX);
        }
        au->has_user = 1;
    } else if (url_has_user && url_password[0]) {
        strcpy(au->user, url_user);
        strcpy(au->password, url_password);
        au->has_user = 1;
    } else if (in->netrc) {
        code = from_netrc(au, in, url_has_user ? url_user : NULL);
    }
    if (code == CLI_EXIT_OK && !au->has_user && url_has_user) {
        strcpy(au->user, url_user); /* a user without password, not in netrc */
        strcpy(au->password, url_password);
        au->has_user = 1;
    }
    if (au->has_user) {
        opt->user = au->user;
        opt->password = au->password;
    }
    if (code == CLI_EXIT_OK && in->proxy_user) {
        if (split_pair(in->proxy_user, au->proxy_user, au->proxy_password) < 0) {
            return cli_usage_error("fetch", "--proxy-user: user or password longer than %d bytes",
                                   GREET_AUTH_TOKEN_MAX);
        }
        opt->proxy_user = au->proxy_user;
        opt->proxy_password = au->proxy_password;
    }
    return code;
}

void cli_auth_free(struct cli_auth *au)
{
    free(au->url);
    au->url = NULL;
    memset(au->password, 0, sizeof au->password);
    memset(au->proxy_password, 0, sizeof au->proxy_password);
}

static int starts_nocase(const char *s, size_t n, const char *prefix)
{
    size_t i, len = strlen(prefix);

    if (n < len) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != prefix[i]) {
            return 0;
        }
    }
    return 1;
}

size_t cli_secret_at(const char *line, size_t n)
{
    size_t at, start;

    if (starts_nocase(line, n, "authorization:")) {
        at = 14;
    } else if (starts_nocase(line, n, "proxy-authorization:")) {
        at = 20;
    } else {
        return n;
    }
    while (at < n && (line[at] == ' ' || line[at] == '\t')) {
        at++;
    }
    start = at;
    while (at < n && line[at] != ' ') {
        at++; /* the scheme ("Basic") may show; the credentials after it may not */
    }
    return at < n ? at + 1 : start;
}
