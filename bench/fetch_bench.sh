#!/usr/bin/env bash
# Benchmark for `greet fetch`: downloads 1 MiB, 64 MiB and 1 GiB bodies from a local nginx on
# loopback with `greet fetch -o` and `curl -o` in the same run, and prints a Markdown table of
# median wall time, throughput and peak resident memory (RSS). See docs/benchmarks.md#fetch.
# Then the same over https (nginx with the test certificate of tests/data/tls, both clients
# with --cacert): see docs/benchmarks.md#fetch-over-tls. Then many small files: FILES bodies of
# 4 KiB, fetched in one invocation by greet and by curl with the same command line (-o FILE URL
# per file: one connection, reused), one after the other and with --parallel --parallel-max 4.
# Last, --compressed: a COMPRESSED MiB text file that nginx serves gzipped (gzip_static), decoded
# by greet --compressed and curl --compressed: throughput and peak RSS. Every case runs with nginx
# pinned to CPU 1 and the clients to CPU 0 (taskset; PIN=0: unpinned), and every timed download
# starts after a sync, so that one run's dirty pages are not written back during the next run.
#
# Usage: bench/fetch_bench.sh [GREET_EXE]   (default: build/release/greet, built if missing)
# Environment: RUNS (timed runs per download, default 5), SIZES (default "1 64 1024", in MiB),
# TLS_SIZES (the https downloads, default "1024"; empty: no https run), TSV (a file for the raw
# results, one line per download and client, which bench/bench_charts.py --fetch draws), FILES
# (the small-files case, default 1000; 0: none), PIN (pin nginx and the clients, default 1), COMPRESSED (the text file's size in MiB, default 64; 0: no such case).
# Needs: nginx (Debian nginx-light), curl, hyperfine, GNU time (/usr/bin/time), python3.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
greet=${1:-$here/build/release/greet}
runs=${RUNS:-5}
sizes=${SIZES:-"1 64 1024"}
tls_sizes=${TLS_SIZES-1024}
tsv=${TSV:-}
[[ -z $tsv ]] || printf '# scheme\tMiB\tclient\tmedian_s\tMiB_per_s\tpeak_rss_KiB\n' >"$tsv"
files=${FILES:-1000}
pin=${PIN:-1}
compressed_mib=${COMPRESSED:-64}
ca=$here/tests/data/tls/ca.pem

if [[ ! -x $greet ]]; then
    (cd "$here" && cmake --preset release >/dev/null && cmake --build --preset release -j2 >/dev/null)
fi
greet=$(cd "$(dirname "$greet")" && pwd)/$(basename "$greet") # the small-files case cd's
for tool in nginx curl hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "fetch_bench: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/greet-fetch-bench.XXXXXX")
nginx_pid=
cleanup() {
    [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# Free loopback ports, chosen by the kernel (never fixed ones).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
tls_port=$(free_port)

mkdir -p "$work/root" "$work/logs" "$work/tmp" "$work/out"
chmod 755 "$work" "$work/root" # nginx's workers run as nobody when started by root
for mib in $(printf '%s\n' $sizes $tls_sizes | sort -un); do
    head -c $((mib * 1024 * 1024)) /dev/urandom >"$work/root/$mib.bin"
done
mkdir -p "$work/root/small"
for ((i = 0; i < files; i++)); do
    head -c 4096 /dev/urandom >"$work/root/small/$i.bin"
done
# Made-up words (about 2:1 with gzip -6; the run prints the ratio), the same every run, and its .gz
# beside it for gzip_static (made once here, so nginx only sends bytes).
if ((compressed_mib > 0)); then
    mkdir -p "$work/root/text"
    python3 -c 'import random,sys
rnd = random.Random(12)
words = [("".join(rnd.choice("etaoinshrdlucmfwypvbgkqjxz") for _ in range(rnd.randint(2, 9))))
         for _ in range(5000)]
left = int(sys.argv[1]) * 1048576
with open(sys.argv[2], "w") as f:
    while left > 0:
        line = " ".join(rnd.choice(words) for _ in range(12))[: left - 1] + "\n"
        f.write(line)
        left -= len(line)' "$compressed_mib" "$work/root/text/$compressed_mib.txt"
    gzip -6 -k -n "$work/root/text/$compressed_mib.txt"
fi
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $work/tmp;
    proxy_temp_path $work/tmp;
    fastcgi_temp_path $work/tmp;
    uwsgi_temp_path $work/tmp;
    scgi_temp_path $work/tmp;
    server {
        listen 127.0.0.1:$port;
        root $work/root;
        keepalive_requests 100000;
        location /text/ { gzip_static on; }
    }
    server {
        listen 127.0.0.1:$tls_port ssl;
        ssl_certificate $here/tests/data/tls/server.pem;
        ssl_certificate_key $here/tests/data/tls/server.key;
        root $work/root;
    }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' 2>"$work/logs/stderr" &
nginx_pid=$!
for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/1.bin" 2>/dev/null && break
    sleep 0.1
done

# Pinned as bench/server_bench.sh pins, for every case below unless PIN=0: nginx (its master and
# worker) on CPU 1, the client on CPU 0; unpinned runs on two CPUs flip with scheduling.
client_pin=
if [[ $pin == 1 ]]; then
    if ! command -v taskset >/dev/null || (($(nproc) < 2)); then
        echo "fetch_bench: pinning needs taskset and 2 CPUs (or PIN=0)" >&2
        exit 1
    fi
    for p in "$nginx_pid" $(pgrep -P "$nginx_pid"); do
        taskset -a -p -c 1 "$p" >/dev/null
    done
    client_pin="taskset -c 0"
fi

# Median peak RSS in KiB of three runs of a command (GNU time's %M).
peak_rss() {
    local out=() i
    for i in 1 2 3; do
        out+=("$(/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1)")
    done
    printf '%s\n' "${out[@]}" | sort -n | sed -n 2p
}

echo "greet: $("$greet" --version | head -1) ($greet)"
echo "curl:  $(curl --version | head -1 | cut -d' ' -f1-2)"
echo "nginx: $(nginx -v 2>&1 | cut -d/ -f2), machine: $(nproc) CPUs, $(uname -sr)"
echo
# table BASE_URL SIZES [CLIENT_OPTION...]: one row per size and client; the options (--cacert
# FILE) are given to both clients, which spell them the same.
table() {
    local base=$1 mibs=$2 mib url name median rss
    shift 2
    echo "| body | client | median time | throughput | peak RSS |"
    echo "|---:|---|---:|---:|---:|"
    for mib in $mibs; do
        url="$base/$mib.bin"
        # sync first: the previous run's dirty pages are written back before the clock starts,
        # not during the next client's run (at 1 GiB that writeback is most of the time).
        hyperfine --runs "$runs" --warmup 1 --prepare sync --export-json "$work/h.json" --style none \
            -n greet "$client_pin $greet fetch -s --no-progress $* $url -o $work/out/greet.bin" \
            -n curl "$client_pin curl -s $* -o $work/out/curl.bin $url" >/dev/null
        cmp -s "$work/root/$mib.bin" "$work/out/greet.bin" || { echo "greet's download differs" >&2; exit 1; }
        cmp -s "$work/root/$mib.bin" "$work/out/curl.bin" || { echo "curl's download differs" >&2; exit 1; }
        for name in greet curl; do
            median=$(python3 -c 'import json,sys
r=[x for x in json.load(open(sys.argv[1]))["results"] if x["command"]==sys.argv[2]][0]
print(r["median"])' "$work/h.json" "$name")
            if [[ $name == greet ]]; then
                rss=$(peak_rss "$greet" fetch -s --no-progress "$@" "$url" -o "$work/out/greet.bin")
            else
                rss=$(peak_rss curl -s "$@" -o "$work/out/curl.bin" "$url")
            fi
            python3 -c 'import sys
mib, name, med, rss = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
size = f"{mib} MiB" if mib < 1024 else f"{mib // 1024} GiB"
print(f"| {size} | {name} | {med * 1000:.1f} ms | {mib / med:.0f} MiB/s | {rss / 1024:.1f} MiB |")
if sys.argv[6]:
    with open(sys.argv[6], "a") as f:
        f.write(f"{sys.argv[5]}\t{mib}\t{name}\t{med:.6f}\t{mib / med:.1f}\t{rss}\n")' \
                "$mib" "$name" "$median" "$rss" "${base%%:*}" "$tsv"
        done
        rm -f "$work/out/"*.bin
    done
}

table "http://127.0.0.1:$port" "$sizes"
if [[ -n $tls_sizes ]]; then
    echo
    echo "https (nginx with tests/data/tls/server.pem, both clients with --cacert):"
    echo
    table "https://127.0.0.1:$tls_port" "$tls_sizes" --cacert "$ca"
fi

# Many small files: the same command line for both clients (-o N.bin URL per file, in a script
# so that the command line's length is no problem for hyperfine), one invocation each; every
# download is checked against its source.
if ((files > 0)); then
    # small_script NAME COMMAND...: $work/NAME.sh runs COMMAND and the -o/URL list in out/NAME.
    small_script() {
        local name=$1 i
        shift
        mkdir -p "$work/out/$name"
        {
            printf 'cd %q && exec %s' "$work/out/$name" "$client_pin"
            printf ' %q' "$@"
            for ((i = 0; i < files; i++)); do
                printf ' -o %s.bin http://127.0.0.1:%s/small/%s.bin' "$i" "$port" "$i"
            done
            echo
        } >"$work/$name.sh"
    }
    small_script curl-1 curl -s
    small_script curl-4 curl -s --parallel --parallel-max 4
    small_script greet-1 "$greet" fetch -s --no-progress
    small_script greet-4 "$greet" fetch -s --no-progress --parallel --parallel-max 4
    # Two cases: into an empty folder (a first download), and over the files of the run before
    # (a second one), where greet pays for its atomic replace (a new file renamed over the old
    # one, so a failed download keeps it) and curl truncates and rewrites the old file in place.
    for case in empty over; do
        prepare=()
        for name in curl-1 greet-1 curl-4 greet-4; do
            if [[ $case == empty ]]; then
                prepare+=(--prepare "find $work/out/$name -name '*.bin' -delete; sync")
            else
                prepare+=(--prepare sync)
            fi
        done
        echo
        echo "$files files of 4 KiB, one invocation each, the same URL list, $([[ $case == empty ]] &&
            echo "into an empty folder" || echo "over the files of the run before") (pinned: $pin):"
        echo
        hyperfine --runs "$runs" --warmup 1 "${prepare[@]}" --export-json "$work/small.json" \
            --style none \
            -n "curl, one connection" "bash $work/curl-1.sh" \
            -n "greet, one connection" "bash $work/greet-1.sh" \
            -n "curl --parallel --parallel-max 4" "bash $work/curl-4.sh" \
            -n "greet --parallel --parallel-max 4" "bash $work/greet-4.sh" >/dev/null
        for name in curl-1 curl-4 greet-1 greet-4; do
            for ((i = 0; i < files; i++)); do
                cmp -s "$work/root/small/$i.bin" "$work/out/$name/$i.bin" ||
                    { echo "small file $i differs ($name)" >&2; exit 1; }
            done
        done
        echo "| client | median time | files/s |"
        echo "|---|---:|---:|"
        python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    name, med = r["command"], r["median"]
    print(f"| {name} | {med * 1000:.0f} ms | {int(sys.argv[2]) / med:.0f} |")' \
            "$work/small.json" "$files"
    done
fi

# --compressed: a text file of COMPRESSED_MIB MiB served gzipped by nginx (gzip_static: the .gz
# made once beforehand, so the server only sends bytes, as a CDN would), decoded by both clients
# with --compressed and checked against the original.
if ((compressed_mib > 0)); then
    url="http://127.0.0.1:$port/text/$compressed_mib.txt"
    gz_mib=$(python3 -c 'import os,sys; print(f"{os.path.getsize(sys.argv[1]) / 1048576:.1f}")' \
        "$work/root/text/$compressed_mib.txt.gz")
    # curl's size_download counts the bytes on the wire: they must be the .gz file's.
    wire=$(curl -s --compressed -o /dev/null -w '%{size_download}' "$url")
    [[ $wire == $(stat -c %s "$work/root/text/$compressed_mib.txt.gz") ]] ||
        { echo "fetch_bench: nginx did not send the .gz (gzip_static)" >&2; exit 1; }
    echo
    echo "--compressed: $compressed_mib MiB of text, $gz_mib MiB gzipped (nginx gzip_static)${client_pin:+, clients pinned to CPU 0 and nginx to CPU 1}:"
    echo
    hyperfine --runs "$runs" --warmup 1 --prepare sync --export-json "$work/gz.json" --style none \
        -n greet "$client_pin $greet fetch -s --no-progress --compressed $url -o $work/out/greet.txt" \
        -n curl "$client_pin curl -s --compressed -o $work/out/curl.txt $url" >/dev/null
    cmp -s "$work/root/text/$compressed_mib.txt" "$work/out/greet.txt" ||
        { echo "greet's decoded download differs" >&2; exit 1; }
    cmp -s "$work/root/text/$compressed_mib.txt" "$work/out/curl.txt" ||
        { echo "curl's decoded download differs" >&2; exit 1; }
    echo "| client | median time | throughput (decoded) | peak RSS |"
    echo "|---|---:|---:|---:|"
    for name in greet curl; do
        if [[ $name == greet ]]; then
            rss=$(peak_rss $client_pin "$greet" fetch -s --no-progress --compressed "$url" \
                -o "$work/out/greet.txt")
        else
            rss=$(peak_rss $client_pin curl -s --compressed -o "$work/out/curl.txt" "$url")
        fi
        python3 -c 'import json,sys
r=[x for x in json.load(open(sys.argv[1]))["results"] if x["command"]==sys.argv[2]][0]
mib, med, rss = int(sys.argv[3]), r["median"], int(sys.argv[4])
print(f"| {sys.argv[2]} | {med * 1000:.1f} ms | {mib / med:.0f} MiB/s | {rss / 1024:.1f} MiB |")
if sys.argv[5]:
    with open(sys.argv[5], "a") as f:
        f.write(f"gzip\t{mib}\t{sys.argv[2]}\t{med:.6f}\t{mib / med:.1f}\t{rss}\n")' \
            "$work/gz.json" "$name" "$compressed_mib" "$rss" "$tsv"
    done
fi
