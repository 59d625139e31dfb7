#!/usr/bin/python3
"""Draws the benchmark results as SVG charts for docs/benchmarks.md (python3-matplotlib, from
apt: hence /usr/bin/python3 above, not whichever python3 comes first on PATH).

usage: bench/bench_charts.py [--server SERVER.tsv] [--fetch FETCH.tsv] [--out DIR] [--note TEXT]

--server: the raw results of bench/server_bench.sh --out FILE (run, scenario, server, mode,
  conns, then greet_load's key=value fields). Every server and model found there gets its own
  line, so new models and yardsticks need no change here.
--fetch: the raw results of TSV=FILE bench/fetch_bench.sh (scheme, MiB, client, median seconds,
  MiB/s, peak RSS KiB).
--out: where the charts go (default docs/ beside this script); --note: a line printed under
  every title, e.g. where and how the figures were taken.

Writes bench-roundtrips.svg (round trips/s against clients, line and raw mode), bench-cpu.svg
(server CPU time per round trip), bench-memory.svg (peak memory against connections) and
bench-fetch.svg (download throughput, greet against curl). Medians over the runs, as the tables.
"""
import argparse
import os
import statistics
import sys
import textwrap
from collections import defaultdict

try:
    import matplotlib
except ImportError:
    sys.exit("bench_charts.py: needs matplotlib: apt install python3-matplotlib, then run it with "
             "/usr/bin/python3 (the script's own #! line)")

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)

# The same SVG for the same data: no date, fixed element ids.
plt.rcParams["svg.hashsalt"] = "greet"
plt.rcParams["font.size"] = 9
SVG_META = {"Date": None, "Creator": "bench/bench_charts.py"}


def series_name(server, kv):
    """The server column, plus the model when greet_load's line names one the column lacks."""
    model = kv.get("model")
    return server if not model or model in server else f"{server} {model}"


def load_server(path):
    """{(scenario, series, mode, conns): [kv, ...]} from server_bench.sh's TSV."""
    groups = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 6 or line.startswith("#"):
                continue
            _, scenario, server, mode, conns = cols[:5]
            kv = dict(item.split("=", 1) for item in cols[5].split() if "=" in item)
            if "failed" in kv:
                continue
            groups[(scenario, series_name(server, kv), mode, int(conns))].append(kv)
    return groups


def median(runs, key, scale=1.0):
    values = [float(r[key]) * scale for r in runs if key in r and float(r[key]) >= 0]
    return statistics.median(values) if values else None


def cpu_per_op(runs):
    values = [float(r["server_cpu_s"]) * 1e6 / int(r["done"]) for r in runs
              if float(r.get("server_cpu_s", -1)) >= 0 and int(r.get("done", 0)) > 0]
    return statistics.median(values) if values else None


def ordered_series(names):
    """greet's models first (they are what the charts are about), then the yardsticks."""
    return sorted(names, key=lambda s: (not s.startswith("greet"), s))


# Each series keeps its colour and marker in every chart: set from all names in the data.
SERIES_STYLE = {}


def assign_styles(names):
    markers = "os^Dv<>ph*"
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, name in enumerate(ordered_series(names)):
        SERIES_STYLE[name] = {"marker": markers[i % len(markers)], "color": colours[i % len(colours)],
                              "linewidth": 1.5, "markersize": 4}


def style(name):
    return SERIES_STYLE.get(name, {"marker": "o", "linewidth": 1.5, "markersize": 4})


def client_axis(ax, levels, label):
    """A log axis of client counts, labelled with the counts measured, not powers of ten."""
    ax.set_xscale("log")
    ax.set_xticks(sorted(levels), [f"{c:,}" for c in sorted(levels)])
    ax.minorticks_off()
    ax.set_xlabel(label)


def titled(fig, title, note):
    """The title on top, the note wrapped to the figure's width at the bottom; returns the
    layout rectangle that leaves room for both."""
    fig.suptitle(title, fontsize=11)
    if not note:
        return (0, 0, 1, 1)
    lines = textwrap.wrap(note, width=int(fig.get_figwidth() * 15))
    fig.text(0.5, 0.005, "\n".join(lines), ha="center", va="bottom", fontsize=7.5,
             color="#555555")
    return (0, 0.035 * len(lines) * 4.2 / fig.get_figheight(), 1, 1)


def line_plot(ax, groups, scenario, mode, value, ylabel):
    """One line per series: value(runs) against the number of clients."""
    keys = [k for k in groups if k[0] == scenario and k[2] == mode]
    names = ordered_series({k[1] for k in keys})
    for name in names:
        points = sorted((k[3], value(groups[k])) for k in keys if k[1] == name)
        points = [(c, v) for c, v in points if v is not None]
        if points:
            ax.plot([c for c, _ in points], [v for _, v in points], label=name, **style(name))
    client_axis(ax, {k[3] for k in keys}, "concurrent clients")
    ax.set_ylabel(ylabel)
    ax.set_title(f"{mode} mode", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.set_ylim(bottom=0)
    if names:
        ax.legend(fontsize=8)
    return bool(names)


def rt_modes(groups):
    return [m for m in ("line", "raw") if any(k[0] == "rt" and k[2] == m for k in groups)]


def chart_per_mode(groups, out, note, name, title, value, ylabel):
    modes = rt_modes(groups)
    if not modes:
        return None
    fig, axes = plt.subplots(1, len(modes), figsize=(5.2 * len(modes), 4.2), squeeze=False)
    for ax, mode in zip(axes[0], modes):
        line_plot(ax, groups, "rt", mode, value, ylabel)
    fig.tight_layout(rect=titled(fig, title, note))
    return save(fig, out, name)


def memory_chart(groups, out, note):
    """Peak resident memory (VmHWM) against connections held open: the ping-pong levels (raw
    mode, which every server speaks) and the many-idle-clients scenario."""
    points = defaultdict(dict)
    for (scenario, name, mode, conns), runs in groups.items():
        if (scenario == "rt" and mode == "raw") or scenario == "big":
            hwm = median(runs, "hwm_kib", 1 / 1024)
            if hwm is not None:
                points[name][conns] = max(hwm, points[name].get(conns, 0))
    if not points:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name in ordered_series(points):
        xs = sorted(points[name])
        ax.plot(xs, [points[name][c] for c in xs], label=name, **style(name))
    client_axis(ax, {c for p in points.values() for c in p}, "connections open")
    ax.set_ylabel("server peak memory, VmHWM (MiB)")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout(rect=titled(fig, "greet server: peak memory against connections", note))
    return save(fig, out, "bench-memory.svg")


def load_fetch(path):
    """[(scheme, mib, client, mib_per_s, rss_kib)] from fetch_bench.sh's TSV."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 6 or line.startswith("#"):
                continue
            scheme, mib, client, _, rate, rss = cols[:6]
            rows.append((scheme, int(mib), client, float(rate), int(rss)))
    return rows


def size_label(mib):
    return f"{mib} MiB" if mib < 1024 else f"{mib // 1024} GiB"


def fetch_chart(rows, out, note):
    """Throughput per download, each client a bar, http and https side by side."""
    if not rows:
        return None
    cases = sorted({(r[0], r[1]) for r in rows}, key=lambda c: (c[0] != "http", c[1]))
    clients = sorted({r[2] for r in rows}, key=lambda c: (c != "greet", c))
    rate = {(r[0], r[1], r[2]): r[3] for r in rows}
    width = 0.8 / len(clients)
    fig, ax = plt.subplots(figsize=(max(4.8, 1.3 * len(cases) + 2), 4.2))
    for i, client in enumerate(clients):
        xs = [j + (i - (len(clients) - 1) / 2) * width for j in range(len(cases))]
        ys = [rate.get((s, m, client), 0) for s, m in cases]
        bars = ax.bar(xs, ys, width, label=client)
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=2)
    ax.set_xticks(range(len(cases)), [f"{s}\n{size_label(m)}" for s, m in cases])
    ax.set_ylabel("throughput (MiB/s, median)")
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout(rect=titled(fig, "fetch from a local nginx: greet fetch against curl", note))
    return save(fig, out, "bench-fetch.svg")


def save(fig, out, name):
    path = os.path.join(out, name)
    fig.savefig(path, format="svg", metadata=SVG_META)
    plt.close(fig)
    return path


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", help="server_bench.sh --out TSV")
    ap.add_argument("--fetch", help="fetch_bench.sh TSV")
    ap.add_argument("--out", default=os.path.join(here, "..", "docs"))
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    if not args.server and not args.fetch:
        ap.error("give --server FILE, --fetch FILE or both")

    written = []
    if args.server:
        groups = load_server(args.server)
        if not groups:
            sys.exit(f"bench_charts.py: no results in {args.server}")
        assign_styles({k[1] for k in groups})
        written += [
            chart_per_mode(groups, args.out, args.note, "bench-roundtrips.svg",
                           "greet server: round trips per second (ping-pong)",
                           lambda runs: median(runs, "rate"), "round trips/s (median)"),
            chart_per_mode(groups, args.out, args.note, "bench-cpu.svg",
                           "greet server: server CPU time per round trip (lower is better)",
                           cpu_per_op, "server CPU µs per round trip (median)"),
            memory_chart(groups, args.out, args.note),
        ]
    if args.fetch:
        rows = load_fetch(args.fetch)
        if not rows:
            sys.exit(f"bench_charts.py: no results in {args.fetch}")
        written.append(fetch_chart(rows, args.out, args.note))
    for path in filter(None, written):
        print(f"bench_charts.py: wrote {os.path.relpath(path)}")


if __name__ == "__main__":
    main()
