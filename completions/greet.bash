# bash completion for greet(1); installed as share/bash-completion/completions/greet.
# The option lists are checked against `greet help COMMAND` by ctest (Docs.*).

_greet() {
    local cur prev commands opts
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    commands="server client fetch help"
    local global_opts="--help --version -h -V"
    local server_opts="--bind --port --backlog --max-clients --idle-timeout --delay --greeting --max-line --quiet --verbose --help -b -p -q -v -h"
    local client_opts="--port --lines --timeout --help -p -l -t -4 -6 -h"
    local fetch_opts="--output --remote-name --create-dirs --head --include --dump-header --header --location --max-redirs --fail --connect-timeout --max-time --ipv4 --ipv6 --cacert --insecure --no-progress --silent --verbose --help -o -O -I -i -D -H -L -f -m -4 -6 -k -s -v -h"

    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "$commands $global_opts" -- "$cur")
        return
    fi

    case ${COMP_WORDS[1]} in
    help)
        ((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        return
        ;;
    server) opts=$server_opts ;;
    client) opts=$client_opts ;;
    fetch) opts=$fetch_opts ;;
    *) return ;;
    esac

    case $prev in
    -o | --output | -D | --dump-header | --cacert)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    -b | --bind | -p | --port | --backlog | --max-clients | --idle-timeout | --delay | \
        --greeting | --max-line | -t | --timeout | -H | --header | --max-redirs | \
        --connect-timeout | -m | --max-time)
        return
        ;;
    esac

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    elif [[ ${COMP_WORDS[1]} == client ]]; then
        mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
    fi
}
complete -F _greet greet
