/* Running under a service manager (systemd): the listening socket it opened for the service
 * (socket activation, greet.socket) and the states it waits to hear (Type=notify). Where there is
 * no service manager (and always on Windows) nothing is passed, nothing is sent and nothing
 * fails, so a program can call these unconditionally:
 *
 *     greet_server_config cfg;
 *     uintptr_t s;
 *     int n;
 *     greet_server_config_init(&cfg);
 *     if (greet_service_listeners(&s, &n) == GREET_OK && n == 1) {
 *         cfg.listener = s;               // serve systemd's socket instead of binding one
 *     }
 *     ... greet_server_start(&cfg, &srv) ...
 *     greet_service_notify("READY=1");
 *     ... until asked to stop ...
 *     greet_service_notify("STOPPING=1");
 *     greet_server_stop(srv);
 */
#ifndef GREET_SERVICE_H
#define GREET_SERVICE_H

#include <stdint.h>

#include "greet/error.h"
#include "greet/export.h"

GREET_BEGIN_DECLS

/* The listening sockets the service manager passed to this process (LISTEN_PID, LISTEN_FDS;
 * LISTEN_FDNAMES is ignored). *count gets how many, 0 when none; *first the first of them, for
 * greet_server_config.listener (a descriptor on POSIX), or GREET_NO_LISTENER. The variables are
 * removed and the sockets made close-on-exec, so child processes do not inherit them. Fails
 * (GREET_EINVAL, with the OS detail) when the first is not a listening stream socket. */
GREET_API int greet_service_listeners(uintptr_t *first, int *count);

/* Sends state, e.g. "READY=1" or "STOPPING=1", to the service manager's NOTIFY_SOCKET. GREET_OK
 * also when no service manager listens; GREET_EUNSUPPORTED for a NOTIFY_SOCKET that is neither
 * a path nor an abstract "@name"; OS errors with their detail. */
GREET_API int greet_service_notify(const char *state);

/* 1 when stderr goes to the service manager's journal (JOURNAL_STREAM), which stamps every line
 * with its own time: a program's log lines need no time stamp then. 0 otherwise. */
GREET_API int greet_service_stderr_is_journal(void);

GREET_END_DECLS

#endif
