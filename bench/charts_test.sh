#!/usr/bin/env bash
# ctest bench.charts: bench/bench_charts.py draws the four charts from small results in the
# scripts' formats (bench/testdata), one line per server and model found there. Exit 77
# (skipped) without apt's matplotlib for /usr/bin/python3, which CI does not install.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
    echo "python3-matplotlib is not installed: skipped"
    exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/greet-charts.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$here/bench_charts.py" --server "$here/testdata/server.tsv" --fetch "$here/testdata/fetch.tsv" \
    --out "$out" --note "test note"
for chart in roundtrips cpu memory fetch; do
    svg=$out/bench-$chart.svg
    [[ -s $svg ]] || { echo "bench-$chart.svg was not written" >&2; exit 1; }
    grep -q '<svg' "$svg" || { echo "bench-$chart.svg is not an SVG" >&2; exit 1; }
done
# matplotlib writes text as paths unless told otherwise, so look for the labels in its
# comments: every series of the results names a line of the legend.
for name in greet greet-events epoll; do
    grep -q -- "<!-- $name -->" "$out/bench-roundtrips.svg" || {
        echo "bench-roundtrips.svg has no line for $name" >&2
        exit 1
    }
done
grep -q -- "<!-- curl -->" "$out/bench-fetch.svg" || { echo "no curl bars" >&2; exit 1; }
echo "four charts written"
