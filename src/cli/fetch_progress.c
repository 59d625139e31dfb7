/* The download progress bar: one line on stderr, rewritten in place with '\r', at most every
 * 100 ms so that a fast download does not spend its time drawing. */
#include <stdio.h>
#include <string.h>

#include "fetch_cli.h"
#include "gp_tool.h"

#define REDRAW_MS 100
#define LINE_MAX  78

/* "812 B", "12.3 KiB", "1.5 GiB" */
static void format_size(char *buf, size_t size, double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;

    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(buf, size, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
}

static void format_eta(char *buf, size_t size, double seconds)
{
    unsigned long s = (unsigned long)(seconds + 0.5);

    if (s >= 3600) {
        snprintf(buf, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    } else {
        snprintf(buf, size, "%lu:%02lu", s / 60, s % 60);
    }
}

static void draw(const struct greet_fetch_progress *p)
{
    char got[32], total[32], rate[32], eta[48], line[192];
    double secs = (double)p->elapsed_ms / 1000.0;
    double bps = secs > 0 ? (double)p->received / secs : 0;

    format_size(got, sizeof got, (double)p->received);
    format_size(rate, sizeof rate, bps);
    if (p->total > 0) {
        double left = (double)p->total - (double)p->received;
        format_size(total, sizeof total, (double)p->total);
        if (bps > 0 && left > 0) {
            format_eta(eta, sizeof eta, left / bps);
        } else {
            snprintf(eta, sizeof eta, "--:--");
        }
        snprintf(line, sizeof line, "%3d%%  %s of %s  %s/s  ETA %s",
                 (int)((double)p->received * 100.0 / (double)p->total), got, total, rate, eta);
    } else {
        snprintf(line, sizeof line, "%s  %s/s", got, rate);
    }
    fprintf(stderr, "\r%-*s", LINE_MAX, line);
    fflush(stderr);
}

void cli_progress_update(struct cli_progress *bar, const struct greet_fetch_progress *p)
{
    uint64_t now = gp_clock_ms();

    if (bar->drawn && now - bar->last_draw_ms < REDRAW_MS) {
        return;
    }
    if (!bar->drawn && p->elapsed_ms < REDRAW_MS) {
        return; /* a download that ends at once needs no bar */
    }
    draw(p);
    bar->drawn = 1;
    bar->last_draw_ms = now;
}

void cli_progress_end(struct cli_progress *bar)
{
    if (bar->drawn) {
        fprintf(stderr, "\r%-*s\r", LINE_MAX, "");
        fflush(stderr);
        bar->drawn = 0;
    }
}
