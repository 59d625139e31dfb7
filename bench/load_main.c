/*
 * greet_load: opens C connections to a greet-protocol server, does ping-pong round trips (line
 * or raw mode) or connection churn for a fixed time or count, checks every byte of every reply,
 * and reports round trips per second, latency percentiles, failures and the server's memory.
 * Run with --help for the options; bench/server_bench.sh drives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

static const char usage[] =
    "usage: greet_load --port N [options]\n"
    "  --host H              server address (default 127.0.0.1)\n"
    "  --port N              server port (required)\n"
    "  -c, --conns N         concurrent connections (default 50)\n"
    "  --mode M              line, raw or churn (default line)\n"
    "  -d, --duration S      measured seconds (default 5); ends by itself\n"
    "  --warmup S            seconds of load before the measured ones, not counted (default 0)\n"
    "  --count N             round trips (churn: cycles) per connection instead of a duration\n"
    "  --size N              message bytes, newline included in line mode (default 16)\n"
    "  --think MS            pause between a reply and the next message (default 0)\n"
    "  --timeout S           a connection waiting longer for the server fails (default 10)\n"
    "  --connect-parallel N  connects in flight while opening (default 64)\n"
    "  --greeting TEXT       the greeting expected, \\n \\r \\\\ escapes (default \"hello "
    "world!\\n\")\n"
    "  --pid PID             the server's process id: report its memory (Linux /proc)\n"
    "  --engine E            epoll (Linux; the default there) or threads (portable)\n"
    "  --threads N           epoll engine: event loop threads (default 1)\n"
    "  --kv                  print one key=value line instead of the report\n"
    "Exit status: 0 when every connection opened and every reply was right, 1 otherwise,\n"
    "2 for a bad command line.\n";

enum {
    OPT_HOST = 1,
    OPT_PORT,
    OPT_CONNS,
    OPT_MODE,
    OPT_DURATION,
    OPT_WARMUP,
    OPT_COUNT,
    OPT_SIZE,
    OPT_THINK,
    OPT_TIMEOUT,
    OPT_PARALLEL,
    OPT_GREETING,
    OPT_PID,
    OPT_ENGINE,
    OPT_THREADS,
    OPT_KV,
    OPT_HELP
};

struct opt {
    const char *name; /* "--name"; a short alias is a second entry */
    int id;
    int has_arg;
};

static const struct opt opts[] = {
    {"--host", OPT_HOST, 1},
    {"--port", OPT_PORT, 1},
    {"-p", OPT_PORT, 1},
    {"--conns", OPT_CONNS, 1},
    {"-c", OPT_CONNS, 1},
    {"--mode", OPT_MODE, 1},
    {"--duration", OPT_DURATION, 1},
    {"-d", OPT_DURATION, 1},
    {"--warmup", OPT_WARMUP, 1},
    {"--count", OPT_COUNT, 1},
    {"--size", OPT_SIZE, 1},
    {"--think", OPT_THINK, 1},
    {"--timeout", OPT_TIMEOUT, 1},
    {"--connect-parallel", OPT_PARALLEL, 1},
    {"--greeting", OPT_GREETING, 1},
    {"--pid", OPT_PID, 1},
    {"--engine", OPT_ENGINE, 1},
    {"--threads", OPT_THREADS, 1},
    {"--kv", OPT_KV, 0},
    {"--help", OPT_HELP, 0},
    {"-h", OPT_HELP, 0},
};

static int bad(const char *what, const char *text)
{
    fprintf(stderr, "greet_load: %s: '%s'\nTry 'greet_load --help'.\n", what, text);
    return -1;
}

static int parse_long(const char *name, const char *text, long min, long max, long *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);

    if (end == text || *end != '\0' || v < min || v > max) {
        return bad(name, text);
    }
    *out = v;
    return 0;
}

static int parse_ms(const char *name, const char *text, long *out_ms)
{
    char *end = NULL;
    double s = strtod(text, &end);

    if (end == text || *end != '\0' || !(s >= 0.0 && s <= 86400.0)) {
        return bad(name, text);
    }
    *out_ms = (long)(s * 1000.0 + 0.5);
    return 0;
}

/* Copies text into the expected greeting, turning \n, \r and \\ into their bytes. */
static int parse_greeting(struct load_cfg *cfg, const char *text)
{
    size_t n = 0;

    for (; *text != '\0'; text++) {
        char ch = *text;
        if (ch == '\\' && text[1] != '\0') {
            text++;
            ch = *text == 'n' ? '\n' : *text == 'r' ? '\r' : *text;
        }
        if (n == LOAD_GREETING_MAX) {
            return bad("--greeting is too long", text);
        }
        cfg->greeting[n++] = ch;
    }
    cfg->greeting_len = n;
    return 0;
}

static int parse_choice(const char *name, const char *text, const char *const *names, int count,
                        int *out)
{
    int i;

    for (i = 0; i < count; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    return bad(name, text);
}

static const char *const mode_names[] = {"line", "raw", "churn"};
static const char *const engine_names[] = {"threads", "epoll"};

static int apply(struct load_cfg *cfg, int id, const char *arg, int *kv)
{
    long v = 0;
    int rc = 0;

    switch (id) {
    case OPT_HOST:
        cfg->host = arg;
        break;
    case OPT_PORT:
        rc = parse_long("--port", arg, 1, 65535, &v);
        cfg->port = (unsigned)v;
        break;
    case OPT_CONNS:
        rc = parse_long("--conns", arg, 1, 1000000, &v);
        cfg->conns = (int)v;
        break;
    case OPT_MODE:
        return parse_choice("--mode", arg, mode_names, 3, &cfg->mode);
    case OPT_DURATION:
        return parse_ms("--duration", arg, &cfg->duration_ms);
    case OPT_WARMUP:
        return parse_ms("--warmup", arg, &cfg->warmup_ms);
    case OPT_COUNT:
        return parse_long("--count", arg, 1, 1000000000L, &cfg->count);
    case OPT_SIZE:
        rc = parse_long("--size", arg, 2, LOAD_MSG_MAX, &v);
        cfg->msg_size = (int)v;
        break;
    case OPT_THINK:
        rc = parse_long("--think", arg, 0, 3600000L, &v);
        cfg->think_ms = (int)v;
        break;
    case OPT_TIMEOUT:
        rc = parse_ms("--timeout", arg, &v);
        cfg->timeout_ms = v > 0 ? (int)v : 1;
        break;
    case OPT_PARALLEL:
        rc = parse_long("--connect-parallel", arg, 1, 1000000, &v);
        cfg->connect_parallel = (int)v;
        break;
    case OPT_GREETING:
        return parse_greeting(cfg, arg);
    case OPT_PID:
        return parse_long("--pid", arg, 1, 2147483647L, &cfg->server_pid);
    case OPT_ENGINE:
        return parse_choice("--engine", arg, engine_names, 2, &cfg->engine);
    case OPT_THREADS:
        rc = parse_long("--threads", arg, 1, 64, &v);
        cfg->threads = (int)v;
        break;
    case OPT_KV:
        *kv = 1;
        break;
    default:
        fputs(usage, stdout);
        exit(0);
    }
    return rc;
}

/* "--name value" or "--name=value". */
static int parse_args(int argc, char **argv, struct load_cfg *cfg, int *kv)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        size_t len = eq != NULL && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
        const char *value = NULL;
        size_t k;

        for (k = 0; k < sizeof opts / sizeof opts[0]; k++) {
            if (strlen(opts[k].name) == len && strncmp(arg, opts[k].name, len) == 0) {
                break;
            }
        }
        if (k == sizeof opts / sizeof opts[0]) {
            return bad("unknown option", arg);
        }
        if (opts[k].has_arg) {
            value = len < strlen(arg) ? arg + len + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (value == NULL) {
                return bad("missing value for", arg);
            }
        }
        if (apply(cfg, opts[k].id, value, kv) != 0) {
            return -1;
        }
    }
    if (cfg->port == 0) {
        return bad("--port is required", "");
    }
    return 0;
}

static void defaults(struct load_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->host = "127.0.0.1";
    cfg->conns = 50;
    cfg->mode = LOAD_LINE;
    cfg->engine = load_epoll_available ? LOAD_ENGINE_EPOLL : LOAD_ENGINE_THREADS;
    cfg->threads = 1;
    cfg->duration_ms = 5000;
    cfg->msg_size = 16;
    cfg->timeout_ms = 10000;
    cfg->connect_parallel = 64;
    parse_greeting(cfg, "hello world!\\n");
}

static uint64_t total_fails(const struct load_result *r)
{
    uint64_t total = 0;
    int i;

    for (i = 0; i < LOAD_FAIL_COUNT; i++) {
        total += r->fails[i];
    }
    return total;
}

static double rate(const struct load_result *r)
{
    return r->measured_s > 0 ? (double)r->done / r->measured_s : 0.0;
}

static void print_kv(const struct load_cfg *cfg, const struct load_result *r)
{
    int i;

    printf("mode=%s conns=%d engine=%s threads=%d opened=%d open_s=%.3f measured_s=%.3f done=%llu "
           "rate=%.0f p50_us=%llu p90_us=%llu p99_us=%llu max_us=%llu errors=%llu",
           mode_names[cfg->mode], cfg->conns, engine_names[cfg->engine],
           cfg->engine == LOAD_ENGINE_EPOLL ? cfg->threads : cfg->conns, r->opened, r->open_s,
           r->measured_s, (unsigned long long)r->done, rate(r),
           (unsigned long long)load_hist_quantile(&r->hist, 0.50),
           (unsigned long long)load_hist_quantile(&r->hist, 0.90),
           (unsigned long long)load_hist_quantile(&r->hist, 0.99),
           (unsigned long long)r->hist.max_us, (unsigned long long)total_fails(r));
    for (i = 0; i < LOAD_FAIL_COUNT; i++) {
        printf(" fail_%s=%llu", load_fail_name(i), (unsigned long long)r->fails[i]);
    }
    printf(" rss_before_kib=%ld rss_held_kib=%ld rss_end_kib=%ld hwm_kib=%ld server_cpu_s=%.2f "
           "client_cpu_s=%.2f\n",
           r->rss_before_kib, r->rss_held_kib, r->rss_end_kib, r->hwm_kib, r->server_cpu_s,
           r->client_cpu_s);
}

/* CPU per round trip compares servers even when the machine, not the server, sets the pace;
 * the load generator's own share shows whether it could have been the limit. */
static void print_cpu(const struct load_cfg *cfg, const struct load_result *r)
{
    double secs = r->measured_s > 0 ? r->measured_s : 1.0;
    double per = r->done > 0 ? 1e6 / (double)r->done : 0.0;

    if (cfg->server_pid > 0 && r->server_cpu_s >= 0) {
        printf("server CPU     %.2f s (%.0f%% of one core), %.1f us per %s\n", r->server_cpu_s,
               100.0 * r->server_cpu_s / secs, r->server_cpu_s * per,
               cfg->mode == LOAD_CHURN ? "cycle" : "round trip");
    }
    printf("greet_load CPU %.2f s (%.0f%% of one core)\n", r->client_cpu_s,
           100.0 * r->client_cpu_s / secs);
}

static void print_memory(const struct load_cfg *cfg, const struct load_result *r)
{
    print_cpu(cfg, r);
    if (cfg->server_pid <= 0) {
        return;
    }
    printf("server memory  VmRSS %.1f MiB before, %.1f MiB with all connections open, "
           "%.1f MiB at the end; peak VmHWM %.1f MiB\n",
           r->rss_before_kib / 1024.0, r->rss_held_kib / 1024.0, r->rss_end_kib / 1024.0,
           r->hwm_kib / 1024.0);
    if (cfg->mode != LOAD_CHURN && r->opened > 0 && r->rss_held_kib > 0) {
        printf("per connection %.1f KiB (VmRSS growth / connections open)\n",
               (double)(r->rss_held_kib - r->rss_before_kib) / r->opened);
    }
}

static void print_report(const struct load_cfg *cfg, const struct load_result *r)
{
    const char *unit = cfg->mode == LOAD_CHURN ? "cycles" : "round trips";
    int i;

    printf("greet_load: %s mode, %d connections, %s engine (%d threads), %s:%u\n",
           mode_names[cfg->mode], cfg->conns, engine_names[cfg->engine],
           cfg->engine == LOAD_ENGINE_EPOLL ? cfg->threads : cfg->conns, cfg->host, cfg->port);
    if (cfg->mode != LOAD_CHURN) {
        printf("opened         %d of %d in %.2f s\n", r->opened, cfg->conns, r->open_s);
    }
    printf("%-14s %llu in %.2f s = %.0f/s\n", unit, (unsigned long long)r->done, r->measured_s,
           rate(r));
    printf("latency        p50 %llu us, p90 %llu us, p99 %llu us, max %llu us\n",
           (unsigned long long)load_hist_quantile(&r->hist, 0.50),
           (unsigned long long)load_hist_quantile(&r->hist, 0.90),
           (unsigned long long)load_hist_quantile(&r->hist, 0.99),
           (unsigned long long)r->hist.max_us);
    printf("errors         %llu", (unsigned long long)total_fails(r));
    for (i = 0; i < LOAD_FAIL_COUNT; i++) {
        if (r->fails[i] > 0) {
            printf(", %s %llu", load_fail_name(i), (unsigned long long)r->fails[i]);
        }
    }
    printf("%s%s\n", r->first_error[0] != '\0' ? "; first: " : "", r->first_error);
    print_memory(cfg, r);
}

int main(int argc, char **argv)
{
    static struct load_cfg cfg;
    static struct load_result r;
    int kv = 0;
    int rc;

    defaults(&cfg);
    if (parse_args(argc, argv, &cfg, &kv) != 0) {
        return 2;
    }
    if (cfg.mode == LOAD_LINE && cfg.msg_size < 2) {
        cfg.msg_size = 2;
    }
    rc = cfg.engine == LOAD_ENGINE_EPOLL ? load_run_epoll(&cfg, &r) : load_run_threads(&cfg, &r);
    if (rc != 0) {
        return 1;
    }
    if (kv) {
        print_kv(&cfg, &r);
    } else {
        print_report(&cfg, &r);
    }
    return total_fails(&r) == 0 && (cfg.mode == LOAD_CHURN || r.opened == cfg.conns) ? 0 : 1;
}
