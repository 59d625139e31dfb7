#!/usr/bin/env zsh -f
# Runs the generated zsh completion with zsh's completion functions replaced by stubs that print
# what they are given, and checks that each command line reaches the right specs.
#   zsh -f zsh_completion_test.zsh completions/_greet
failures=0
_arguments() { print -r -- "arguments: $*" }
_describe() { print -r -- "describe: $*" }

# expect "words typed" CURRENT "text the output must contain"
expect() {
    local -a words
    words=(${=1})
    local CURRENT=$2 state=""
    local out
    out=$(source $file 2>&1)
    if [[ $out == *"$3"* ]]; then
        print -r -- "ok: '$1' ($2)"
    else
        print -r -- "FAIL: '$1' ($2): no '$3' in: $out"
        failures=$((failures + 1))
    fi
}

file=$1
expect "greet " 2 "--version[show the version]"
expect "greet fetch --con" 3 "--connect-timeout[give up connecting to one address after S seconds]:S: "
expect "greet fetch -o" 3 "(-o --output)--output[write the body to FILE"
expect "greet fetch -o" 3 ":FILE:_files"
expect "greet client loc" 3 "1:host:_hosts"
expect "greet server --max" 3 "--max-clients["
expect "greet help s" 3 "describe: -t commands greet command commands"
exit $((failures > 0))
