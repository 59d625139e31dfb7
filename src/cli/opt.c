/* The option parser: reads argv by a command's option table (cli.h) and stores each value where
 * the table says, so no command has a switch over its options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_parser_free(struct cli_parser *p)
{
    free(p->operands);
    p->operands = NULL;
}

const char *cli_opt_display(const struct cli_opt *o, char *buf, size_t size)
{
    if (o->long_name) {
        snprintf(buf, size, "--%s", o->long_name);
    } else {
        snprintf(buf, size, "-%c", o->short_name);
    }
    return buf;
}

static int is_option(const struct cli_opt *o)
{
    return o->action.kind != CLI_KIND_HEADING;
}

static const struct cli_opt *find_long(const struct cli_opt *o, const char *name, size_t len)
{
    for (; o->action.kind != CLI_KIND_END; o++) {
        if (is_option(o) && o->long_name && strlen(o->long_name) == len &&
            memcmp(o->long_name, name, len) == 0) {
            return o;
        }
    }
    return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *o, char c)
{
    for (; o->action.kind != CLI_KIND_END; o++) {
        if (is_option(o) && o->short_name == c) {
            return o;
        }
    }
    return NULL;
}

static int parse_number(const struct cli_parser *p, const char *name, const char *text, long min,
                        long max, long *out)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || v < min || v > max) {
        return cli_usage_error(p->cmd->name, "%s: '%s' is not a number from %ld to %ld", name, text,
                               min, max);
    }
    *out = v;
    return 0;
}

static int parse_seconds(const struct cli_parser *p, const char *name, const char *text,
                         long max_ms, long *out_ms)
{
    long whole = 0, frac_ms = 0, scale = 100;
    int below_ms = 0; /* a non-zero digit past the milliseconds */
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
            below_ms |= scale == 0 && *s != '0';
            scale /= 10;
        }
    }
    if (*s != '\0' || whole * 1000 + frac_ms > max_ms) {
        goto bad;
    }
    /* 0 means "no limit": a positive duration shorter than a millisecond must not become it. */
    *out_ms = whole * 1000 + frac_ms;
    if (*out_ms == 0 && below_ms) {
        *out_ms = 1;
    }
    return 0;
bad:
    return cli_usage_error(p->cmd->name, "%s: '%s' is not a number of seconds from 0 to %ld", name,
                           text, max_ms / 1000);
}

/* Writes v into the settings member the row names, in that member's own type; the range checks
 * of the table keep v within it. */
static void store(const struct cli_action *a, void *settings, long v, const char *text)
{
    void *at = (char *)settings + a->offset;

    switch (a->store) {
    case CLI_STORE_int:
        *(int *)at = (int)v;
        break;
    case CLI_STORE_long:
        *(long *)at = v;
        break;
    case CLI_STORE_unsigned:
        *(unsigned *)at = (unsigned)v;
        break;
    case CLI_STORE_size_t:
        *(size_t *)at = (size_t)v;
        break;
    case CLI_STORE_string:
        *(const char **)at = text;
        break;
    case CLI_STORE_none:
        break;
    }
}

/* Carries out one option: CLI_EXIT_OK, CLI_HELP_SHOWN or CLI_EXIT_USAGE. */
static int apply(const struct cli_parser *p, const struct cli_opt *o, const char *arg,
                 void *settings)
{
    const struct cli_action *a = &o->action;
    char name[64];
    long v = 0;

    cli_opt_display(o, name, sizeof name);
    switch (a->kind) {
    case CLI_KIND_HELP:
        cli_print_help(p->cmd, stdout);
        return CLI_HELP_SHOWN;
    case CLI_KIND_FLAG:
        store(a, settings, a->min, NULL);
        return CLI_EXIT_OK;
    case CLI_KIND_STRING:
        store(a, settings, 0, arg);
        return CLI_EXIT_OK;
    case CLI_KIND_NUMBER:
        if (parse_number(p, name, arg, a->min, a->max, &v) != 0) {
            return CLI_EXIT_USAGE;
        }
        store(a, settings, v, NULL);
        return CLI_EXIT_OK;
    case CLI_KIND_SECONDS:
        if (parse_seconds(p, name, arg, a->max, &v) != 0) {
            return CLI_EXIT_USAGE;
        }
        store(a, settings, v, NULL);
        return CLI_EXIT_OK;
    case CLI_KIND_CALL:
        return a->call(settings, arg) == 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    case CLI_KIND_HEADING:
    case CLI_KIND_END:
        break; /* never found by find_long/find_short */
    }
    return CLI_EXIT_USAGE;
}

static int next_long(struct cli_parser *p, const char *word, void *settings)
{
    const char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word) : strlen(word);
    const struct cli_opt *o = find_long(p->cmd->options, word, len);
    const char *arg = NULL;

    if (!o) {
        return cli_usage_error(p->cmd->name, "unknown option '--%.*s'", (int)len, word);
    }
    if (!o->arg) {
        if (eq) {
            return cli_usage_error(p->cmd->name, "option '--%s' takes no value", o->long_name);
        }
    } else if (eq) {
        arg = eq + 1;
    } else if (p->index < p->argc) {
        arg = p->argv[p->index++];
    } else {
        return cli_usage_error(p->cmd->name, "option '--%s' needs a value", o->long_name);
    }
    return apply(p, o, arg, settings);
}

static int next_short(struct cli_parser *p, void *settings)
{
    char c = *p->short_rest++;
    const struct cli_opt *o = find_short(p->cmd->options, c);
    const char *arg = NULL;

    if (!o) {
        return cli_usage_error(p->cmd->name, "unknown option '-%c'", c);
    }
    if (o->arg) {
        if (*p->short_rest != '\0') {
            arg = p->short_rest;
        } else if (p->index < p->argc) {
            arg = p->argv[p->index++];
        } else {
            return cli_usage_error(p->cmd->name, "option '-%c' needs a value", c);
        }
        p->short_rest = NULL;
    } else if (*p->short_rest == '\0') {
        p->short_rest = NULL;
    }
    return apply(p, o, arg, settings);
}

/* The next word of argv: an option (applied), operands (gathered), or the end. */
static int next(struct cli_parser *p, void *settings)
{
    char *word;

    if (p->short_rest) {
        return next_short(p, settings);
    }
    word = p->argv[p->index++];
    if (strcmp(word, "--") == 0) {
        while (p->index < p->argc) {
            p->operands[p->operand_count++] = p->argv[p->index++];
        }
        return CLI_EXIT_OK;
    }
    if (word[0] == '-' && word[1] == '-') {
        return next_long(p, word + 2, settings);
    }
    if (word[0] == '-' && word[1] != '\0') {
        p->short_rest = word + 1;
        return next_short(p, settings);
    }
    p->operands[p->operand_count++] = word;
    return CLI_EXIT_OK;
}

int cli_parse(struct cli_parser *p, const struct cli_command *cmd, int argc, char **argv,
              void *settings)
{
    int rc = CLI_EXIT_OK;

    memset(p, 0, sizeof *p);
    p->argc = argc;
    p->argv = argv;
    p->cmd = cmd;
    p->index = 1;
    p->operands = calloc((size_t)(argc > 0 ? argc : 1), sizeof *p->operands);
    if (!p->operands) {
        return cli_error(cmd->name, CLI_EXIT_FAILURE, "out of memory");
    }
    while (rc == CLI_EXIT_OK && (p->short_rest || p->index < p->argc)) {
        rc = next(p, settings);
    }
    return rc;
}
