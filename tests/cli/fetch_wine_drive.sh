#!/usr/bin/env bash
# Under Wine (mingw preset): the tutorial's own command with its literal Windows path,
#   greet.exe fetch http://127.0.0.1:PORT/ -o D:\photo\sina.html --create-dirs
# with the prefix's D: drive mapped to a temporary folder for the duration of the test, then a
# failing fetch (--fail on a 404) that must leave that file as it was.
# Usage: fetch_wine_drive.sh WINEPREFIX GREET_EXE EMULATOR... (the emulator command that runs a
# Windows program, e.g. wine). Exit 77 (skipped) when D: is already mapped in the prefix.
set -u
prefix=$1
exe=$2
shift 2
emulator=("$@")
drive="$prefix/dosdevices/d:"

# One test at a time may own D: (in case two runs share the prefix).
exec 9>"${TMPDIR:-/tmp}/greet-wine-drive-d.lock"
flock 9
if [[ -e $drive || -L $drive ]]; then
    echo "skipped: D: is already mapped in $prefix ($(readlink "$drive"))"
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/greet-wine-drive.XXXXXX")
server=
cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null
    [[ $(readlink "$drive") == "$work/d" ]] && rm -f "$drive"
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/srv" "$work/d"
[[ -d $prefix/dosdevices ]] || { echo "FAIL: no Wine prefix at $prefix"; exit 1; }
printf '<html>\r\n\xe6\x96\xb0\xe6\xb5\xaa sina\n\x00\xff</html>' >"$work/srv/index.html"
ln -s "$work/d" "$drive"

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/srv" >"$work/server.log" 2>&1 &
server=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$work/server.log" | head -1)
    [[ -n $port ]] && break
    sleep 0.1
done
[[ -n $port ]] || { echo "FAIL: the test server did not start"; exit 1; }

fail=0
"${emulator[@]}" "$exe" fetch -s "http://127.0.0.1:$port/index.html" -o 'D:\photo\sina.html' --create-dirs
rc=$?
if [[ $rc -ne 0 ]] || ! cmp "$work/srv/index.html" "$work/d/photo/sina.html"; then
    echo "FAIL: download to D:\\photo\\sina.html (exit $rc)"
    fail=1
fi
"${emulator[@]}" "$exe" fetch -s -f "http://127.0.0.1:$port/missing" -o 'D:\photo\sina.html'
rc=$?
if [[ $rc -ne 7 ]] || ! cmp "$work/srv/index.html" "$work/d/photo/sina.html"; then
    echo "FAIL: a failed fetch (exit $rc, expected 7) changed D:\\photo\\sina.html"
    fail=1
fi
if [[ $(ls "$work/d/photo") != sina.html ]]; then
    echo "FAIL: files left in D:\\photo: $(ls "$work/d/photo")"
    fail=1
fi
[[ $fail -eq 0 ]] && echo "ok: D:\\photo\\sina.html written byte for byte, kept on failure"
exit $fail
