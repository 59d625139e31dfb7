/* greet fetch: the tutorial's page download as an HTTP/1.1 client. The library (greet/fetch.h)
 * does the protocol; this file decides where the bytes go: stdout or a file that appears only
 * when the download succeeded, the response head, the request with -v, the progress bar. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fetch_cli.h"
#include "gp.h"
#include "greet/fetch.h"
#include "greet/url.h"

static const char help[] =
    "Usage: greet fetch URL [OPTIONS]\n"
    "Downloads URL (http:// or https://host[:port]/path) with HTTP/1.1 and writes the body,\n"
    "byte for byte, to stdout or to a file. See docs/http.md.\n"
    "\n"
    "Output:\n"
    "  -o, --output FILE      write the body to FILE (UTF-8 name; it appears only once the\n"
    "                         download is complete, an existing FILE stays untouched on failure\n"
    "                         and keeps its permissions; '-' is stdout; a device or FIFO is\n"
    "                         written in place; a read-only FILE is refused, exit 8)\n"
    "  -O, --remote-name      write to a file named like the URL's last path segment, in the\n"
    "                         current folder (index.html when the path ends in '/')\n"
    "      --create-dirs      create FILE's missing folders\n"
    "  -i, --include          put the response head before the body in the output\n"
    "  -I, --head             send HEAD and output the response head only\n"
    "  -D, --dump-header FILE write the response heads to FILE ('-': stdout)\n"
    "  -s, --silent           no response head on stdout with -o, no progress bar\n"
    "  -v, --verbose          show the connection steps, the request and the response head on\n"
    "                         stderr\n"
    "      --no-progress      no progress bar (it only shows when stderr is a terminal)\n"
    "\n"
    "Request:\n"
    "  -H, --header 'N: V'    add a header field (repeatable); 'Name:' removes a built-in one\n"
    "  -L, --location         follow redirects (301, 302, 303, 307, 308)\n"
    "      --max-redirs N     at most N redirects with -L (default 10, at most 100)\n"
    "  -f, --fail             HTTP status >= 400 is an error (exit 7), no output is written\n"
    "  -4, --ipv4             connect over IPv4 only\n"
    "  -6, --ipv6             connect over IPv6 only\n"
    "      --connect-timeout S  give up connecting to one address after S seconds (default 300)\n"
    "  -m, --max-time S       give up the whole transfer after S seconds\n"
    "\n"
    "https (TLS 1.2 or newer; the server's certificate and name are always checked):\n"
    "      --cacert FILE      trust the CAs in the PEM file FILE instead of the system's\n"
    "  -k, --insecure         do not check the certificate (warns: anyone on the path could\n"
    "                         read and change the transfer)\n"
    "\n"
    "  -h, --help             show this help\n"
    "\n"
    "With -o, the status line and header fields are printed to stdout (as the tutorial does)\n"
    "unless -s is given. Errors are always printed on stderr, one line naming the cause.\n"
    "Exit codes: 0 ok, 2 usage or bad URL, 3 host not found, 4 connection failed, 5 timed out,\n"
    "6 bad or cut-short response, 7 HTTP error with -f, 8 cannot write the output,\n"
    "10 TLS failure or certificate rejected, 11 too many redirects or a redirect loop,\n"
    "1 anything else.\n";

enum {
    OPT_OUTPUT = 1,
    OPT_REMOTE_NAME,
    OPT_CREATE_DIRS,
    OPT_INCLUDE,
    OPT_HEAD,
    OPT_DUMP,
    OPT_SILENT,
    OPT_VERBOSE,
    OPT_NO_PROGRESS,
    OPT_HEADER,
    OPT_LOCATION,
    OPT_MAX_REDIRS,
    OPT_FAIL,
    OPT_IPV4,
    OPT_IPV6,
    OPT_CONNECT_TIMEOUT,
    OPT_MAX_TIME,
    OPT_CACERT,
    OPT_INSECURE,
    OPT_HELP
};

static const struct cli_opt options[] = {
    {OPT_OUTPUT, 'o', "output", CLI_REQUIRED_ARG},
    {OPT_REMOTE_NAME, 'O', "remote-name", CLI_NO_ARG},
    {OPT_CREATE_DIRS, 0, "create-dirs", CLI_NO_ARG},
    {OPT_INCLUDE, 'i', "include", CLI_NO_ARG},
    {OPT_HEAD, 'I', "head", CLI_NO_ARG},
    {OPT_DUMP, 'D', "dump-header", CLI_REQUIRED_ARG},
    {OPT_SILENT, 's', "silent", CLI_NO_ARG},
    {OPT_VERBOSE, 'v', "verbose", CLI_NO_ARG},
    {OPT_NO_PROGRESS, 0, "no-progress", CLI_NO_ARG},
    {OPT_HEADER, 'H', "header", CLI_REQUIRED_ARG},
    {OPT_LOCATION, 'L', "location", CLI_NO_ARG},
    {OPT_MAX_REDIRS, 0, "max-redirs", CLI_REQUIRED_ARG},
    {OPT_FAIL, 'f', "fail", CLI_NO_ARG},
    {OPT_IPV4, '4', "ipv4", CLI_NO_ARG},
    {OPT_IPV6, '6', "ipv6", CLI_NO_ARG},
    {OPT_CONNECT_TIMEOUT, 0, "connect-timeout", CLI_REQUIRED_ARG},
    {OPT_MAX_TIME, 'm', "max-time", CLI_REQUIRED_ARG},
    {OPT_CACERT, 0, "cacert", CLI_REQUIRED_ARG},
    {OPT_INSECURE, 'k', "insecure", CLI_NO_ARG},
    {OPT_HELP, 'h', "help", CLI_NO_ARG},
    {0, 0, NULL, 0}};

#define MAX_SECONDS_MS (86400L * 1000L) /* a day is plenty and fits every long */

struct args {
    const char *url;
    const char *output;
    const char *dump;
    int remote_name, create_dirs, include, silent, verbose, no_progress;
    const char **headers;
    struct greet_fetch_options opt;
};

/* Everything a download writes to, as the sink's context. */
enum { HELP_SHOWN = -1 };

struct run {
    const struct args *a;
    struct cli_out out; /* with -o/-O */
    FILE *dump;         /* with -D */
    int to_file;        /* the body goes to out, not stdout */
    int show_progress;
    struct cli_progress bar;
    int write_err; /* the first failure writing somewhere, reported by us */
    const char *write_target;
    int not_modified; /* the final response is a 304: an existing output stays as it was */
};

static int set_option(struct cli_parser *p, struct args *a, int id)
{
    long v = 0;

    switch (id) {
    case OPT_OUTPUT:
        a->output = p->arg;
        return 0;
    case OPT_REMOTE_NAME:
        a->remote_name = 1;
        return 0;
    case OPT_CREATE_DIRS:
        a->create_dirs = 1;
        return 0;
    case OPT_INCLUDE:
        a->include = 1;
        return 0;
    case OPT_HEAD:
        a->opt.method = GREET_FETCH_HEAD;
        a->include = 1;
        return 0;
    case OPT_DUMP:
        a->dump = p->arg;
        return 0;
    case OPT_SILENT:
        a->silent = 1;
        return 0;
    case OPT_VERBOSE:
        a->verbose = 1;
        return 0;
    case OPT_NO_PROGRESS:
        a->no_progress = 1;
        return 0;
    case OPT_HEADER:
        a->headers[a->opt.header_count++] = p->arg;
        return 0;
    case OPT_LOCATION:
        a->opt.follow_redirects = 1;
        return 0;
    case OPT_MAX_REDIRS:
        if (cli_parse_long(p, "max-redirs", p->arg, 0, GREET_FETCH_MAX_REDIRECTS, &v) != 0) {
            return -1;
        }
        a->opt.max_redirects = (int)v;
        return 0;
    case OPT_FAIL:
        a->opt.fail_on_error = 1;
        return 0;
    case OPT_IPV4:
    case OPT_IPV6:
        a->opt.family = id == OPT_IPV4 ? 4 : 6;
        return 0;
    case OPT_CACERT:
        a->opt.ca_file = p->arg;
        return 0;
    case OPT_INSECURE:
        a->opt.insecure = 1;
        return 0;
    case OPT_CONNECT_TIMEOUT:
        return cli_parse_seconds(p, "connect-timeout", p->arg, MAX_SECONDS_MS,
                                 &a->opt.connect_timeout_ms);
    default:
        return cli_parse_seconds(p, "max-time", p->arg, MAX_SECONDS_MS, &a->opt.max_time_ms);
    }
}

/* CLI_EXIT_OK to go on, HELP_SHOWN after --help, or an exit code. */
static int parse_args(struct cli_parser *p, struct args *a)
{
    int id;

    while ((id = cli_next_opt(p, options)) != CLI_OPT_END) {
        if (id == OPT_HELP) {
            fputs(help, stdout);
            return HELP_SHOWN;
        }
        if (id == CLI_OPT_ERROR || set_option(p, a, id) != 0) {
            return CLI_EXIT_USAGE;
        }
    }
    if (p->operand_count != 1) {
        return cli_usage_error("fetch",
                               p->operand_count == 0 ? "missing URL" : "one URL at a time");
    }
    if (a->output && a->remote_name) {
        return cli_usage_error("fetch", "-o and -O cannot be used together");
    }
    a->url = p->operands[0];
    return CLI_EXIT_OK;
}

/* -O: the last segment of the URL's path (before any query), as given; "index.html" for a path
 * ending in '/'. Names that would leave the current folder are refused. */
static int remote_name(const char *url, char *name, size_t size)
{
    greet_url u;
    const char *why = "";
    const char *seg, *end;
    int rc = greet_url_parse(url, &u, &why);

    if (rc != GREET_OK) {
        return cli_error("fetch", cli_exit_for(rc), "%s: %s", url, why);
    }
    end = u.target + strcspn(u.target, "?");
    for (seg = end; seg > u.target && seg[-1] != '/'; seg--) {
    }
    if (seg == end) {
        snprintf(name, size, "index.html");
        return CLI_EXIT_OK;
    }
    if ((size_t)(end - seg) >= size || (end - seg == 1 && seg[0] == '.') ||
        (end - seg == 2 && seg[0] == '.' && seg[1] == '.') ||
        memchr(seg, '\\', (size_t)(end - seg)) || memchr(seg, ':', (size_t)(end - seg))) {
        return cli_usage_error("fetch", "-O: cannot make a file name from '%.*s'; use -o FILE",
                               (int)(end - seg), seg);
    }
    memcpy(name, seg, (size_t)(end - seg));
    name[end - seg] = '\0';
    return CLI_EXIT_OK;
}

/* Writes to fp, remembering the first failure and what it was writing to. */
static int put(struct run *r, FILE *fp, const char *target, const void *data, size_t len)
{
    int rc;

    if (r->write_err != GREET_OK) {
        return r->write_err;
    }
    if (fp == NULL) {
        rc = cli_out_write(&r->out, data, len);
    } else {
        rc = fwrite(data, 1, len, fp) == len ? GREET_OK : cli_stream_error();
    }
    if (rc != GREET_OK) {
        char text[200];
        r->write_err = rc;
        r->write_target = target;
        cli_error("fetch", 0, "write to %s: %s", target, greet_error_text(rc, text, sizeof text));
    }
    return rc;
}

/* The body's destination: the output file (fp NULL for put) or stdout. */
static int put_body(struct run *r, const void *data, size_t len)
{
    return r->to_file ? put(r, NULL, r->out.path, data, len) : put(r, stdout, "stdout", data, len);
}

/* Writes text line by line to stderr, each line after prefix, without its CR. */
static void show_lines(const char *prefix, const char *text, size_t len)
{
    size_t start = 0, i;

    for (i = 0; i < len; i++) {
        if (text[i] == '\n') {
            size_t n = i - start - (i > start && text[i - 1] == '\r');
            fprintf(stderr, "%s%.*s\n", prefix, (int)n, text + start);
            start = i + 1;
        }
    }
}

static void on_info(void *ctx, const char *text)
{
    struct run *r = ctx;

    if (r->a->verbose) {
        fprintf(stderr, "* %s\n", text);
    }
}

static void on_request(void *ctx, const char *head, size_t len)
{
    struct run *r = ctx;

    if (r->a->verbose) {
        show_lines("> ", head, len);
    }
}

static int on_response(void *ctx, const struct greet_fetch_response *resp)
{
    struct run *r = ctx;
    int rc = GREET_OK;

    if (r->a->verbose) {
        show_lines("< ", resp->head, resp->head_len);
    }
    r->not_modified = resp->status == 304 && !resp->redirecting;
    if (r->a->include) {
        rc = put_body(r, resp->head, resp->head_len);
    }
    if (rc == GREET_OK && r->to_file && !r->a->silent) {
        rc = put(r, stdout, "stdout", resp->head, resp->head_len);
        fflush(stdout); /* the head shows at once, not when the download ends */
    }
    if (rc == GREET_OK && r->dump) {
        rc = put(r, r->dump, r->a->dump, resp->head, resp->head_len);
    }
    return rc;
}

static int on_body(void *ctx, const void *data, size_t len)
{
    return put_body(ctx, data, len);
}

static int on_progress(void *ctx, const struct greet_fetch_progress *p)
{
    struct run *r = ctx;

    if (gp_stop_requested()) {
        return GREET_ECANCELED;
    }
    if (r->show_progress) {
        cli_progress_update(&r->bar, p);
    }
    return GREET_OK;
}

static int open_outputs(struct run *r, const struct args *a)
{
    int rc;

    if (a->dump) {
        r->dump = strcmp(a->dump, "-") == 0 ? stdout : gp_fopen(a->dump, "wb", &rc);
        if (!r->dump) {
            char text[200];
            return cli_error("fetch", CLI_EXIT_WRITE, "open %s: %s", a->dump,
                             greet_error_text(rc, text, sizeof text));
        }
    }
    if (a->output && strcmp(a->output, "-") != 0) { /* "-o -" is stdout, as with curl */
        rc = cli_out_open(&r->out, a->output, a->create_dirs);
        if (rc != GREET_OK) {
            return CLI_EXIT_WRITE;
        }
        r->to_file = 1;
    }
    r->show_progress =
        !a->silent && !a->no_progress && gp_isatty(stderr) && (r->to_file || !gp_isatty(stdout));
    return CLI_EXIT_OK;
}

/* Closes what the download wrote to: the output file renamed into place only when ok, and not
 * after a 304, whose empty body must not replace the copy the request was conditional on. */
static int close_outputs(struct run *r, int ok)
{
    int code = CLI_EXIT_OK;

    if (r->to_file) {
        if (!ok || r->not_modified) {
            cli_out_discard(&r->out);
        } else if (cli_out_commit(&r->out) != GREET_OK) {
            code = CLI_EXIT_WRITE;
        }
    }
    if (r->dump && r->dump != stdout && fclose(r->dump) != 0 && code == CLI_EXIT_OK) {
        code = cli_error("fetch", CLI_EXIT_WRITE, "write %s: %s", r->a->dump,
                         greet_strerror(GREET_EIO));
    }
    if (fflush(stdout) != 0 && code == CLI_EXIT_OK) {
        char text[200];
        code = cli_error("fetch", CLI_EXIT_WRITE, "write to stdout: %s",
                         greet_error_text(cli_stream_error(), text, sizeof text));
    }
    return code;
}

static int download(const struct args *a)
{
    struct run r;
    struct greet_fetch_sink sink = {NULL, on_info, on_request, on_response, on_body, on_progress};
    struct greet_fetch_result res;
    int rc, code;

    memset(&r, 0, sizeof r);
    r.a = a;
    sink.ctx = &r;
    code = open_outputs(&r, a);
    if (code != CLI_EXIT_OK) {
        return code;
    }
    rc = greet_fetch(a->url, &a->opt, &sink, &res);
    cli_progress_end(&r.bar);
    code = close_outputs(&r, rc == GREET_OK && r.write_err == GREET_OK);
    if (r.write_err != GREET_OK) {
        return CLI_EXIT_WRITE; /* already reported by put() */
    }
    if (rc == GREET_ECANCELED && gp_stop_requested()) {
        return cli_error("fetch", CLI_EXIT_FAILURE, "%s: interrupted", a->url);
    }
    if (rc != GREET_OK) {
        return cli_error("fetch", cli_exit_for(rc), "%s: %s", a->url, res.message);
    }
    if (r.not_modified && !a->silent) {
        cli_error("fetch", 0, "%s: not modified (304)%s%s%s", a->url, r.to_file ? "; " : "",
                  r.to_file ? a->output : "", r.to_file ? " was left as it was" : "");
    }
    return code;
}

static int run(int argc, char **argv)
{
    struct cli_parser p;
    struct args a;
    char name[256];
    int code;

    memset(&a, 0, sizeof a);
    greet_fetch_options_init(&a.opt);
    a.headers = calloc((size_t)argc + 1, sizeof *a.headers);
    if (!a.headers || cli_parser_init(&p, argc, argv, "fetch") != 0) {
        free(a.headers);
        return cli_error("fetch", CLI_EXIT_FAILURE, "out of memory");
    }
    a.opt.headers = a.headers;
    code = parse_args(&p, &a);
    if (code == CLI_EXIT_OK && a.remote_name) {
        code = remote_name(a.url, name, sizeof name);
        a.output = name;
    }
    if (code == CLI_EXIT_OK && a.opt.insecure) {
        fputs("greet fetch: warning: --insecure: the server's certificate is not checked; anyone "
              "on the path could read and change this transfer\n",
              stderr);
    }
    if (code == CLI_EXIT_OK) {
        gp_stdout_binary();
        gp_stop_install();
        code = download(&a);
    } else if (code == HELP_SHOWN) {
        code = CLI_EXIT_OK;
    }
    cli_parser_free(&p);
    free(a.headers);
    return code;
}

const struct cli_command cli_fetch_command = {"fetch", "download a URL over HTTP/1.1", help, run};
