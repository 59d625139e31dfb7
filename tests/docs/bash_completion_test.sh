#!/bin/bash
# Drives the generated bash completion as bash would (COMP_WORDS, COMP_CWORD, then _greet) and
# checks what it offers for a few command lines.
#   bash_completion_test.sh completions/greet.bash
set -u
# shellcheck source=/dev/null
source "$1"
failures=0

# expect "words typed so far" "what should be offered" (sorted, space-separated)
expect() {
    read -r -a COMP_WORDS <<<"$1"
    if [[ $1 == *" " ]]; then
        COMP_WORDS+=("")
    fi
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _greet
    local got
    got=$(printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " ")
    got=${got% }
    if [[ $got != "$2" ]]; then
        echo "FAIL: '$1' offered [$got], expected [$2]"
        failures=$((failures + 1))
    else
        echo "ok: '$1' -> [$got]"
    fi
}

expect "greet f" "fetch"
expect "greet --v" "--version"
expect "greet help s" "server"
expect "greet server --max-" "--max-clients --max-line"
expect "greet client -" "--help --lines --port --timeout -4 -6 -h -l -p -t"
expect "greet fetch --con" "--connect-timeout --continue-at"
expect "greet server --port " ""
dir=$(mktemp -d)
touch "$dir/out.html"
expect "greet fetch -o $dir/o" "$dir/out.html"
rm -r "$dir"
exit $((failures > 0))
