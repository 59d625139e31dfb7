# bash completion for greet(1); installed as share/bash-completion/completions/greet.
# Generated from the option tables in src/cli by `greet --dump-options bash`: do not
# edit, run `cmake --build --preset dev --target update-docs` instead.

_greet() {
    local cur prev opts value_opts file_opts operand
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="server client fetch help"
    local global_opts="-h --help -V --version"

    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "$commands $global_opts" -- "$cur")
        return
    fi

    case ${COMP_WORDS[1]} in
    help)
        ((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        return
        ;;
    server)
        opts="-b --bind -p --port --backlog --max-clients --idle-timeout --delay --greeting --model --workers --max-line -q --quiet --log-format -v --verbose -h --help"
        value_opts=" -b --bind -p --port --backlog --max-clients --idle-timeout --delay --greeting --model --workers --max-line --log-format "
        file_opts="  "
        operand=""
        ;;
    client)
        opts="-p --port -l --lines -t --timeout -4 -6 -h --help"
        value_opts=" -p --port -t --timeout "
        file_opts="  "
        operand=hostname
        ;;
    fetch)
        opts="-o --output -O --remote-name --remote-name-all -C --continue-at -J --remote-header-name -R --remote-time --create-dirs -i --include -I --head -D --dump-header -s --silent -v --verbose --no-progress -H --header -z --time-cond -L --location --location-trusted --max-redirs -f --fail -4 --ipv4 -6 --ipv6 --connect-timeout -m --max-time --speed-limit --speed-time --limit-rate --retry --retry-delay --retry-max-time --retry-all-errors -Z --parallel --parallel-max --compressed -A --user-agent -w --write-out -u --user --netrc --netrc-optional --netrc-file -x --proxy --noproxy --proxy-user --cacert -k --insecure -h --help"
        value_opts=" -o --output -C --continue-at -D --dump-header -H --header -z --time-cond --max-redirs --connect-timeout -m --max-time --speed-limit --speed-time --limit-rate --retry --retry-delay --retry-max-time --parallel-max -A --user-agent -w --write-out -u --user --netrc-file -x --proxy --noproxy --proxy-user --cacert "
        file_opts=" -o --output -D --dump-header -z --time-cond --netrc-file --cacert "
        operand=""
        ;;
    *) return ;;
    esac

    if [[ $file_opts == *" $prev "* ]]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    elif [[ $value_opts == *" $prev "* ]]; then
        return
    elif [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    elif [[ -n $operand ]]; then
        mapfile -t COMPREPLY < <(compgen -A "$operand" -- "$cur")
    fi
}
complete -F _greet greet
