/* A small portable option parser: GNU-style long options (--name, --name=value, --name value),
 * clustered short options (-sSf, -ofile, -o file), "--" and "-" as in getopt_long. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parser_init(struct cli_parser *p, int argc, char **argv, const char *command)
{
    memset(p, 0, sizeof *p);
    p->argc = argc;
    p->argv = argv;
    p->command = command;
    p->index = 1;
    p->operands = calloc((size_t)(argc > 0 ? argc : 1), sizeof *p->operands);
    return p->operands ? 0 : -1;
}

void cli_parser_free(struct cli_parser *p)
{
    free(p->operands);
    p->operands = NULL;
}

static const struct cli_opt *find_long(const struct cli_opt *opts, const char *name, size_t len)
{
    for (; opts->id != 0; opts++) {
        if (opts->long_name && strlen(opts->long_name) == len &&
            memcmp(opts->long_name, name, len) == 0) {
            return opts;
        }
    }
    return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *opts, char c)
{
    for (; opts->id != 0; opts++) {
        if (opts->short_name == c) {
            return opts;
        }
    }
    return NULL;
}

static int next_long(struct cli_parser *p, const struct cli_opt *opts, const char *word)
{
    const char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word) : strlen(word);
    const struct cli_opt *o = find_long(opts, word, len);

    if (!o) {
        cli_usage_error(p->command, "unknown option '--%.*s'", (int)len, word);
        return CLI_OPT_ERROR;
    }
    if (o->arg == CLI_NO_ARG) {
        if (eq) {
            cli_usage_error(p->command, "option '--%s' takes no value", o->long_name);
            return CLI_OPT_ERROR;
        }
        p->arg = NULL;
    } else if (eq) {
        p->arg = eq + 1;
    } else if (p->index < p->argc) {
        p->arg = p->argv[p->index++];
    } else {
        cli_usage_error(p->command, "option '--%s' needs a value", o->long_name);
        return CLI_OPT_ERROR;
    }
    return o->id;
}

static int next_short(struct cli_parser *p, const struct cli_opt *opts)
{
    char c = *p->short_rest++;
    const struct cli_opt *o = find_short(opts, c);

    if (!o) {
        p->short_rest = NULL;
        cli_usage_error(p->command, "unknown option '-%c'", c);
        return CLI_OPT_ERROR;
    }
    p->arg = NULL;
    if (o->arg == CLI_REQUIRED_ARG) {
        if (*p->short_rest != '\0') {
            p->arg = p->short_rest;
        } else if (p->index < p->argc) {
            p->arg = p->argv[p->index++];
        } else {
            p->short_rest = NULL;
            cli_usage_error(p->command, "option '-%c' needs a value", c);
            return CLI_OPT_ERROR;
        }
        p->short_rest = NULL;
    } else if (*p->short_rest == '\0') {
        p->short_rest = NULL;
    }
    return o->id;
}

int cli_next_opt(struct cli_parser *p, const struct cli_opt *opts)
{
    if (p->short_rest) {
        return next_short(p, opts);
    }
    while (p->index < p->argc) {
        char *word = p->argv[p->index++];
        if (strcmp(word, "--") == 0) {
            while (p->index < p->argc) {
                p->operands[p->operand_count++] = p->argv[p->index++];
            }
            break;
        }
        if (word[0] == '-' && word[1] == '-') {
            return next_long(p, opts, word + 2);
        }
        if (word[0] == '-' && word[1] != '\0') {
            p->short_rest = word + 1;
            return next_short(p, opts);
        }
        p->operands[p->operand_count++] = word;
    }
    return CLI_OPT_END;
}

int cli_parse_long(const struct cli_parser *p, const char *name, const char *text, long min,
                   long max, long *out)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || v < min || v > max) {
        cli_usage_error(p->command, "--%s: '%s' is not a number from %ld to %ld", name, text, min,
                        max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_seconds(const struct cli_parser *p, const char *name, const char *text, long max_ms,
                      long *out_ms)
{
    long whole = 0, frac_ms = 0, scale = 100;
    const char *s = text;

    if (*s < '0' || *s > '9') {
        goto bad;
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        whole = whole * 10 + (*s - '0');
        if (whole > max_ms / 1000) {
            goto bad;
        }
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++) {
            frac_ms += (*s - '0') * scale;
            scale /= 10;
        }
    }
    if (*s != '\0' || whole * 1000 + frac_ms > max_ms) {
        goto bad;
    }
    *out_ms = whole * 1000 + frac_ms;
    return 0;
bad:
    cli_usage_error(p->command, "--%s: '%s' is not a number of seconds from 0 to %ld", name, text,
                    max_ms / 1000);
    return -1;
}
