/* Pieces every engine shares: the clock, the latency histogram, server memory samples and
 * failure bookkeeping. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "load.h"

uint64_t load_now_us(void)
{
    struct timespec ts;

    /* C11's only clock with sub-millisecond resolution everywhere; wall-clock, which is fine for
     * intervals of seconds on a machine not being re-set mid-run. */
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) {
        return 0;
    }
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static size_t hist_index(uint64_t us)
{
    unsigned top = 0;
    size_t index;

    if (us < 32) {
        return (size_t)us;
    }
    while ((us >> top) > 1) {
        top++;
    }
    /* top >= 5 here; the 4 bits below the top one pick one of 16 buckets in [2^top, 2^top+1). */
    index = 32 + (size_t)(top - 5) * LOAD_HIST_SUB + (size_t)((us >> (top - 4)) & 15u);
    return index < LOAD_HIST_BUCKETS ? index : LOAD_HIST_BUCKETS - 1;
}

/* The largest value a bucket holds, so percentiles err on the slow side. */
static uint64_t hist_upper(size_t index)
{
    size_t top;
    uint64_t sub;

    if (index < 32) {
        return (uint64_t)index;
    }
    top = 5 + (index - 32) / LOAD_HIST_SUB;
    sub = (uint64_t)((index - 32) % LOAD_HIST_SUB);
    return ((16u + sub + 1u) << (top - 4)) - 1u;
}

void load_hist_add(struct load_hist *h, uint64_t us)
{
    h->counts[hist_index(us)]++;
    h->total++;
    if (us > h->max_us) {
        h->max_us = us;
    }
}

void load_hist_merge(struct load_hist *into, const struct load_hist *from)
{
    size_t i;

    for (i = 0; i < LOAD_HIST_BUCKETS; i++) {
        into->counts[i] += from->counts[i];
    }
    into->total += from->total;
    if (from->max_us > into->max_us) {
        into->max_us = from->max_us;
    }
}

uint64_t load_hist_quantile(const struct load_hist *h, double q)
{
    uint64_t rank;
    uint64_t seen = 0;
    size_t i;

    if (h->total == 0) {
        return 0;
    }
    rank = (uint64_t)(q * (double)h->total);
    if (rank >= h->total) {
        rank = h->total - 1;
    }
    for (i = 0; i < LOAD_HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen > rank) {
            uint64_t upper = hist_upper(i);
            return upper < h->max_us ? upper : h->max_us;
        }
    }
    return h->max_us;
}

/* One "Key:   123 kB" field of /proc/PID/status in KiB; -1 where there is no such file (not
 * Linux, or the process is gone). */
static long proc_status_kib(long pid, const char *key)
{
    char path[64];
    char line[256];
    size_t key_len = strlen(key);
    long value = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
            if (sscanf(line + key_len + 1, "%ld", &value) != 1) {
                value = -1;
            }
            break;
        }
    }
    fclose(f);
    return value;
}

/* The field summed over pid and all its descendants (the processes model's children), found
 * through /proc/PID/task/TID/children. A sum of VmRSS counts the pages a fork shares in every
 * process that maps them: an upper bound. -1 when pid itself is unreadable. */
static long tree_status_kib(long pid, const char *key, int depth)
{
    char path[64];
    long total = proc_status_kib(pid, key);
    DIR *tasks;
    struct dirent *t;

    if (total < 0 || depth > 4) {
        return total;
    }
    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    tasks = opendir(path);
    while (tasks != NULL && (t = readdir(tasks)) != NULL) {
        char file[300];
        long child;
        FILE *f;
        if (t->d_name[0] == '.') {
            continue;
        }
        snprintf(file, sizeof file, "/proc/%ld/task/%s/children", pid, t->d_name);
        f = fopen(file, "r");
        while (f != NULL && fscanf(f, "%ld", &child) == 1) {
            long kib = tree_status_kib(child, key, depth + 1);
            total += kib > 0 ? kib : 0;
        }
        if (f != NULL) {
            fclose(f);
        }
    }
    if (tasks != NULL) {
        closedir(tasks);
    }
    return total;
}

/* User + system CPU seconds of every thread of the process, from /proc/PID/stat (fields 14
 * and 15, in USER_HZ ticks, which is 100 on every Linux architecture); -1 when unreadable. */
static double proc_cpu_s(long pid)
{
    char path[64];
    char line[1024];
    unsigned long utime = 0;
    unsigned long stime = 0;
    const char *fields;
    int ok = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (f == NULL) {
        return -1.0;
    }
    /* The command name (field 2) may hold spaces and parentheses: fields resume after the last
     * ')'. */
    if (fgets(line, sizeof line, f) != NULL && (fields = strrchr(line, ')')) != NULL) {
        ok = sscanf(fields + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                    &stime) == 2;
    }
    fclose(f);
    return ok ? (double)(utime + stime) / 100.0 : -1.0;
}

static double own_cpu_s(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

void load_sample(const struct load_cfg *cfg, struct load_result *r, int which)
{
    long rss = cfg->server_pid > 0 ? tree_status_kib(cfg->server_pid, "VmRSS", 0) : -1;
    double server_cpu = cfg->server_pid > 0 ? proc_cpu_s(cfg->server_pid) : -1.0;

    if (which == 0) {
        r->rss_before_kib = rss;
    } else if (which == 1) {
        r->rss_held_kib = rss;
        r->server_cpu_s = server_cpu; /* the start, until the end is known */
        r->client_cpu_s = own_cpu_s();
    } else {
        r->rss_end_kib = rss;
        r->hwm_kib = cfg->server_pid > 0 ? tree_status_kib(cfg->server_pid, "VmHWM", 0) : -1;
        r->server_cpu_s =
            server_cpu >= 0 && r->server_cpu_s >= 0 ? server_cpu - r->server_cpu_s : -1.0;
        r->client_cpu_s = own_cpu_s() - r->client_cpu_s;
    }
}

static const char *const fail_names[LOAD_FAIL_COUNT] = {
    "connect", "greeting", "reply", "early-close", "io", "timeout",
};

const char *load_fail_name(int kind)
{
    return kind >= 0 && kind < LOAD_FAIL_COUNT ? fail_names[kind] : "unknown";
}

void load_result_fail(struct load_result *r, int kind, const char *detail)
{
    uint64_t total = 0;
    int i;

    for (i = 0; i < LOAD_FAIL_COUNT; i++) {
        total += r->fails[i];
    }
    if (total == 0) {
        snprintf(r->first_error, sizeof r->first_error, "%s: %s", load_fail_name(kind), detail);
    }
    if (kind >= 0 && kind < LOAD_FAIL_COUNT) {
        r->fails[kind]++;
    }
}

void load_result_conn_fail(struct load_result *r, const struct load_conn *c, const char *why)
{
    char detail[128];

    snprintf(detail, sizeof detail, "connection %u, message %llu, after %zu good bytes%s%s", c->id,
             (unsigned long long)c->seq, c->matched, why != NULL ? ": " : "",
             why != NULL ? why : "");
    load_result_fail(r, c->fail, detail);
}

void load_result_merge(struct load_result *into, const struct load_result *from)
{
    int i;

    if (into->first_error[0] == '\0') {
        memcpy(into->first_error, from->first_error, sizeof into->first_error);
    }
    for (i = 0; i < LOAD_FAIL_COUNT; i++) {
        into->fails[i] += from->fails[i];
    }
    into->done += from->done;
    into->opened += from->opened;
    load_hist_merge(&into->hist, &from->hist);
}
