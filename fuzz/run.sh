#!/bin/sh
# Builds the fuzz preset (clang, libFuzzer, ASan, UBSan) and runs each target for SECONDS
# (default 30) at the lowest CPU priority, one after the other.
#   fuzz/run.sh          # the short run CI does (30 s per target)
#   fuzz/run.sh 1800     # the long run (30 minutes per target), see docs/fuzzing.md
# Inputs that find new coverage go to build/fuzz/corpus/NAME (the checked-in seed corpus in
# fuzz/corpus/NAME is only read), crashes to build/fuzz/artifacts/, the log to
# build/fuzz/NAME.log. Exits non-zero when a target finds a crash.
set -eu
seconds=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2 --target fuzz_http_parse fuzz_url fuzz_netrc fuzz_http_date
status=0
for pair in http:fuzz_http_parse url:fuzz_url netrc:fuzz_netrc date:fuzz_http_date; do
    name=${pair%%:*}
    target=${pair#*:}
    mkdir -p "build/fuzz/corpus/$name" build/fuzz/artifacts
    echo "== $target for ${seconds}s"
    if ! nice -n 19 "build/fuzz/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
        -dict="fuzz/$name.dict" -artifact_prefix="build/fuzz/artifacts/$name-" \
        "build/fuzz/corpus/$name" "fuzz/corpus/$name" >"build/fuzz/$name.log" 2>&1; then
        status=1
        echo "$target FAILED: see build/fuzz/$name.log and build/fuzz/artifacts/"
    fi
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|cov:' "build/fuzz/$name.log" |
        tail -n 4
done
exit $status
