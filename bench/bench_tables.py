#!/usr/bin/env python3
"""Turns server_bench.sh's TSV results into Markdown tables: medians over the runs, the ratios
of greet's one-loop events model (greet-events-1) to every other server, errors summed over every
run.

usage: bench_tables.py RESULTS.tsv RUNS DURATION_S
Each TSV line: run, scenario, server, mode, conns, then greet_load's key=value fields.
"""
import statistics
import sys
from collections import defaultdict

SERVERS = ("greet-events-1", "greet-events-2", "greet-threads", "greet-processes", "epoll", "libuv", "python")
SUBJECT = "greet-events-1"  # the server the ratios are about


def load(path):
    groups = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 6:
                continue
            _, scenario, server, mode, conns = cols[:5]
            kv = dict(item.split("=", 1) for item in cols[5].split() if "=" in item)
            groups[(scenario, server, mode, int(conns))].append(kv)
    return groups


def median(runs, key):
    values = [float(r[key]) for r in runs if key in r]
    return statistics.median(values) if values else None


def cpu_per_op(runs):
    """Median server CPU microseconds per round trip (or cycle)."""
    values = [float(r["server_cpu_s"]) * 1e6 / int(r["done"]) for r in runs
              if float(r.get("server_cpu_s", -1)) >= 0 and int(r.get("done", 0)) > 0]
    return statistics.median(values) if values else None


def errors(runs, conns):
    """Failures of every kind over all runs (a connection that never opened failed in some way
    and is counted there); a run where the load generator printed nothing counts every
    connection."""
    return sum(int(r["errors"]) if "errors" in r else conns for r in runs)


def fmt_rate(value):
    return "-" if value is None else f"{value:,.0f}"


def fmt_lat(runs):
    p50, p99 = median(runs, "p50_us"), median(runs, "p99_us")
    return "-" if p50 is None else f"{p50:,.0f} / {p99:,.0f}"


def fmt_ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}x"


def fmt_mib(kib):
    return "-" if kib is None or kib < 0 else f"{kib / 1024:.1f}"


def rt_table(groups, mode):
    servers = [s for s in SERVERS if any(k[:3] == ("rt", s, mode) for k in groups)]
    levels = sorted({k[3] for k in groups if k[0] == "rt" and k[2] == mode})
    head = ["clients"]
    for s in servers:
        head += [f"{s} rt/s", f"{s} p50 / p99 µs"]
    others = [s for s in servers if s != SUBJECT] if SUBJECT in servers else []
    head += [f"{SUBJECT}/{s}" for s in others] + ["errors"]
    rows = [head, ["---:"] * len(head)]
    for c in levels:
        runs = {s: groups.get(("rt", s, mode, c), []) for s in servers}
        rates = {s: median(runs[s], "rate") for s in servers}
        row = [str(c)]
        for s in servers:
            row += [fmt_rate(rates[s]), fmt_lat(runs[s])]
        row += [fmt_ratio(rates[SUBJECT], rates[s]) for s in others]
        row.append(" / ".join(f"{s} {errors(runs[s], c)}" for s in servers))
        rows.append(row)
    return rows


def cpu_table(groups, mode):
    """Server CPU per round trip: the cost of the server's design, which a busy or small
    machine distorts less than throughput."""
    servers = [s for s in SERVERS if any(k[:3] == ("rt", s, mode) for k in groups)]
    levels = sorted({k[3] for k in groups if k[0] == "rt" and k[2] == mode})
    others = [s for s in servers if s != SUBJECT] if SUBJECT in servers else []
    rows = [["clients"] + [f"{s} µs" for s in servers] + [f"{SUBJECT}/{s}" for s in others] +
            [f"greet_load CPU % ({s} run)" for s in servers]]
    rows.append(["---:"] * len(rows[0]))
    for c in levels:
        runs = {s: groups.get(("rt", s, mode, c), []) for s in servers}
        cost = {s: cpu_per_op(runs[s]) for s in servers}
        rows.append([str(c)] + ["-" if cost[s] is None else f"{cost[s]:.1f}" for s in servers] +
                    [fmt_ratio(cost[SUBJECT], cost[s]) for s in others] +
                    [fmt_pct(generator_share(runs[s])) for s in servers])
    return rows


def generator_share(runs):
    """Median share of one core the load generator used: near 100 it may have set the pace."""
    values = [float(r["client_cpu_s"]) / float(r["measured_s"]) * 100 for r in runs
              if float(r.get("measured_s", 0)) > 0 and "client_cpu_s" in r]
    return statistics.median(values) if values else None


def fmt_pct(value):
    return "-" if value is None else f"{value:.0f}"


def churn_table(groups):
    rows = [["server", "clients", "cycles/s", "p50 / p99 µs per cycle", "vs epoll",
             "server CPU µs per cycle", "errors"],
            ["---", "---:", "---:", "---:", "---:", "---:", "---:"]]
    base = None
    for s in SERVERS:
        for key in sorted(k for k in groups if k[0] == "churn" and k[1] == s):
            runs = groups[key]
            rate = median(runs, "rate")
            if s == "epoll":
                base = rate
            cost = cpu_per_op(runs)
            rows.append([s, str(key[3]), fmt_rate(rate), fmt_lat(runs), "",
                         "-" if cost is None else f"{cost:.1f}", str(errors(runs, key[3]))])
    for row in rows[2:]:
        rate = float(row[2].replace(",", "")) if row[2] != "-" else None
        row[4] = fmt_ratio(rate, base)
    return rows


def big_table(groups, scenario="big"):
    rows = [["server", "clients", "opened (min)", "open s", "rt/s", "p50 / p99 µs",
             "RSS before MiB", "RSS all open MiB", "KiB per connection", "peak VmHWM MiB",
             "errors"],
            ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]]
    for s in SERVERS:
        for key in sorted(k for k in groups if k[0] == scenario and k[1] == s):
            runs, conns = groups[key], key[3]
            opened = min((int(r["opened"]) for r in runs if "opened" in r), default=0)
            before, held = median(runs, "rss_before_kib"), median(runs, "rss_held_kib")
            per = (held - before) / opened if opened and held and before else None
            rows.append([s, str(conns), str(opened), f"{median(runs, 'open_s') or 0:.2f}",
                         fmt_rate(median(runs, "rate")), fmt_lat(runs), fmt_mib(before),
                         fmt_mib(held), "-" if per is None else f"{per:.1f}",
                         fmt_mib(median(runs, "hwm_kib")), str(errors(runs, conns))])
    return rows


def markdown(rows):
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def main():
    path, runs, duration = sys.argv[1], sys.argv[2], sys.argv[3]
    groups = load(path)
    note = f"median of {runs} runs of {duration} s each; errors summed over all runs"
    for mode in ("line", "raw"):
        if any(k[0] == "rt" and k[2] == mode for k in groups):
            print(f"\n### Ping-pong round trips, {mode} mode ({note})\n")
            print(markdown(rt_table(groups, mode)))
            print(f"\nServer CPU time per round trip, {mode} mode (median; lower is better)\n")
            print(markdown(cpu_table(groups, mode)))
    if any(k[0] == "churn" for k in groups):
        print(f"\n### Connection churn: connect, greeting, exit, close ({note})\n")
        print(markdown(churn_table(groups)))
    if any(k[0] == "big" for k in groups):
        print(f"\n### Many idle-ish clients: one round trip per second each ({note})\n")
        print(markdown(big_table(groups)))
    if any(k[0] == "delay" for k in groups):
        window = max(float(duration), 5.0)  # server_bench.sh: at least 5 s, after a 1 s warm-up
        delay_note = (f"median of {runs} runs of {window:g} s each after a 1 s warm-up; "
                      "errors summed over all runs")
        print(f"\n### --delay 1000: each client sends again when its reply came ({delay_note})\n")
        print(markdown(big_table(groups, "delay")))


if __name__ == "__main__":
    main()
