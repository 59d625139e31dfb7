/* The netrc parser: a tokenizer over a bounded buffer and a loop over its blocks. It copies at
 * most GREET_AUTH_TOKEN_MAX bytes of a token and never reads past the buffer, so the fuzzer can
 * hand it anything. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "greet/auth.h"
#include "greet/error.h"

struct lexer {
    const char *p, *end;
    const char **why;
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Skips blanks and comments; returns non-zero when a token starts at p. */
static int skip_space(struct lexer *lx)
{
    while (lx->p < lx->end) {
        if (is_blank(*lx->p)) {
            lx->p++;
        } else if (*lx->p == '#') {
            while (lx->p < lx->end && *lx->p != '\n') {
                lx->p++;
            }
        } else {
            return 1;
        }
    }
    return 0;
}

static int fail(struct lexer *lx, const char *reason)
{
    *lx->why = reason;
    return GREET_EPROTO;
}

static char unescape(char c)
{
    return c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
}

/* The next token into out (GREET_AUTH_TOKEN_MAX + 1 bytes). GREET_ENOENT at the end of the text. */
static int next_token(struct lexer *lx, char *out)
{
    size_t n = 0;
    int quoted;

    if (!skip_space(lx)) {
        return GREET_ENOENT;
    }
    quoted = *lx->p == '"';
    lx->p += quoted;
    for (; lx->p < lx->end; lx->p++) {
        char c = *lx->p;
        if (quoted && c == '"') {
            lx->p++;
            quoted = 2;
            break;
        }
        if (!quoted && is_blank(c)) {
            break;
        }
        if (quoted && c == '\\' && lx->p + 1 < lx->end) {
            c = unescape(*++lx->p);
        }
        if (n == GREET_AUTH_TOKEN_MAX) {
            return fail(lx, "a netrc token is longer than 255 bytes");
        }
        out[n++] = c;
    }
    if (quoted == 1) {
        return fail(lx, "a quoted netrc token has no closing quote");
    }
    out[n] = '\0';
    return GREET_OK;
}

/* A keyword's value: the next token, which must exist. */
static int value_of(struct lexer *lx, char *out)
{
    int rc = next_token(lx, out);

    return rc == GREET_ENOENT ? fail(lx, "a netrc keyword is missing its value") : rc;
}

/* macdef NAME: the macro's lines run up to the first empty line. */
static void skip_macro(struct lexer *lx)
{
    while (lx->p < lx->end && *lx->p != '\n') {
        lx->p++; /* the rest of the macdef line */
    }
    while (lx->p < lx->end) {
        const char *nl = memchr(lx->p + 1, '\n', (size_t)(lx->end - lx->p - 1));
        if (!nl) {
            lx->p = lx->end;
        } else if (nl == lx->p + 1 || (nl == lx->p + 2 && lx->p[1] == '\r')) {
            lx->p = nl;
            return;
        } else {
            lx->p = nl;
        }
    }
}

static int same_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) {
            return 0;
        }
    }
    return *a == *b;
}

enum block_kind { NONE, OTHER, MATCH, DEFAULT };

struct block {
    enum block_kind kind;
    int has_login;
    char login[GREET_AUTH_TOKEN_MAX + 1];
    char password[GREET_AUTH_TOKEN_MAX + 1];
};

/* Whether the block just ended answers the lookup. */
static int block_fits(const struct block *b, enum block_kind want, const char *login)
{
    if (b->kind != want) {
        return 0;
    }
    return !login || !login[0] || !b->has_login || strcmp(b->login, login) == 0;
}

static void take(const struct block *b, const char *login, char *user, char *password)
{
    snprintf(user, GREET_AUTH_TOKEN_MAX + 1, "%s", b->has_login ? b->login : login ? login : "");
    snprintf(password, GREET_AUTH_TOKEN_MAX + 1, "%s", b->password);
}

static void start_block(struct block *b, enum block_kind kind)
{
    b->kind = kind;
    b->has_login = 0;
    b->login[0] = '\0';
    b->password[0] = '\0';
}

int greet_netrc_find(const char *text, size_t len, const char *host, const char *login, char *user,
                     char *password, const char **why)
{
    struct lexer lx = {text, text + len, why};
    struct block b, fallback;
    char tok[GREET_AUTH_TOKEN_MAX + 1];
    int rc, have_fallback = 0;

    *why = "";
    start_block(&b, NONE);
    for (;;) {
        rc = next_token(&lx, tok);
        if (rc == GREET_EPROTO) {
            return rc;
        }
        if (rc == GREET_ENOENT || strcmp(tok, "machine") == 0 || strcmp(tok, "default") == 0) {
            if (block_fits(&b, MATCH, login)) {
                take(&b, login, user, password);
                return GREET_OK;
            }
            if (!have_fallback && block_fits(&b, DEFAULT, login)) {
                fallback = b;
                have_fallback = 1;
            }
            if (rc == GREET_ENOENT) {
                break;
            }
            if (tok[0] == 'd') {
                start_block(&b, DEFAULT);
                continue;
            }
            rc = value_of(&lx, tok);
            if (rc != GREET_OK) {
                return rc;
            }
            start_block(&b, same_nocase(tok, host) ? MATCH : OTHER);
        } else if (strcmp(tok, "login") == 0 || strcmp(tok, "password") == 0 ||
                   strcmp(tok, "account") == 0) {
            int is_login = tok[0] == 'l', is_password = tok[0] == 'p';
            rc = value_of(&lx, tok);
            if (rc != GREET_OK) {
                return rc;
            }
            if (is_login) {
                memcpy(b.login, tok, sizeof tok);
                b.has_login = 1;
            } else if (is_password) {
                memcpy(b.password, tok, sizeof tok);
            }
        } else if (strcmp(tok, "macdef") == 0) {
            rc = value_of(&lx, tok);
            if (rc != GREET_OK) {
                return rc;
            }
            skip_macro(&lx);
        }
    }
    if (have_fallback) {
        take(&fallback, login, user, password);
        return GREET_OK;
    }
    return GREET_ENOENT;
}
