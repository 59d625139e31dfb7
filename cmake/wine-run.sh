#!/bin/sh
# The mingw build's CMAKE_CROSSCOMPILING_EMULATOR: runs one Windows program under Wine for ctest.
#
# Two Wine habits make a test run slow and flaky, and this works around both:
# - A wineserver exits 3 s after its last program, and starting it again (with Wine's services)
#   costs seconds. So first make sure one is running that stays 30 s after the last program
#   ("already running" is fine); it exits on its own after the run.
# - The first program of a wineserver starts Wine's services, which inherit its stdout and stderr
#   and keep them open as long as the server lives: ctest, reading the test's output through a
#   pipe, would wait for that until the test times out. So the program writes to files here and
#   they are copied out after it ends.
mkdir -p "$WINEPREFIX" || exit 1
"${GREET_WINESERVER:-wineserver}" -p30 </dev/null >/dev/null 2>&1
out=$(mktemp "$WINEPREFIX/run-out.XXXXXX") && err=$(mktemp "$WINEPREFIX/run-err.XXXXXX") || exit 1
trap 'rm -f "$out" "$err"' EXIT
"${GREET_WINE:-wine}" "$@" >"$out" 2>"$err"
rc=$?
cat "$out"
cat "$err" >&2
exit $rc
