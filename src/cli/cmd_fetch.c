/* greet fetch: the tutorial's page download as an HTTP/1.1 client. The library (greet/fetch.h)
 * does the protocol; this file decides where the bytes go: stdout or a file that appears only
 * when the download succeeded, the response head, the request with -v, the progress bar. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fetch_cli.h"
#include "gp_tool.h"
#include "greet/fetch.h"
#include "greet/url.h"

#define MAX_SECONDS_MS (86400L * 1000L) /* a day is plenty and fits every long */

struct args {
    const char *url;    /* this transfer's (each transfer gets its own copy of the args) */
    const char *output; /* this transfer's file, NULL for stdout */
    /* -o FILE and -O in the order given: the n-th goes with the n-th URL, as in curl; -O is
     * remote_marker. */
    const char **outputs;
    int output_count;
    const char *dump;
    int dump_append; /* -D for a transfer after the first: the heads go after the others' */
    int remote_name_all, create_dirs, include, silent, verbose, no_progress;
    int parallel, parallel_max;
    const char **headers;
    struct greet_fetch_options opt;
    struct cli_retry retry;
    const char *continue_at; /* -C: "-" or a byte offset */
    const char *write_out;   /* -w */
    struct cli_auth_args auth;
    int remote_time;           /* -R */
    int remote_header_name;    /* -J */
    const char *time_cond_arg; /* -z DATE|FILE, read into time_cond */
    struct cli_time_cond time_cond;
};

static int set_head(void *settings, const char *arg)
{
    struct args *a = settings;

    (void)arg;
    a->opt.method = GREET_FETCH_HEAD;
    a->include = 1;
    return 0;
}

static int set_location_trusted(void *settings, const char *arg)
{
    struct args *a = settings;

    (void)arg;
    a->opt.follow_redirects = 1;
    a->opt.location_trusted = 1;
    return 0;
}

static int set_netrc_file(void *settings, const char *arg)
{
    struct args *a = settings;

    a->auth.netrc_file = arg;
    if (a->auth.netrc == CLI_NETRC_OFF) {
        a->auth.netrc = CLI_NETRC_REQUIRED;
    }
    return 0;
}

/* -O's place among the outputs: the URL's own name. */
static const char remote_marker[] = "(remote name)";

/* The array has room for every word of argv, so it cannot overflow. */
static int add_output(void *settings, const char *arg)
{
    struct args *a = settings;

    a->outputs[a->output_count++] = arg ? arg : remote_marker;
    return 0;
}

/* The array has room for every word of argv, so it cannot overflow. */
static int add_header(void *settings, const char *arg)
{
    struct args *a = settings;

    a->headers[a->opt.header_count++] = arg;
    return 0;
}

static int set_limit_rate(void *settings, const char *arg)
{
    struct args *a = settings;
    int rc = cli_rate_parse(arg, &a->opt.limit_rate);

    if (rc == GREET_ETOOBIG) {
        cli_usage_error("fetch", "--limit-rate: '%s' is more than %lld bytes per second", arg,
                        (long long)INT64_MAX);
        return -1;
    }
    if (rc != GREET_OK) {
        cli_usage_error("fetch",
                        "--limit-rate: '%s' is not a rate: bytes per second, optionally with K, M "
                        "or G (times 1024, 1024^2, 1024^3), as 200K or 1.5M; 0 for no limit",
                        arg);
        return -1;
    }
    return 0;
}

static const struct cli_opt options[] = {
    CLI_HEADING("Output:"),
    {"output", 'o', "FILE",
     "write the body to FILE (UTF-8 name; it appears only once the download is complete, an "
     "existing FILE stays untouched on failure and keeps its permissions; '-' is stdout; a device "
     "or FIFO is written in place; a read-only FILE is refused, exit 8); with several URLs, the "
     "n-th -o or -O is for the n-th URL and URLs without one go to stdout",
     NULL, CLI_CALL(add_output)},
    {"remote-name", 'O', NULL,
     "write to a file named like the URL's last path segment, in the current folder "
     "(index.html when the path ends in '/'); for one URL, like -o",
     NULL, CLI_CALL(add_output)},
    {"remote-name-all", 0, NULL, "-O for every URL that has no -o or -O of its own", NULL,
     CLI_FLAG(struct args, remote_name_all, 1)},
    {"continue-at", 'C', "OFFSET",
     "resume into FILE.part, kept beside FILE when a download fails: '-' from its size (or "
     "FILE's), or OFFSET, which must be that size (0: start over); Range + If-Range, the file "
     "appears only when complete",
     NULL, CLI_STRING(struct args, continue_at)},
    {"remote-header-name", 'J', NULL,
     "with -O, name the file as the server's Content-Disposition says (filename*, else filename), "
     "without any folder part; never replaces an existing file (exit 8, the file untouched), and "
     "a name that is empty, '.', '..', holds control characters or <>:\"|?*, or is a Windows "
     "device name is refused (exit 8); without a name there, the URL's name as with -O",
     NULL, CLI_FLAG(struct args, remote_header_name, 1)},
    {"remote-time", 'R', NULL,
     "give FILE the server's Last-Modified time (none there, or not a date: FILE keeps the "
     "time it was written)",
     NULL, CLI_FLAG(struct args, remote_time, 1)},
    {"create-dirs", 0, NULL, "create FILE's missing folders", NULL,
     CLI_FLAG(struct args, create_dirs, 1)},
    {"include", 'i', NULL, "put the response head before the body in the output", NULL,
     CLI_FLAG(struct args, include, 1)},
    {"head", 'I', NULL, "send HEAD and output the response head only", NULL, CLI_CALL(set_head)},
    {"dump-header", 'D', "FILE",
     "write the response heads to FILE ('-': stdout); every URL's, one after the other", NULL,
     CLI_STRING(struct args, dump)},
    {"silent", 's', NULL, "no response head on stdout with -o, no progress bar", NULL,
     CLI_FLAG(struct args, silent, 1)},
    {"verbose", 'v', NULL, "show the connection steps, the request and the response head on stderr",
     NULL, CLI_FLAG(struct args, verbose, 1)},
    {"no-progress", 0, NULL, "no progress bar (it only shows when stderr is a terminal)", NULL,
     CLI_FLAG(struct args, no_progress, 1)},
    CLI_HEADING("Request:"),
    {"header", 'H', "FIELD",
     "add a header field 'Name: value' (repeatable); 'Name:' removes a built-in one", NULL,
     CLI_CALL(add_header)},
    {"time-cond", 'z', "DATE|FILE",
     "only if modified after FILE's time or DATE ('20 Nov 2026', an HTTP-date, ...): sends "
     "If-Modified-Since; '-DATE': only if not modified since (If-Unmodified-Since). A 304, or a "
     "200 whose Last-Modified fails the condition (curl's \"not new enough\"), leaves FILE as it "
     "was and exits 0",
     NULL, CLI_STRING(struct args, time_cond_arg)},
    {"location", 'L', NULL, "follow redirects (301, 302, 303, 307, 308)", NULL,
     CLI_FLAG(struct args, opt.follow_redirects, 1)},
    {"location-trusted", 0, NULL,
     "like -L, and send -H Authorization, Cookie and Host to other hosts too (by default they "
     "are dropped when a redirect changes the scheme, host or port)",
     NULL, CLI_CALL(set_location_trusted)},
    {"max-redirs", 0, "N", "at most N redirects with -L, at most 100", "10",
     CLI_NUMBER(struct args, opt.max_redirects, int, 0, GREET_FETCH_MAX_REDIRECTS)},
    {"fail", 'f', NULL, "HTTP status >= 400 is an error (exit 7), no output is written", NULL,
     CLI_FLAG(struct args, opt.fail_on_error, 1)},
    {"ipv4", '4', NULL, "connect over IPv4 only", NULL,
     CLI_FLAG(struct args, opt.family, GREET_FAMILY_IPV4)},
    {"ipv6", '6', NULL, "connect over IPv6 only", NULL,
     CLI_FLAG(struct args, opt.family, GREET_FAMILY_IPV6)},
    {"connect-timeout", 0, "S", "give up connecting to one address after S seconds", "300",
     CLI_SECONDS(struct args, opt.connect_timeout_ms, long, MAX_SECONDS_MS)},
    {"max-time", 'm', "S", "give up the whole transfer after S seconds", "no limit",
     CLI_SECONDS(struct args, opt.max_time_ms, long, MAX_SECONDS_MS)},
    {"speed-limit", 0, "BYTES",
     "give up (exit 5) when fewer than BYTES per second arrive over --speed-time; 0: never", "1",
     CLI_NUMBER(struct args, opt.speed_limit, long, 0, 0x7fffffffL)},
    {"speed-time", 0, "S",
     "the window of --speed-limit: a default download gives up after two "
     "minutes without a byte",
     "120", CLI_SECONDS(struct args, opt.speed_time_ms, long, MAX_SECONDS_MS)},
    {"limit-rate", 0, "RATE",
     "receive at most RATE bytes per second on average, pausing the reading when ahead (K, M, G: "
     "times 1024, 1024^2, 1024^3, as 200K or 1.5M; 0: no limit); with -Z each transfer has its "
     "own limit; the pauses do not count as a stall for --speed-limit",
     "no limit", CLI_CALL(set_limit_rate)},
    {"retry", 0, "N",
     "try again up to N times after a transient failure (timeout, refused or reset connection, "
     "cut-short body, HTTP 408, 429, 500, 502, 503, 504)",
     "0", CLI_NUMBER(struct args, retry.max, int, 0, 1000000)},
    {"retry-delay", 0, "S",
     "wait S seconds between attempts (default: 1 s, doubled each time up to 10 minutes; a "
     "Retry-After from the server wins)",
     NULL, CLI_SECONDS(struct args, retry.delay_ms, long, MAX_SECONDS_MS)},
    {"retry-max-time", 0, "S", "start no new attempt after S seconds", "no limit",
     CLI_SECONDS(struct args, retry.max_time_ms, long, MAX_SECONDS_MS)},
    {"retry-all-errors", 0, NULL, "with --retry, try again after any failure", NULL,
     CLI_FLAG(struct args, retry.all_errors, 1)},
    {"parallel", 'Z', NULL,
     "fetch several URLs at once (--parallel-max at a time), not one after the other; each "
     "transfer's messages and -w lines stay whole, bodies sent to stdout mix",
     NULL, CLI_FLAG(struct args, parallel, 1)},
    {"parallel-max", 0, "N", "with -Z, at most N transfers at once (1 to 300)", "50",
     CLI_NUMBER(struct args, parallel_max, int, 1, 300)},
    {"compressed", 0, NULL,
     "ask for a compressed body (Accept-Encoding: deflate, gzip) and write it decoded; without it "
     "a compressed body is written as it came",
     NULL, CLI_FLAG(struct args, opt.compressed, 1)},
    {"user-agent", 'A', "NAME", "send 'User-Agent: NAME' ('' sends none)", "greet/VERSION",
     CLI_STRING(struct args, opt.user_agent)},
    {"write-out", 'w', "FORMAT",
     "after the transfer, print FORMAT on stdout with %{http_code}, %{size_download}, "
     "%{time_total}, %{url_effective}, %{num_redirects}, %{exitcode}, %{errormsg}, "
     "%{filename_effective} filled in (\\n is a newline)",
     NULL, CLI_STRING(struct args, write_out)},
    CLI_HEADING("Authentication and proxies:"),
    {"user", 'u', "USER[:PASSWORD]",
     "send them with HTTP Basic authentication; without ':PASSWORD' it is asked for on the "
     "terminal. Also "
     "taken from the URL (http://user:pass@host/); sent only to the URL's origin, not after a "
     "redirect to another (--location-trusted would), and never shown",
     NULL, CLI_STRING(struct args, auth.user)},
    {"netrc", 0, NULL,
     "take the login and password for the host from ~/.netrc (%USERPROFILE%\\_netrc on "
     "Windows), which must exist",
     NULL, CLI_FLAG(struct args, auth.netrc, CLI_NETRC_REQUIRED)},
    {"netrc-optional", 0, NULL, "like --netrc, but a missing file is fine", NULL,
     CLI_FLAG(struct args, auth.netrc, CLI_NETRC_OPTIONAL)},
    {"netrc-file", 0, "FILE", "like --netrc with FILE instead of ~/.netrc", NULL,
     CLI_CALL(set_netrc_file)},
    {"proxy", 'x', "[SCHEME://][USER:PASSWORD@]HOST[:PORT]",
     "go through this proxy (port 1080 by default). SCHEME http (the default): http URLs in "
     "absolute form, https ones through a CONNECT tunnel; socks5h: a SOCKS5 tunnel to the host "
     "name, which the proxy resolves; socks5: to the address greet resolves; socks4a: SOCKS4a. "
     "Without it: http_proxy (lower case only), HTTPS_PROXY or https_proxy, ALL_PROXY or "
     "all_proxy; '' goes direct",
     NULL, CLI_STRING(struct args, opt.proxy)},
    {"noproxy", 0, "LIST",
     "hosts reached without the proxy: comma-separated names (with their subdomains), IP "
     "addresses, or '*' for all (instead of NO_PROXY or no_proxy)",
     NULL, CLI_STRING(struct args, opt.noproxy)},
    {"proxy-user", 0, "USER:PASSWORD",
     "credentials for the proxy (HTTP Basic; SOCKS5 user name and password; SOCKS4a user id)", NULL,
     CLI_STRING(struct args, auth.proxy_user)},
    CLI_HEADING("https (TLS 1.2 or newer; the server's certificate and name are always checked):"),
    {"cacert", 0, "FILE", "trust the CAs in the PEM file FILE instead of the system's", NULL,
     CLI_STRING(struct args, opt.ca_file)},
    {"insecure", 'k', NULL,
     "do not check the certificate (warns: anyone on the path could read and change the "
     "transfer)",
     NULL, CLI_FLAG(struct args, opt.insecure, 1)},
    CLI_HEADING("Other:"),
    CLI_HELP_ROW,
    CLI_TABLE_END,
};

/* Everything a download writes to, as the sink's context. */
struct run {
    const struct args *a;         /* own */
    struct args own;              /* the user's options with this transfer's URL and output */
    char name[CLI_NAME_MAX];      /* -O: the file name made from the URL (-J: or the server) */
    int name_from_server;         /* -J applies to this transfer's -O */
    struct cli_auth auth;         /* this URL's credentials, and the URL without user-info */
    greet_fetch_session *session; /* with several URLs: keeps connections for the next */
    struct cli_out out;           /* with -o/-O */
    FILE *dump;                   /* with -D */
    int to_file;                  /* the body goes to out, not stdout */
    int show_progress;
    struct cli_progress bar;
    int write_err; /* the first failure writing somewhere, reported by us */
    const char *write_target;
    int not_modified; /* the final response is a 304: an existing output stays as it was */
    char stale[GREET_FETCH_MESSAGE_MAX]; /* -z: why a 2xx is taken as a 304 (empty: it is not) */
    gp_mutex *lock;   /* the batch's: held while anything is written; see watch */
    int rc;           /* the transfer's result */
    int may_retry;    /* this attempt may be followed by another */
    int retry_status; /* a transient status ended this attempt before its body */
    long retry_after; /* that response's Retry-After seconds, -1 when none */
    /* -C: the side file's meta file, what the request asks for, and how the answer went. */
    char *meta;
    struct cli_resume resume;
    int complete;            /* a 416 said the side file already holds the whole file */
    char refused[300];       /* why the server's answer cannot continue the side file */
    greet_fetch_options opt; /* the user's, with this attempt's Range and If-Range */
    const char **headers;
    uint64_t started_ms; /* for -w %{time_total} */
    uint64_t took_ms;
    char url_effective[GREET_URL_TEXT_MAX]; /* the last response's URL, for -w */
    struct greet_fetch_sink sink;
    struct greet_fetch_result res;
};

static int remote_name_given(const struct args *a)
{
    int i;

    for (i = 0; i < a->output_count; i++) {
        if (a->outputs[i] == remote_marker) {
            return 1;
        }
    }
    return a->remote_name_all;
}

/* Checks what the table cannot: the operands, outputs left over (curl warns too), and options
 * that go together or not. */
static int check_args(const struct cli_parser *p, struct args *a)
{
    if (p->operand_count == 0) {
        return cli_usage_error("fetch", "missing URL");
    }
    if (a->output_count > p->operand_count) {
        fprintf(stderr, "greet fetch: warning: %d -o/-O for %d URL%s: the last %d not used\n",
                a->output_count, p->operand_count, p->operand_count == 1 ? "" : "s",
                a->output_count - p->operand_count);
    }
    if (a->continue_at && a->opt.compressed) {
        /* A range of compressed bytes cannot be decoded on its own. */
        return cli_usage_error("fetch", "-C and --compressed cannot be used together");
    }
    if (a->remote_header_name && !remote_name_given(a)) {
        return cli_usage_error("fetch",
                               "-J names the file of -O: it needs -O or --remote-name-all");
    }
    if (a->remote_header_name && (a->continue_at || a->include)) {
        /* As curl: the name is not known before the answer, nor is the file to resume. */
        return cli_usage_error("fetch", "-J cannot be used with %s", a->continue_at ? "-C" : "-i");
    }
    return a->time_cond_arg ? cli_time_cond_parse(&a->time_cond, a->time_cond_arg) : CLI_EXIT_OK;
}

/* -O: the last segment of the URL's path (before any query), as given; "index.html" for a path
 * ending in '/'. Names that would leave the current folder are refused. */
static int name_from_target(const char *url, const char *target, char *name, size_t size)
{
    const char *seg, *end = target + strcspn(target, "?");

    for (seg = end; seg > target && seg[-1] != '/'; seg--) {
    }
    if (seg == end) {
        snprintf(name, size, "index.html");
        return CLI_EXIT_OK;
    }
    if ((size_t)(end - seg) >= size || (end - seg == 1 && seg[0] == '.') ||
        (end - seg == 2 && seg[0] == '.' && seg[1] == '.') ||
        memchr(seg, '\\', (size_t)(end - seg)) || memchr(seg, ':', (size_t)(end - seg))) {
        return cli_error("fetch", CLI_EXIT_USAGE,
                         "%s: -O: cannot make a file name from '%.*s'; use -o FILE", url,
                         (int)(end - seg), seg);
    }
    memcpy(name, seg, (size_t)(end - seg));
    name[end - seg] = '\0';
    return CLI_EXIT_OK;
}

static int remote_name(const char *url, char *name, size_t size)
{
    greet_url *u;
    int rc = greet_url_new(&u);

    if (rc == GREET_OK) {
        rc = greet_url_parse(url, u);
    }
    if (rc == GREET_OK) {
        rc = name_from_target(url, greet_url_target(u), name, size);
    } else {
        rc = cli_error("fetch", cli_exit_for(rc), "%s: %s", url,
                       greet_url_reason(u)[0] ? greet_url_reason(u) : greet_strerror(rc));
    }
    greet_url_free(u);
    return rc;
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
        rc = gp_text_write(fp, data, len);
    }
    if (rc != GREET_OK) {
        char text[200];
        gp_failure why;
        gp_failure_take(&why, rc);
        r->write_err = rc;
        r->write_target = target;
        cli_error("fetch", 0, "write to %s: %s", target, gp_failure_text(&why, text, sizeof text));
    }
    return rc;
}

/* The body's destination: the output file (fp NULL for put) or stdout. */
static int put_body(struct run *r, const void *data, size_t len)
{
    return r->to_file ? put(r, NULL, r->out.path, data, len) : put(r, stdout, "stdout", data, len);
}

/* Writes text line by line to stderr, each line after prefix, without its CR, and without the
 * credentials of an Authorization or Proxy-Authorization field. */
static void show_lines(const char *prefix, const char *text, size_t len)
{
    size_t start = 0, i;

    for (i = 0; i < len; i++) {
        if (text[i] == '\n') {
            size_t n = i - start - (i > start && text[i - 1] == '\r');
            size_t shown = cli_secret_at(text + start, n);
            gp_text_write(stderr, prefix, strlen(prefix));
            gp_text_write(stderr, text + start, shown);
            if (shown < n) {
                gp_text_write(stderr, "[redacted]", 10);
            }
            gp_text_write(stderr, "\n", 1);
            start = i + 1;
        }
    }
}

/* Every callback runs on the download thread and holds r->lock while it writes anything, so the
 * watching thread can stop all output at once (see watch). */
static void on_info(void *ctx, const char *text)
{
    struct run *r = ctx;

    gp_mutex_lock(r->lock);
    if (r->a->verbose) {
        gp_text_write(stderr, "* ", 2);
        gp_text_write(stderr, text, strlen(text));
        gp_text_write(stderr, "\n", 1);
    }
    gp_mutex_unlock(r->lock);
}

static void on_request(void *ctx, const char *head, size_t len)
{
    struct run *r = ctx;

    gp_mutex_lock(r->lock);
    if (r->a->verbose) {
        show_lines("> ", head, len);
    }
    gp_mutex_unlock(r->lock);
}

/* -C: what the final answer means for the side file (under r->lock). GREET_ECANCELED stops the
 * transfer before the body: the file was complete already (r->complete), or the answer cannot
 * continue it (r->refused says why). */
static int resume_answer(struct run *r, const struct greet_fetch_response *resp)
{
    int verdict = CLI_RESUME_OTHER;

    if (r->resume.offset > 0) {
        verdict = cli_resume_verdict(&r->resume, resp->status, resp->head, resp->head_len,
                                     r->refused, sizeof r->refused);
    } else if (resp->status == 200) {
        verdict = CLI_RESUME_RESTART;
    }
    switch (verdict) {
    case CLI_RESUME_COMPLETE:
        r->complete = 1;
        return GREET_ECANCELED;
    case CLI_RESUME_REFUSED:
        return GREET_ECANCELED;
    case CLI_RESUME_RESTART:
        if (r->resume.offset > 0 && cli_out_restart(&r->out) != GREET_OK) {
            snprintf(r->refused, sizeof r->refused, "cannot start %s over", r->out.temp);
            return GREET_ECANCELED;
        }
        r->resume.offset = 0;
        cli_resume_save(r->meta, resp->head, resp->head_len);
        return GREET_OK;
    default:
        return GREET_OK;
    }
}

/* The request fields of the next attempt: the user's, and Range/If-Range when resuming. */
static void attempt_headers(struct run *r)
{
    size_t n = r->a->opt.header_count;

    r->opt = r->a->opt;
    r->opt.headers = r->headers;
    if (r->resume.range[0]) {
        r->headers[n++] = r->resume.range;
    }
    if (r->resume.if_range[0]) {
        r->headers[n++] = r->resume.if_range;
    }
    if (r->a->time_cond.on) {
        r->headers[n++] = r->a->time_cond.field;
    }
    r->opt.header_count = n;
}

/* -C: opens FILE.part and sets the first attempt up to ask for what it lacks. */
static int open_resumable(struct run *r, const struct args *a)
{
    uint64_t have = 0;
    char *end = NULL;
    int from_size = strcmp(a->continue_at, "-") == 0;
    unsigned long long at = from_size ? 0 : strtoull(a->continue_at, &end, 10);
    size_t len;

    if (!a->output || strcmp(a->output, "-") == 0) {
        return cli_usage_error("fetch", "-C needs an output file (-o FILE or -O)");
    }
    if (!from_size && (end == a->continue_at || *end != '\0' || a->continue_at[0] == '-')) {
        return cli_usage_error("fetch", "-C takes '-' or a byte offset, not '%s'", a->continue_at);
    }
    if (cli_out_open_part(&r->out, a->output, a->create_dirs, 1, &have) != GREET_OK) {
        return CLI_EXIT_WRITE;
    }
    r->to_file = 1;
    if (!from_size && at != have) {
        if (at != 0) {
            return cli_usage_error("fetch", "-C %s: %s holds %llu bytes; -C - resumes from them",
                                   a->continue_at, r->out.temp, (unsigned long long)have);
        }
        have = 0; /* -C 0: start over */
        if (cli_out_restart(&r->out) != GREET_OK) {
            return CLI_EXIT_WRITE;
        }
    }
    len = strlen(r->out.temp);
    r->meta = malloc(len + sizeof ".meta");
    if (!r->meta) {
        return cli_error("fetch", CLI_EXIT_FAILURE, "out of memory");
    }
    memcpy(r->meta, r->out.temp, len);
    memcpy(r->meta + len, ".meta", sizeof ".meta");
    cli_resume_prepare(&r->resume, r->meta, have);
    return CLI_EXIT_OK;
}

/* The final answer's -z, -R and -J (under r->lock). GREET_ECANCELED ends a 2xx that fails the
 * time condition the server ignored: it counts as a 304, as in curl. */
static int final_answer(struct run *r, const struct greet_fetch_response *resp)
{
    if (r->resume.offset == 0 && cli_time_cond_unmet(&r->a->time_cond, resp->status, resp->head,
                                                     resp->head_len, r->stale, sizeof r->stale)) {
        r->not_modified = 1;
        return GREET_ECANCELED;
    }
    if (r->a->remote_time && r->to_file) {
        cli_out_set_remote_time(&r->out, resp->head, resp->head_len);
    }
    if (r->name_from_server && r->to_file && !r->out.in_place) {
        int rc = cli_out_name_from_server(&r->out, r->a->url, resp->head, resp->head_len, r->name,
                                          sizeof r->name);
        r->write_err = rc; /* like a file that cannot be written: exit 8, already reported */
        return rc;
    }
    return GREET_OK;
}

static int head_out(struct run *r, const struct greet_fetch_response *resp)
{
    int rc = GREET_OK;

    snprintf(r->url_effective, sizeof r->url_effective, "%s", resp->url);
    if (r->a->verbose) {
        show_lines("< ", resp->head, resp->head_len);
    }
    if (r->meta && !resp->redirecting && resume_answer(r, resp) != GREET_OK) {
        return GREET_ECANCELED; /* complete already, or refused: nothing of it is output */
    }
    if (r->may_retry && !resp->redirecting && cli_retry_status(resp->status)) {
        /* Another attempt follows: this answer is neither output nor counted as the result. */
        r->retry_status = resp->status;
        r->retry_after = cli_retry_after(resp->head, resp->head_len);
        return GREET_ECANCELED;
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
    if (rc == GREET_OK && !resp->redirecting && !r->not_modified) {
        rc = final_answer(r, resp);
    }
    return rc;
}

static int on_response(void *ctx, const struct greet_fetch_response *resp)
{
    struct run *r = ctx;
    int rc;

    gp_mutex_lock(r->lock);
    rc = head_out(r, resp);
    gp_mutex_unlock(r->lock);
    return rc;
}

static int on_body(void *ctx, const void *data, size_t len)
{
    struct run *r = ctx;
    int rc;

    gp_mutex_lock(r->lock);
    rc = put_body(r, data, len);
    gp_mutex_unlock(r->lock);
    return rc;
}

static int on_progress(void *ctx, const struct greet_fetch_progress *p)
{
    struct run *r = ctx;

    if (gp_stop_requested()) {
        return GREET_ECANCELED;
    }
    gp_mutex_lock(r->lock);
    if (r->show_progress) {
        cli_progress_update(&r->bar, p);
    }
    gp_mutex_unlock(r->lock);
    return GREET_OK;
}

static int open_outputs(struct run *r, const struct args *a)
{
    int rc;

    if (a->continue_at) {
        int code = open_resumable(r, a);
        if (code != CLI_EXIT_OK) {
            return code;
        }
    } else if (a->output && strcmp(a->output, "-") != 0) { /* "-o -" is stdout, as with curl */
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
        } else if (r->meta) {
            gp_file_remove(r->meta); /* complete: nothing left to resume */
        }
    }
    if (fflush(stdout) != 0 && code == CLI_EXIT_OK) {
        char text[200];
        gp_failure why;
        gp_failure_take(&why, cli_stream_error());
        code = cli_error("fetch", CLI_EXIT_WRITE, "write to stdout: %s",
                         gp_failure_text(&why, text, sizeof text));
    }
    return code;
}

/* After a failed attempt: whether another one follows, after how long (*delay_ms). */
static int retry_wanted(struct run *r, int rc, int attempt, uint64_t start, long *delay_ms)
{
    const struct cli_retry *p = &r->a->retry;
    uint64_t spent = gp_clock_ms() - start;

    if (!r->may_retry || r->write_err != GREET_OK || gp_stop_requested() ||
        !(r->retry_status || cli_retry_transient(p, rc))) {
        return 0;
    }
    *delay_ms = cli_retry_delay(p, attempt, r->retry_after);
    if (p->max_time_ms > 0 && spent + (uint64_t)*delay_ms > (uint64_t)p->max_time_ms) {
        /* The attempt was already promised (a transient status stopped it before its body):
         * it starts as the time runs out. */
        *delay_ms = spent < (uint64_t)p->max_time_ms ? (long)(p->max_time_ms - (long)spent) : 0;
    }
    return 1;
}

/* Says why and when the next attempt comes, and empties what the last one wrote. */
static int prepare_retry(struct run *r, int attempt, long delay_ms)
{
    char why[GREET_FETCH_MESSAGE_MAX + 32];
    int rc;

    if (r->retry_status) {
        snprintf(why, sizeof why, "the server answered %d", r->retry_status);
    } else {
        snprintf(why, sizeof why, "%s", r->res.message);
    }
    gp_mutex_lock(r->lock);
    cli_progress_end(&r->bar);
    if (!r->a->silent) {
        cli_error("fetch", 0, "%s: %s; retry %d of %d in %ld ms", r->a->url, why, attempt,
                  r->a->retry.max, delay_ms);
    }
    rc = r->to_file && !r->meta ? cli_out_restart(&r->out) : GREET_OK;
    if (r->meta && !r->retry_status) {
        /* -C: the next attempt asks for what the side file still lacks. */
        uint64_t have = 0;
        fflush(r->out.fp);
        rc = gp_file_size(r->out.temp, &have);
        cli_resume_prepare(&r->resume, r->meta, have);
        attempt_headers(r);
    }
    if (rc != GREET_OK) {
        r->write_err = rc;
    }
    gp_mutex_unlock(r->lock);
    return rc;
}

/* The transfer: every attempt. A wait between attempts ends early on Ctrl+C, and the watching
 * thread takes over. */
static void transfer(struct run *r)
{
    uint64_t start = gp_clock_ms();
    long delay_ms = 0;
    int attempt, rc;

    for (attempt = 1;; attempt++) {
        const struct cli_retry *p = &r->a->retry;
        r->may_retry = attempt <= p->max &&
                       (p->max_time_ms <= 0 || gp_clock_ms() - start < (uint64_t)p->max_time_ms);
        r->retry_status = 0;
        r->retry_after = -1;
        r->not_modified = 0;
        r->stale[0] = '\0';
        rc = greet_fetch_with(r->session, r->a->url, &r->opt, &r->sink, &r->res);
        if (!retry_wanted(r, rc, attempt, start, &delay_ms) ||
            prepare_retry(r, attempt, delay_ms) != GREET_OK) {
            break;
        }
        /* gp_deadline_in(0) would be "no limit": a zero delay only looks. */
        if (delay_ms > 0 ? gp_stop_wait(gp_deadline_in(delay_ms)) == GREET_OK
                         : gp_stop_requested()) {
            rc = GREET_ECANCELED; /* stopped while waiting: the watcher reports it */
            break;
        }
    }
    r->rc = rc;
}

/* All the transfers of one invocation: the URLs are taken in order by one worker thread (or by
 * --parallel-max of them with -Z), while the main thread watches for Ctrl+C. Every transfer
 * writes under the one lock, so that messages, heads and -w lines of parallel transfers never
 * mix, and the watcher can stop all output at once. */
struct batch {
    const struct args *a;
    char **urls;
    int count;
    FILE *dump;                   /* -D: shared by every transfer */
    greet_fetch_session *session; /* with several URLs */
    gp_mutex *lock;
    gp_cond *changed;    /* the last transfer finished */
    int next;            /* under lock: the next URL to start */
    int finished;        /* under lock: transfers over */
    int last_failure;    /* under lock: the exit code of the last transfer that failed */
    struct run **active; /* under lock: the transfers under way (NULL: a free slot) */
    int slots;
};

/* Ctrl+C or SIGTERM: the transfer threads may be blocked anywhere (in the resolver, a connect,
 * the TLS handshake), so they are abandoned rather than waited for. The lock is kept for good, so
 * none can write again; their temporary files go, existing targets stay as they were, one line
 * per transfer under way says so, and the process ends with the status shells expect for the
 * signal. */
static void stopped(struct batch *b)
{
    int cause = gp_stop_cause(), i, told = 0;
    const char *what = cause == GP_STOP_TERMINATE ? "terminated" : "interrupted";

    for (i = 0; i < b->slots; i++) {
        struct run *r = b->active[i];
        if (r) {
            cli_progress_end(&r->bar);
            close_outputs(r, 0);
            cli_error("fetch", 0, "%s: %s", r->a->url, what);
            told = 1;
        }
    }
    if (!told) { /* between two transfers: the next one is the one not made */
        cli_error("fetch", 0, "%s: %s", b->urls[b->next < b->count ? b->next : b->count - 1], what);
    }
    fflush(stdout);
    fflush(stderr);
    /* _Exit, not exit: an abandoned thread may be inside the TLS library, whose exit handlers
     * would free the locks it holds; everything of ours is flushed and closed already. */
    _Exit(128 + (cause != GP_STOP_NONE ? cause : GP_STOP_INTERRUPT));
}

/* -C after a failure: "; N bytes kept in FILE.part" for the message, "" otherwise. */
static void kept(struct run *r, int ok, char *note, size_t size)
{
    uint64_t have = 0;

    note[0] = '\0';
    if (!ok && r->meta && r->out.temp && fflush(r->out.fp) == 0 &&
        gp_file_size(r->out.temp, &have) == GREET_OK) {
        snprintf(note, size, "; %llu bytes kept in %s (-C - resumes)", (unsigned long long)have,
                 r->out.temp);
    }
}

/* The transfer's output file for URL number i: the i-th -o or -O, or -O for all, or none. */
static const char *output_for(const struct args *a, int i)
{
    if (i < a->output_count) {
        return a->outputs[i];
    }
    return a->remote_name_all ? remote_marker : NULL;
}

/* Sets r up for URL number i and opens its outputs (under the lock). */
static int prepare(struct batch *b, int i, struct run *r)
{
    const struct args *a = b->a;
    int code = CLI_EXIT_OK;

    r->own = *a;
    r->a = &r->own;
    /* From here on the URL is shown and fetched without its user-info. */
    code = cli_auth_settle(&r->auth, &a->auth, b->urls[i], &r->own.opt);
    r->own.url = r->auth.url ? r->auth.url : "";
    r->own.output = output_for(a, i);
    r->own.no_progress |= a->parallel && b->count > 1; /* one bar per line: not for many */
    r->lock = b->lock;
    r->session = b->session;
    r->dump = b->dump;
    greet_fetch_sink_init(&r->sink);
    r->sink.ctx = r;
    r->sink.on_info = on_info;
    r->sink.on_request = on_request;
    r->sink.on_response = on_response;
    r->sink.on_body = on_body;
    r->sink.on_progress = on_progress;
    greet_fetch_result_init(&r->res);
    snprintf(r->url_effective, sizeof r->url_effective, "%s", r->own.url);
    if (code == CLI_EXIT_OK && r->own.output == remote_marker) {
        code = remote_name(r->own.url, r->name, sizeof r->name);
        r->own.output = r->name;
        r->name_from_server = a->remote_header_name;
    }
    r->headers = malloc((a->opt.header_count + 3) * sizeof *r->headers);
    if (code == CLI_EXIT_OK && !r->headers) {
        code = cli_error("fetch", CLI_EXIT_FAILURE, "%s: out of memory", r->own.url);
    }
    if (code == CLI_EXIT_OK) {
        memcpy(r->headers, a->opt.headers, a->opt.header_count * sizeof *r->headers);
        code = open_outputs(r, r->a);
    }
    if (code != CLI_EXIT_OK) {
        close_outputs(r, 0); /* what was opened before the failure */
        return code;
    }
    attempt_headers(r);
    return CLI_EXIT_OK;
}

/* After the transfer (under the lock): the output in place or gone, and the one line that says
 * what went wrong. Returns the transfer's exit code. */
static int finish(struct run *r)
{
    const struct args *a = r->a;
    char kept_note[GREET_FETCH_MESSAGE_MAX];
    int rc = r->rc == GREET_ECANCELED && (r->complete || r->stale[0]) ? GREET_OK : r->rc;
    int code;

    cli_progress_end(&r->bar);
    kept(r, rc == GREET_OK && r->write_err == GREET_OK, kept_note, sizeof kept_note);
    code = close_outputs(r, rc == GREET_OK && r->write_err == GREET_OK);
    if (r->write_err != GREET_OK) {
        return CLI_EXIT_WRITE; /* already reported by put() */
    }
    if (rc == GREET_ECANCELED && r->refused[0]) {
        return cli_error("fetch", CLI_EXIT_PROTOCOL, "%s: %s%s", a->url, r->refused, kept_note);
    }
    if (rc != GREET_OK) {
        return cli_error("fetch", cli_exit_for(rc), "%s: %s%s", a->url, r->res.message, kept_note);
    }
    if (r->not_modified && !a->silent) {
        cli_error("fetch", 0, "%s: %s%s%s%s", a->url, r->stale[0] ? r->stale : "not modified (304)",
                  r->to_file ? "; " : "", r->to_file ? a->output : "",
                  r->to_file ? " was left as it was" : "");
    }
    return code;
}

static void write_out(const struct args *a, const struct run *r, int code);

/* Takes the slot of a transfer under way (under the lock); there is always one free. */
static void occupy(struct batch *b, struct run *r, int on)
{
    int i;

    for (i = 0; i < b->slots; i++) {
        if (b->active[i] == (on ? NULL : r)) {
            b->active[i] = on ? r : NULL;
            return;
        }
    }
}

/* One URL from start to end; returns its exit code. */
static int download(struct batch *b, int i, struct run *r)
{
    int code;

    gp_mutex_lock(b->lock);
    code = prepare(b, i, r);
    if (code == CLI_EXIT_OK) {
        occupy(b, r, 1);
    }
    gp_mutex_unlock(b->lock);
    if (code == CLI_EXIT_OK) {
        r->started_ms = gp_clock_ms();
        transfer(r);
        r->took_ms = gp_clock_ms() - r->started_ms;
        gp_mutex_lock(b->lock);
        if (gp_stop_requested() && r->rc == GREET_ECANCELED) {
            /* Stopped: the watcher reports it and ends the process; this thread writes nothing
             * more (the wait lets the watcher have the lock). */
            for (;;) {
                gp_cond_wait(b->changed, b->lock, GP_DEADLINE_NONE);
            }
        }
        occupy(b, r, 0);
        code = finish(r);
    } else {
        gp_mutex_lock(b->lock);
    }
    if (r->a->write_out) {
        write_out(r->a, r, code);
    }
    gp_mutex_unlock(b->lock);
    return code;
}

static void free_run(struct run *r)
{
    if (r) {
        free(r->headers);
        free(r->meta);
        cli_auth_free(&r->auth);
        free(r);
    }
}

/* A worker thread: the next URL until there are none or the user stops. */
static void worker(void *arg)
{
    struct batch *b = arg;

    for (;;) {
        struct run *r;
        int i, code;
        gp_mutex_lock(b->lock);
        i = b->next < b->count && !gp_stop_requested() ? b->next++ : -1;
        gp_mutex_unlock(b->lock);
        if (i < 0) {
            return;
        }
        r = calloc(1, sizeof *r);
        code = r ? download(b, i, r)
                 : cli_error("fetch", CLI_EXIT_FAILURE, "%s: out of memory", b->urls[i]);
        free_run(r);
        gp_mutex_lock(b->lock);
        if (code != CLI_EXIT_OK) {
            b->last_failure = code; /* curl's rule: the last failure's code */
        }
        /* Only the last one wakes the watcher, which looks for a stop on its own: a wake-up per
         * transfer costs two context switches for nothing. */
        if (++b->finished == b->count) {
            gp_cond_signal(b->changed);
        }
        gp_mutex_unlock(b->lock);
    }
}

/* Runs the workers and waits for them or for a stop, whichever comes first: a stop is seen
 * within STOP_POLL_MS at every stage. */
#define STOP_POLL_MS 50

static int watch(struct batch *b, int workers)
{
    gp_thread **threads = calloc((size_t)workers, sizeof *threads);
    int started = 0, rc = threads ? GREET_OK : GREET_ENOMEM;

    gp_mutex_lock(b->lock);
    while (rc == GREET_OK && started < workers) {
        rc = gp_thread_start(&threads[started], worker, b, 0);
        started += rc == GREET_OK;
    }
    while (b->finished < b->count && !gp_stop_requested() && (rc == GREET_OK || started > 0)) {
        gp_cond_wait(b->changed, b->lock, gp_deadline_in(STOP_POLL_MS));
    }
    if (gp_stop_requested() && b->finished < b->count) {
        stopped(b);
    }
    gp_mutex_unlock(b->lock);
    /* Done: the threads only have their exit left, and with it the TLS library's per-thread
     * state, which must be gone before the process ends. */
    while (started > 0) {
        gp_thread_join(threads[--started]);
    }
    free(threads);
    return rc;
}

/* Every URL of the command line, one after the other or -Z at a time; the last failure's exit
 * code, 0 when all succeeded. */
static int download_all(const struct args *a, char **urls, int count)
{
    struct batch b;
    int workers = a->parallel ? (a->parallel_max < count ? a->parallel_max : count) : 1;
    int rc, code = CLI_EXIT_OK;

    memset(&b, 0, sizeof b);
    b.a = a;
    b.urls = urls;
    b.count = count;
    b.slots = workers;
    if (a->dump) {
        b.dump = strcmp(a->dump, "-") == 0 ? stdout : gp_fopen(a->dump, "wb", &rc);
        if (!b.dump) {
            char text[200];
            gp_failure why;
            gp_failure_take(&why, rc);
            return cli_error("fetch", CLI_EXIT_WRITE, "open %s: %s", a->dump,
                             gp_failure_text(&why, text, sizeof text));
        }
    }
    if (count > 1 && greet_fetch_session_new(&b.session) != GREET_OK) {
        b.session = NULL; /* one connection per URL still works */
    }
    b.active = calloc((size_t)workers, sizeof *b.active);
    rc = b.active ? gp_mutex_create(&b.lock) : GREET_ENOMEM;
    if (rc == GREET_OK) {
        rc = gp_cond_create(&b.changed);
    }
    if (rc == GREET_OK) {
        rc = watch(&b, workers);
        code = b.last_failure;
    }
    if (rc != GREET_OK) {
        code = cli_error("fetch", CLI_EXIT_FAILURE, "start the download: %s", greet_strerror(rc));
    }
    if (b.dump && b.dump != stdout && fclose(b.dump) != 0 && code == CLI_EXIT_OK) {
        code =
            cli_error("fetch", CLI_EXIT_WRITE, "write %s: %s", a->dump, greet_strerror(GREET_EIO));
    }
    greet_fetch_session_free(b.session);
    gp_cond_destroy(b.changed);
    gp_mutex_destroy(b.lock);
    free(b.active);
    return code;
}

/* -w: the format with the finished transfer's values, on stdout. */
static void write_out(const struct args *a, const struct run *r, int code)
{
    struct cli_writeout v;

    v.http_code = r->stale[0] ? 304 : r->res.status; /* curl's too: the answer counts as a 304 */
    v.size_download = r->res.body_size;
    v.time_total_us = r->took_ms * 1000;
    v.num_redirects = r->res.redirects;
    v.exitcode = code;
    v.url_effective = r->url_effective;
    v.errormsg = code != CLI_EXIT_OK ? (r->refused[0] ? r->refused : r->res.message) : "";
    v.filename_effective = r->to_file ? a->output : "";
    cli_write_out(stdout, a->write_out, &v);
    fflush(stdout);
}

static int run(int argc, char **argv)
{
    struct cli_parser p;
    struct args a;
    char userpass[2 * GREET_AUTH_TOKEN_MAX + 2];
    int code;

    memset(&a, 0, sizeof a);
    greet_fetch_options_init(&a.opt);
    a.parallel_max = 50; /* curl's */
    a.headers = calloc((size_t)argc + 1, sizeof *a.headers);
    a.outputs = calloc((size_t)argc + 1, sizeof *a.outputs);
    if (!a.headers || !a.outputs) {
        free(a.headers);
        free(a.outputs);
        return cli_error("fetch", CLI_EXIT_FAILURE, "out of memory");
    }
    a.opt.headers = a.headers;
    code = cli_parse(&p, &cli_fetch_command, argc, argv, &a);
    if (code == CLI_EXIT_OK) {
        code = check_args(&p, &a);
    }
    if (code == CLI_EXIT_OK) {
        a.opt.proxy_env = 1;
        code = cli_auth_ask(&a.auth, userpass, sizeof userpass);
    }
    if (code == CLI_EXIT_OK && a.opt.insecure) {
        fputs("greet fetch: warning: --insecure: the server's certificate is not checked; anyone "
              "on the path could read and change this transfer\n",
              stderr);
    }
    if (code == CLI_EXIT_OK) {
        gp_stdout_binary();
        gp_stop_install();
        code = download_all(&a, p.operands, p.operand_count);
    } else if (code == CLI_HELP_SHOWN) {
        code = CLI_EXIT_OK;
    }
    cli_parser_free(&p);
    memset(userpass, 0, sizeof userpass);
    free(a.headers);
    free(a.outputs);
    return code;
}

const struct cli_command cli_fetch_command = {
    "fetch",
    "download a URL over HTTP/1.1",
    "URL... [OPTIONS]",
    "Downloads URL (http:// or https://host[:port]/path) with HTTP/1.1 and writes the body,\n"
    "byte for byte, to stdout or to a file. See docs/http.md.\n"
    "Several URLs are fetched one after the other (or -Z several at once), each to its own\n"
    "-o FILE or -O in the order given, over one kept connection per server.\n",
    options,
    "With -o, the status line and header fields are printed to stdout (as the tutorial does)\n"
    "unless -s is given. Errors are always printed on stderr, one line naming the cause.\n"
    "Exit codes: 0 ok, 2 usage or bad URL, 3 host not found, 4 connection failed, 5 timed out,\n"
    "6 bad or cut-short response (or proxy reply), 7 HTTP error with -f or a proxy's refusal\n"
    "(HTTP status, SOCKS reply, credentials), 8 cannot write the output,\n"
    "10 TLS failure or certificate rejected, 11 too many redirects or a redirect loop,\n"
    "130 stopped by Ctrl+C (SIGINT), 143 by SIGTERM, 1 anything else.\n"
    "With several URLs every one is tried; each failure has its own line naming its URL, and\n"
    "the exit code is the last failure's (as curl's).\n",
    run,
};
