# What the Wine scripts with native peers share (wine_native_peers.sh, wine_fetch_stop.sh,
# ../tls/schannel_wine.sh): sourced after `set -u`, with the prefix as $1 and a name for the
# scratch folder as $2. Sets WINEPREFIX and friends, $wine, $work (removed at exit, with every
# process in $pids), keeps one wineserver for the whole script (as cmake/wine-run.sh does:
# otherwise each greet.exe starts one, with Wine's services, and that takes seconds), and gives
# ok/bad (exit status in $fail), nth_line and wait_exit.
export WINEPREFIX=$1 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine=${GREET_WINE:-wine}
work=$(mktemp -d "${TMPDIR:-/tmp}/greet-$2.XXXXXX")
pids=()
cleanup() {
    exec 2>/dev/null # no "Killed" lines for the peers stopped here
    for p in "${pids[@]}"; do kill -9 "$p"; done
    rm -rf "$work"
}
trap cleanup EXIT
"${GREET_WINESERVER:-wineserver}" -p30 </dev/null >/dev/null 2>&1
fail=0
ok() { echo "ok: $1"; }
bad() {
    echo "FAIL: $1"
    fail=1
}

# nth_line FILE N: line N of FILE once it is there (30 s at most: Wine starts slowly when loaded).
nth_line() {
    local l
    for _ in $(seq 600); do
        l=$(sed -n "${2}p" "$1" 2>/dev/null | tr -d '\r')
        [[ -n $l ]] && { echo "$l"; return 0; }
        sleep 0.05
    done
    return 1
}

# waits at most $2 s for pid $1 to end; its exit status (or 255 when it did not end).
wait_exit() {
    for _ in $(seq $(($2 * 20))); do
        kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
        sleep 0.05
    done
    return 255
}
