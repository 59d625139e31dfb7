# PowerShell completion for greet; load it from your profile: . path\to\greet.ps1
# Generated from the option tables in src/cli by `greet --dump-options powershell`:
# do not edit, run `cmake --build --preset dev --target update-docs` instead.

Register-ArgumentCompleter -Native -CommandName greet, greet.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # Each option: its word, the name of its argument ('' for none), its help.
    $global = @(
            ,@('-h', '', 'show this help')
            ,@('--help', '', 'show this help')
            ,@('-V', '', 'show the version')
            ,@('--version', '', 'show the version')
    )
    $commands = [ordered]@{
        'server' = @(
            ,@('-b', 'ADDR', 'address or host name to listen on')
            ,@('--bind', 'ADDR', 'address or host name to listen on')
            ,@('-p', 'N', 'port; 0 picks a free port and prints it on stdout')
            ,@('--port', 'N', 'port; 0 picks a free port and prints it on stdout')
            ,@('--backlog', 'N', 'queue of connections not yet accepted; the tutorial''s 5 turns clients away as soon as a few connect at once, even 128 when hundreds do; the OS caps any value at its maximum')
            ,@('--max-clients', 'N', 'clients served at once, 0 for no limit; others get "busy: too many clients, try again later" and are closed')
            ,@('--idle-timeout', 'S', 'close clients that complete no message for S seconds (bytes of an unfinished line do not count); 0: never')
            ,@('--delay', 'MS', 'wait MS milliseconds before each reply; 1000 is the tutorial''s time.sleep(1)')
            ,@('--greeting', 'TEXT', 'sent to each client on connect, then a newline')
            ,@('--model', 'NAME', 'how clients are served: events (a few event loops, each serving many clients), threads (one thread per client, the tutorial''s model) or processes (one process per client)')
            ,@('--workers', 'N', 'event loops of --model events, 1 or more')
            ,@('--max-line', 'N', 'longest line in line mode, in bytes, at least 1024')
            ,@('-q', '', 'log only warnings and errors')
            ,@('--quiet', '', 'log only warnings and errors')
            ,@('--log-format', 'FORMAT', 'log lines as ''plain'' text or with a ''timestamp'' in front; the journal stamps lines itself')
            ,@('-v', '', 'log details too (the mode each client chose)')
            ,@('--verbose', '', 'log details too (the mode each client chose)')
            ,@('-h', '', 'show this help')
            ,@('--help', '', 'show this help')
        )
        'client' = @(
            ,@('-p', 'N', 'server port')
            ,@('--port', 'N', 'server port')
            ,@('-l', '', 'line mode: each name is sent as a line and the reply read up to its newline')
            ,@('--lines', '', 'line mode: each name is sent as a line and the reply read up to its newline')
            ,@('-t', 'S', 'limit for connecting and reading the greeting, then for each reply as a whole, in seconds')
            ,@('--timeout', 'S', 'limit for connecting and reading the greeting, then for each reply as a whole, in seconds')
            ,@('-4', '', 'IPv4 only')
            ,@('-6', '', 'IPv6 only')
            ,@('-h', '', 'show this help')
            ,@('--help', '', 'show this help')
        )
        'fetch' = @(
            ,@('-o', 'FILE', 'write the body to FILE (UTF-8 name; it appears only once the download is complete, an existing FILE stays untouched on failure and keeps its permissions; ''-'' is stdout; a device or FIFO is written in place; a read-only FILE is refused, exit 8); with several URLs, the n-th -o or -O is for the n-th URL and URLs without one go to stdout')
            ,@('--output', 'FILE', 'write the body to FILE (UTF-8 name; it appears only once the download is complete, an existing FILE stays untouched on failure and keeps its permissions; ''-'' is stdout; a device or FIFO is written in place; a read-only FILE is refused, exit 8); with several URLs, the n-th -o or -O is for the n-th URL and URLs without one go to stdout')
            ,@('-O', '', 'write to a file named like the URL''s last path segment, in the current folder (index.html when the path ends in ''/''); for one URL, like -o')
            ,@('--remote-name', '', 'write to a file named like the URL''s last path segment, in the current folder (index.html when the path ends in ''/''); for one URL, like -o')
            ,@('--remote-name-all', '', '-O for every URL that has no -o or -O of its own')
            ,@('-C', 'OFFSET', 'resume into FILE.part, kept beside FILE when a download fails: ''-'' from its size (or FILE''s), or OFFSET, which must be that size (0: start over); Range + If-Range, the file appears only when complete')
            ,@('--continue-at', 'OFFSET', 'resume into FILE.part, kept beside FILE when a download fails: ''-'' from its size (or FILE''s), or OFFSET, which must be that size (0: start over); Range + If-Range, the file appears only when complete')
            ,@('-J', '', 'with -O, name the file as the server''s Content-Disposition says (filename*, else filename), without any folder part; never replaces an existing file (exit 8, the file untouched), and a name that is empty, ''.'', ''..'', holds control characters or <>:"|?*, or is a Windows device name is refused (exit 8); without a name there, the URL''s name as with -O')
            ,@('--remote-header-name', '', 'with -O, name the file as the server''s Content-Disposition says (filename*, else filename), without any folder part; never replaces an existing file (exit 8, the file untouched), and a name that is empty, ''.'', ''..'', holds control characters or <>:"|?*, or is a Windows device name is refused (exit 8); without a name there, the URL''s name as with -O')
            ,@('-R', '', 'give FILE the server''s Last-Modified time (none there, or not a date: FILE keeps the time it was written)')
            ,@('--remote-time', '', 'give FILE the server''s Last-Modified time (none there, or not a date: FILE keeps the time it was written)')
            ,@('--create-dirs', '', 'create FILE''s missing folders')
            ,@('-i', '', 'put the response head before the body in the output')
            ,@('--include', '', 'put the response head before the body in the output')
            ,@('-I', '', 'send HEAD and output the response head only')
            ,@('--head', '', 'send HEAD and output the response head only')
            ,@('-D', 'FILE', 'write the response heads to FILE (''-'': stdout); every URL''s, one after the other')
            ,@('--dump-header', 'FILE', 'write the response heads to FILE (''-'': stdout); every URL''s, one after the other')
            ,@('-s', '', 'no response head on stdout with -o, no progress bar')
            ,@('--silent', '', 'no response head on stdout with -o, no progress bar')
            ,@('-v', '', 'show the connection steps, the request and the response head on stderr')
            ,@('--verbose', '', 'show the connection steps, the request and the response head on stderr')
            ,@('--no-progress', '', 'no progress bar (it only shows when stderr is a terminal)')
            ,@('-H', 'FIELD', 'add a header field ''Name: value'' (repeatable); ''Name:'' removes a built-in one')
            ,@('--header', 'FIELD', 'add a header field ''Name: value'' (repeatable); ''Name:'' removes a built-in one')
            ,@('-z', 'DATE|FILE', 'only if modified after FILE''s time or DATE (''20 Nov 2026'', an HTTP-date, ...): sends If-Modified-Since; ''-DATE'': only if not modified since (If-Unmodified-Since). A 304, or a 200 whose Last-Modified fails the condition (curl''s "not new enough"), leaves FILE as it was and exits 0')
            ,@('--time-cond', 'DATE|FILE', 'only if modified after FILE''s time or DATE (''20 Nov 2026'', an HTTP-date, ...): sends If-Modified-Since; ''-DATE'': only if not modified since (If-Unmodified-Since). A 304, or a 200 whose Last-Modified fails the condition (curl''s "not new enough"), leaves FILE as it was and exits 0')
            ,@('-L', '', 'follow redirects (301, 302, 303, 307, 308)')
            ,@('--location', '', 'follow redirects (301, 302, 303, 307, 308)')
            ,@('--location-trusted', '', 'like -L, and send -H Authorization, Cookie and Host to other hosts too (by default they are dropped when a redirect changes the scheme, host or port)')
            ,@('--max-redirs', 'N', 'at most N redirects with -L, at most 100')
            ,@('-f', '', 'HTTP status >= 400 is an error (exit 7), no output is written')
            ,@('--fail', '', 'HTTP status >= 400 is an error (exit 7), no output is written')
            ,@('-4', '', 'connect over IPv4 only')
            ,@('--ipv4', '', 'connect over IPv4 only')
            ,@('-6', '', 'connect over IPv6 only')
            ,@('--ipv6', '', 'connect over IPv6 only')
            ,@('--connect-timeout', 'S', 'give up connecting to one address after S seconds')
            ,@('-m', 'S', 'give up the whole transfer after S seconds')
            ,@('--max-time', 'S', 'give up the whole transfer after S seconds')
            ,@('--speed-limit', 'BYTES', 'give up (exit 5) when fewer than BYTES per second arrive over --speed-time; 0: never')
            ,@('--speed-time', 'S', 'the window of --speed-limit: a default download gives up after two minutes without a byte')
            ,@('--limit-rate', 'RATE', 'receive at most RATE bytes per second on average, pausing the reading when ahead (K, M, G: times 1024, 1024^2, 1024^3, as 200K or 1.5M; 0: no limit); with -Z each transfer has its own limit; the pauses do not count as a stall for --speed-limit')
            ,@('--retry', 'N', 'try again up to N times after a transient failure (timeout, refused or reset connection, cut-short body, HTTP 408, 429, 500, 502, 503, 504)')
            ,@('--retry-delay', 'S', 'wait S seconds between attempts (default: 1 s, doubled each time up to 10 minutes; a Retry-After from the server wins)')
            ,@('--retry-max-time', 'S', 'start no new attempt after S seconds')
            ,@('--retry-all-errors', '', 'with --retry, try again after any failure')
            ,@('-Z', '', 'fetch several URLs at once (--parallel-max at a time), not one after the other; each transfer''s messages and -w lines stay whole, bodies sent to stdout mix')
            ,@('--parallel', '', 'fetch several URLs at once (--parallel-max at a time), not one after the other; each transfer''s messages and -w lines stay whole, bodies sent to stdout mix')
            ,@('--parallel-max', 'N', 'with -Z, at most N transfers at once (1 to 300)')
            ,@('--compressed', '', 'ask for a compressed body (Accept-Encoding: deflate, gzip) and write it decoded; without it a compressed body is written as it came')
            ,@('-A', 'NAME', 'send ''User-Agent: NAME'' ('''' sends none)')
            ,@('--user-agent', 'NAME', 'send ''User-Agent: NAME'' ('''' sends none)')
            ,@('-w', 'FORMAT', 'after the transfer, print FORMAT on stdout with %{http_code}, %{size_download}, %{time_total}, %{url_effective}, %{num_redirects}, %{exitcode}, %{errormsg}, %{filename_effective} filled in (\n is a newline)')
            ,@('--write-out', 'FORMAT', 'after the transfer, print FORMAT on stdout with %{http_code}, %{size_download}, %{time_total}, %{url_effective}, %{num_redirects}, %{exitcode}, %{errormsg}, %{filename_effective} filled in (\n is a newline)')
            ,@('-u', 'USER[:PASSWORD]', 'send them with HTTP Basic authentication; without '':PASSWORD'' it is asked for on the terminal. Also taken from the URL (http://user:pass@host/); sent only to the URL''s origin, not after a redirect to another (--location-trusted would), and never shown')
            ,@('--user', 'USER[:PASSWORD]', 'send them with HTTP Basic authentication; without '':PASSWORD'' it is asked for on the terminal. Also taken from the URL (http://user:pass@host/); sent only to the URL''s origin, not after a redirect to another (--location-trusted would), and never shown')
            ,@('--netrc', '', 'take the login and password for the host from ~/.netrc (%USERPROFILE%\_netrc on Windows), which must exist')
            ,@('--netrc-optional', '', 'like --netrc, but a missing file is fine')
            ,@('--netrc-file', 'FILE', 'like --netrc with FILE instead of ~/.netrc')
            ,@('-x', '[SCHEME://][USER:PASSWORD@]HOST[:PORT]', 'go through this proxy (port 1080 by default). SCHEME http (the default): http URLs in absolute form, https ones through a CONNECT tunnel; socks5h: a SOCKS5 tunnel to the host name, which the proxy resolves; socks5: to the address greet resolves; socks4a: SOCKS4a. Without it: http_proxy (lower case only), HTTPS_PROXY or https_proxy, ALL_PROXY or all_proxy; '''' goes direct')
            ,@('--proxy', '[SCHEME://][USER:PASSWORD@]HOST[:PORT]', 'go through this proxy (port 1080 by default). SCHEME http (the default): http URLs in absolute form, https ones through a CONNECT tunnel; socks5h: a SOCKS5 tunnel to the host name, which the proxy resolves; socks5: to the address greet resolves; socks4a: SOCKS4a. Without it: http_proxy (lower case only), HTTPS_PROXY or https_proxy, ALL_PROXY or all_proxy; '''' goes direct')
            ,@('--noproxy', 'LIST', 'hosts reached without the proxy: comma-separated names (with their subdomains), IP addresses, or ''*'' for all (instead of NO_PROXY or no_proxy)')
            ,@('--proxy-user', 'USER:PASSWORD', 'credentials for the proxy (HTTP Basic; SOCKS5 user name and password; SOCKS4a user id)')
            ,@('--cacert', 'FILE', 'trust the CAs in the PEM file FILE instead of the system''s')
            ,@('-k', '', 'do not check the certificate (warns: anyone on the path could read and change the transfer)')
            ,@('--insecure', '', 'do not check the certificate (warns: anyone on the path could read and change the transfer)')
            ,@('-h', '', 'show this help')
            ,@('--help', '', 'show this help')
        )
    }
    $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
    $count = $words.Count
    if ($wordToComplete -ne '') { $count-- }
    $results = @()
    if ($count -le 1) {
        $results += @($commands.Keys) + 'help' | ForEach-Object { ,@($_, '', 'command') }
        $options = $global
    } elseif ($words[1] -eq 'help') {
        if ($count -eq 2) {
            $results += @($commands.Keys) | ForEach-Object { ,@($_, '', 'command') }
        }
        $options = @()
    } elseif ($commands.Contains($words[1])) {
        $options = $commands[$words[1]]
        # After an option that takes a value, offer nothing: PowerShell then
        # completes file names.
        $prev = $words[$count - 1]
        if ($options | Where-Object { $_[0] -eq $prev -and $_[1] -ne '' }) { return }
    } else {
        return
    }
    if ($wordToComplete -like '-*') { $results = @() + $options }
    $results | Where-Object { $_[0] -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_[0], $_[0],
            'ParameterName', $(if ($_[2]) { $_[2] } else { $_[0] }))
    }
}
