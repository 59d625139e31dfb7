/* The server's shared core: configuration, listener, admission, log lines, drain and counters,
 * whatever the engine (see server_core.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "logq.h"
#include "proto.h"
#include "server_core.h"

#define ACCEPT_SLICE_MS      100  /* how often a blocking accept loop looks at the stop flag */
#define ACCEPT_BACKOFF_MS    100  /* pause after accept fails for lack of descriptors or memory */
#define ACCEPT_WARN_EVERY_MS 1000 /* at most one warning a second about failing accepts */
#define FD_MARGIN                                                                                  \
    64 /* descriptors kept for other uses than clients: stdio, listener,                           \
          the spare, logs */
#define MAPPED_V4_PREFIX "::ffff:"

int gi_server_logs(const greet_server *srv, int level)
{
    return srv->logq != NULL && level <= srv->cfg.log_level;
}

void gi_server_log(greet_server *srv, int level, const char *fmt, ...)
{
    char line[GI_SERVER_LOG_LINE_MAX];
    va_list ap;

    if (!gi_server_logs(srv, level)) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    gi_logq_put(srv->logq, level, line);
}

void greet_server_config_init(greet_server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->size = sizeof *cfg;
    cfg->port = GREET_DEFAULT_PORT;
    cfg->backlog = GREET_DEFAULT_BACKLOG;
    cfg->max_clients = GREET_DEFAULT_MAX_CLIENTS;
    cfg->greeting = GREET_DEFAULT_GREETING;
    cfg->max_line = GREET_DEFAULT_MAX_LINE;
    cfg->drain_ms = GREET_DEFAULT_DRAIN_MS;
    cfg->idle_timeout_ms = GREET_DEFAULT_IDLE_TIMEOUT_MS;
    cfg->stack_size = GREET_DEFAULT_STACK_SIZE;
    cfg->log_level = GREET_LOG_INFO;
    cfg->model = GREET_SERVER_DEFAULT;
    cfg->listener = GREET_NO_LISTENER;
}

/* As the tutorial prints it: "127.0.0.1:5000" also for an IPv4 client of a dual-stack listener
 * ("[::ffff:127.0.0.1]:5000" to the OS). */
void gi_server_format_peer(const gp_addr *addr, char *buf, size_t size)
{
    char host[GP_ADDRSTR_MAX];
    size_t plen = sizeof MAPPED_V4_PREFIX - 1;

    if (gp_addr_host(addr, host, sizeof host) == GREET_OK &&
        strncmp(host, MAPPED_V4_PREFIX, plen) == 0 && strchr(host + plen, '.')) {
        snprintf(buf, size, "%s:%u", host + plen, (unsigned)gp_addr_port(addr));
    } else if (gp_addr_format(addr, buf, size) != GREET_OK) {
        snprintf(buf, size, "?");
    }
}

/* ---- Connections -------------------------------------------------------------------------- */

int gi_server_admit(greet_server *srv)
{
    int ok;

    gp_mutex_lock(srv->lock);
    /* Without its spare at the descriptor limit the server could not even say busy: this
     * client's descriptor is given up to take the spare back (gi_server_reject_busy). */
    ok = !srv->reserve_lost && (srv->cfg.max_clients == 0 || srv->active < srv->cfg.max_clients);
    if (ok) {
        srv->active++;
        srv->accepted++;
    } else {
        srv->rejected++;
    }
    gp_mutex_unlock(srv->lock);
    return ok;
}

void gi_server_reject_busy(greet_server *srv, gp_socket s, const char *peer)
{
    int lost;

    gp_mutex_lock(srv->lock);
    lost = srv->reserve_lost;
    gp_mutex_unlock(srv->lock);
    if (lost) {
        gi_server_log(srv, GREET_LOG_WARN, "connection with %s refused: out of descriptors", peer);
    } else {
        gi_server_log(srv, GREET_LOG_WARN, "connection with %s refused: %ld clients already", peer,
                      srv->cfg.max_clients);
    }
    gp_sock_send_all(s, GREET_BUSY_MESSAGE, sizeof GREET_BUSY_MESSAGE - 1);
    gp_sock_shutdown(s, GP_SHUT_WR);
    gp_sock_close(s);
    if (lost) {
        gp_mutex_lock(srv->lock);
        if (srv->reserve_lost) {
            srv->reserve = gp_reserve_take();
            srv->reserve_lost = srv->reserve == GP_RESERVE_NONE;
        }
        gp_mutex_unlock(srv->lock);
    }
}

void gi_server_conn_begin(greet_server *srv, const char *peer)
{
    gi_server_log(srv, GREET_LOG_INFO, "connection with %s", peer);
}

/* The "connection from HOST:PORT closed" line, with the reason when it was not the client's. */
static void closed_text(greet_server *srv, const char *peer, const gp_failure *failure,
                        size_t max_line, const char *why_text, char *buf, size_t size)
{
    int stopping = gi_server_stopping(srv), why = failure->code;
    char text[GP_DETAIL_MAX + 64];

    if (why == GI_PROTO_EXIT || (why == GREET_OK && !stopping)) {
        snprintf(buf, size, "connection from %s closed", peer);
    } else if (why == GI_PROTO_OVERLONG) {
        snprintf(buf, size, "connection from %s closed (line longer than %lu bytes)", peer,
                 (unsigned long)max_line);
    } else if (why == GREET_ETIMEDOUT) {
        snprintf(buf, size, "connection from %s closed (idle for %d ms)", peer,
                 srv->cfg.idle_timeout_ms);
    } else if (stopping) {
        snprintf(buf, size, "connection from %s closed (server stopping)", peer);
    } else {
        snprintf(buf, size, "connection from %s closed (%s)", peer,
                 why_text ? why_text : gp_failure_text(failure, text, sizeof text));
    }
}

/* gi_server_conn_end, with why_text, when not NULL, instead of why's own text. */
static void conn_end(greet_server *srv, const char *peer, const gp_failure *why, size_t max_line,
                     const char *why_text)
{
    char line[GI_SERVER_LOG_LINE_MAX];
    int logged = gi_server_logs(srv, GREET_LOG_INFO);

    if (logged) { /* not built for nobody: formatting costs more than the rest of a close */
        closed_text(srv, peer, why, max_line, why_text, line, sizeof line);
    }
    gp_mutex_lock(srv->lock);
    srv->active--;
    if (gp_atomic_load(&srv->stopping)) {
        gp_cond_broadcast(srv->changed);
    }
    gp_mutex_unlock(srv->lock);
    /* Logged once the connection no longer counts, so that a reader of the log may connect
     * again at once. */
    if (logged) {
        gi_server_log(srv, GREET_LOG_INFO, "%s", line);
    }
}

void gi_server_conn_end(greet_server *srv, const char *peer, const gp_failure *why, size_t max_line)
{
    conn_end(srv, peer, why, max_line, NULL);
}

void gi_server_conn_died(greet_server *srv, const char *peer, const char *how)
{
    gp_failure why;

    gp_failure_take(&why, GREET_ESYS);
    conn_end(srv, peer, &why, 0, how);
}

/* Out of descriptors: gives up the spare one for a moment to accept the waiting client, tell it
 * "busy" and close it, then takes the spare again. Non-zero when a client was turned away. With
 * the lock held. */
static int shed_one(greet_server *srv, gp_socket listener)
{
    gp_socket s;
    int rc;

    if (srv->reserve == GP_RESERVE_NONE) {
        srv->reserve = gp_reserve_take();
        return 0; /* without a spare there is nothing to accept with: back off */
    }
    gp_reserve_release(srv->reserve);
    rc = gp_sock_accept(listener, 0, &s, NULL);
    if (rc == GREET_OK) {
        gp_sock_send_all(s, GREET_BUSY_MESSAGE, sizeof GREET_BUSY_MESSAGE - 1);
        gp_sock_shutdown(s, GP_SHUT_WR);
        gp_sock_close(s);
        srv->rejected++;
        srv->shed++;
    }
    /* With several event loops, another loop's accept can take the descriptor just freed: the
     * spare is then lost while every descriptor is in use, and the next accepted client gives
     * its own up to get it back (gi_server_admit). */
    srv->reserve = gp_reserve_take();
    srv->reserve_lost = srv->reserve == GP_RESERVE_NONE;
    return rc == GREET_OK;
}

int gi_server_accept_failed(greet_server *srv, gp_socket listener, int rc)
{
    char text[GP_DETAIL_MAX + 64];
    gp_failure why;
    uint64_t now;
    unsigned long shed;
    int turned_away = 0, warn;

    /* A client that gave up before accept, or a wake-up with nothing to accept, is normal. */
    if (rc == GREET_EAGAIN || rc == GREET_ECONNABORTED || rc == GREET_ECONNRESET ||
        rc == GREET_EINTR) {
        return 0;
    }
    gp_failure_take(&why, rc); /* called right after the accept that failed */
    now = gp_clock_ms();
    gp_mutex_lock(srv->lock);
    if (rc == GREET_EMFILE) {
        turned_away = shed_one(srv, listener);
    }
    warn = srv->warned_at == 0 || now - srv->warned_at >= ACCEPT_WARN_EVERY_MS;
    shed = srv->shed;
    if (warn) {
        srv->warned_at = now;
        srv->shed = 0;
    }
    gp_mutex_unlock(srv->lock);
    if (warn && rc == GREET_EMFILE) {
        gi_server_log(srv, GREET_LOG_WARN,
                      "accept: %s; clients get the busy reply until descriptors free up "
                      "(%lu so far)",
                      gp_failure_text(&why, text, sizeof text), shed);
    } else if (warn) {
        gi_server_log(srv, GREET_LOG_WARN, "accept: %s", gp_failure_text(&why, text, sizeof text));
    }
    /* Turning a client away made room in the queue: go on. Otherwise wait, never spin. */
    return turned_away ? 0 : ACCEPT_BACKOFF_MS;
}

void gi_server_accept_loop(greet_server *srv, gi_server_take_fn take, gi_server_after_fn after)
{
    while (!gi_server_stopping(srv)) {
        gp_socket s;
        gp_addr peer;
        int rc = gp_sock_wait(srv->listener, GP_WAIT_READ, gp_deadline_in(ACCEPT_SLICE_MS));
        if (rc == GREET_OK) {
            rc = gp_sock_accept(srv->listener, 0, &s, &peer);
        }
        if (rc == GREET_OK) {
            take(srv, s, &peer);
        } else if (rc != GREET_ETIMEDOUT) {
            int pause = gi_server_accept_failed(srv, srv->listener, rc);
            if (pause > 0) {
                gp_sleep_ms(pause);
            }
        }
        after(srv, rc);
    }
}

/* ---- Stop and drain ----------------------------------------------------------------------- */

int gi_server_stopping(greet_server *srv)
{
    return gp_atomic_load(&srv->stopping) != 0;
}

int gi_server_closing(greet_server *srv)
{
    int closing;

    gp_mutex_lock(srv->lock);
    closing = srv->closing;
    gp_mutex_unlock(srv->lock);
    return closing;
}

gp_deadline gi_server_drain_deadline(greet_server *srv)
{
    return srv->drain_end;
}

int gi_server_sleep_until(greet_server *srv, gp_deadline end)
{
    int rc;

    gp_mutex_lock(srv->lock);
    while (!srv->closing && !gp_deadline_passed(end)) {
        gp_cond_wait(srv->changed, srv->lock, end);
    }
    rc = srv->closing ? GREET_ECANCELED : GREET_OK;
    gp_mutex_unlock(srv->lock);
    return rc;
}

long gi_server_wait_idle(greet_server *srv, gp_deadline end)
{
    long left;

    gp_mutex_lock(srv->lock);
    while (srv->active > 0 && !gp_deadline_passed(end)) {
        gp_cond_wait(srv->changed, srv->lock, end);
    }
    left = srv->active;
    gp_mutex_unlock(srv->lock);
    return left;
}

long gi_server_begin_closing(greet_server *srv)
{
    long left;

    gp_mutex_lock(srv->lock);
    srv->closing = 1;
    left = srv->active;
    gp_cond_broadcast(srv->changed);
    gp_mutex_unlock(srv->lock);
    if (left > 0) {
        gi_server_log(srv, GREET_LOG_INFO, "closed %ld connections still busy after %d ms", left,
                      srv->cfg.drain_ms);
    }
    return left;
}

/* ---- Start and stop ----------------------------------------------------------------------- */

static int listen_any(greet_server *srv, const char *host)
{
    gp_addr addrs[GP_RESOLVE_MAX];
    size_t n = 0, i;
    int rc = gp_resolve(host, (uint16_t)srv->cfg.port, GP_AF_ANY, 1, addrs, GP_RESOLVE_MAX, &n);

    if (rc != GREET_OK) {
        return rc;
    }
    for (i = 0; i < n; i++) {
        rc = gp_sock_listen(&addrs[i], srv->cfg.backlog, &srv->listener);
        if (rc == GREET_OK) {
            return gp_sock_local_addr(srv->listener, &srv->local);
        }
    }
    return rc;
}

static int open_listener(greet_server *srv)
{
    int rc;

    if (srv->cfg.listener != GREET_NO_LISTENER) {
        /* Opened by someone else (a service manager): serve it as it is. */
        srv->listener = (gp_socket)srv->cfg.listener;
        rc = gp_sock_local_addr(srv->listener, &srv->local);
    } else if (srv->cfg.bind) {
        rc = listen_any(srv, srv->cfg.bind);
    } else {
        rc = listen_any(srv, "::");
        /* No IPv6 on this machine: IPv4 only. A port in use or forbidden is the answer as is. */
        if (rc != GREET_OK && rc != GREET_EADDRINUSE && rc != GREET_EACCES) {
            rc = listen_any(srv, "0.0.0.0");
        }
    }
    if (rc == GREET_OK) {
        rc = gp_sock_set_nonblocking(srv->listener, 1);
    }
    return rc;
}

/* Raises the descriptor limit as far as allowed and lowers max_clients if it still cannot fit:
 * a client over the limit would otherwise hang unanswered instead of getting "busy". */
static void fit_descriptors(greet_server *srv)
{
    long limit = -1, fit;
    int workers = srv->cfg.workers > 0 ? srv->cfg.workers : gp_cpu_count();

    if (gp_fd_limit_raise(&limit) != GREET_OK || limit < 0) {
        return;
    }
    fit = limit - FD_MARGIN - 2L * workers; /* event loops hold two descriptors each */
    if (fit < 1) {
        fit = 1;
    }
    if (srv->cfg.max_clients > fit) {
        gi_server_log(srv, GREET_LOG_WARN,
                      "max-clients %ld does not fit in the limit of %ld open descriptors: "
                      "serving at most %ld clients at once",
                      srv->cfg.max_clients, limit, fit);
        srv->cfg.max_clients = fit;
    }
    srv->reserve = gp_reserve_take();
}

static void server_free(greet_server *srv)
{
    gi_logq_stop(srv->logq, GI_LOGQ_STOP_WAIT_MS);
    gp_reserve_release(srv->reserve);
    gp_sock_close(srv->listener);
    if (srv->changed) {
        gp_cond_destroy(srv->changed);
    }
    if (srv->lock) {
        gp_mutex_destroy(srv->lock);
    }
    if (srv->net_started) {
        gp_net_fini();
    }
    free(srv->greeting);
    free(srv);
}

static const struct gi_server_engine *engine_for(int model)
{
    switch (model) {
    case GREET_SERVER_THREADS:
        return &gi_server_threads;
    case GREET_SERVER_DEFAULT:
    case GREET_SERVER_EVENTS:
        return &gi_server_events;
    case GREET_SERVER_PROCESSES:
        return &gi_server_processes;
    default:
        return NULL;
    }
}

static int server_init(greet_server *srv, const greet_server_config *cfg)
{
    const char *greeting = cfg->greeting ? cfg->greeting : "";
    int rc;

    srv->cfg = *cfg;
    srv->cfg.greeting = NULL;
    srv->listener = GP_SOCKET_INVALID;
    srv->reserve = GP_RESERVE_NONE;
    srv->engine = engine_for(cfg->model);
    srv->greeting_len = strlen(greeting) + 1;
    srv->greeting = malloc(srv->greeting_len);
    if (!srv->greeting) {
        return GREET_ENOMEM;
    }
    memcpy(srv->greeting, greeting, srv->greeting_len - 1);
    srv->greeting[srv->greeting_len - 1] = '\n';
    rc = gp_mutex_create(&srv->lock);
    if (rc == GREET_OK) {
        rc = gp_cond_create(&srv->changed);
    }
    if (rc == GREET_OK) {
        rc = gp_net_init();
        srv->net_started = rc == GREET_OK;
    }
    if (rc == GREET_OK && cfg->log) {
        rc = gi_logq_start(&srv->logq, GI_LOGQ_SLOTS, cfg->log, cfg->log_user);
    }
    return rc;
}

static int config_valid(const greet_server_config *cfg)
{
    return cfg->port <= 65535 && cfg->backlog >= 0 && cfg->max_clients >= 0 &&
           cfg->idle_timeout_ms >= 0 && cfg->delay_ms >= 0 && cfg->drain_ms >= 0 &&
           cfg->workers >= 0;
}

int greet_server_start(const greet_server_config *given, greet_server **out)
{
    greet_server_config own;
    const greet_server_config *cfg = &own;
    greet_server *srv;
    char where[GP_ADDRSTR_MAX];
    gp_failure why;
    int rc;

    *out = NULL;
    greet_server_config_init(&own);
    rc = given ? gi_abi_import(&own, sizeof own, given) : GREET_EINVAL;
    if (rc != GREET_OK) {
        return rc;
    }
    if (!config_valid(cfg)) {
        return GREET_EINVAL;
    }
    if (!engine_for(cfg->model)) {
        return cfg->model >= GREET_SERVER_THREADS && cfg->model <= GREET_SERVER_PROCESSES
                   ? GREET_EUNSUPPORTED
                   : GREET_EINVAL;
    }
    srv = calloc(1, sizeof *srv);
    if (!srv) {
        return GREET_ENOMEM;
    }
    rc = server_init(srv, cfg);
    if (rc == GREET_OK) {
        fit_descriptors(srv);
        rc = open_listener(srv);
    }
    if (rc == GREET_OK) {
        rc = srv->engine->start(srv);
    }
    if (rc != GREET_OK) {
        /* Taken before the clean-up, whose waits forget the record (stopping the log writer);
         * put back for the caller's greet_error_text. */
        gp_failure_take(&why, rc);
        if (cfg->listener != GREET_NO_LISTENER) {
            srv->listener = GP_SOCKET_INVALID; /* still the caller's */
        }
        server_free(srv);
        return gp_failure_record(&why);
    }
    greet_server_address(srv, where, sizeof where);
    gi_server_log(srv, GREET_LOG_INFO, "listening on %s", where);
    *out = srv;
    return GREET_OK;
}

unsigned greet_server_port(const greet_server *srv)
{
    return gp_addr_port(&srv->local);
}

int greet_server_address(const greet_server *srv, char *buf, size_t size)
{
    return gp_addr_format(&srv->local, buf, size);
}

void greet_server_stats_init(greet_server_stats *st)
{
    memset(st, 0, sizeof *st);
    st->size = sizeof *st;
}

int greet_server_stats_get(greet_server *srv, greet_server_stats *out)
{
    greet_server_stats own;

    greet_server_stats_init(&own);
    gp_mutex_lock(srv->lock);
    own.active = srv->active;
    own.accepted = srv->accepted;
    own.rejected = srv->rejected;
    gp_mutex_unlock(srv->lock);
    return gi_abi_export(out, &own, sizeof own);
}

void greet_server_stop(greet_server *srv)
{
    if (!srv) {
        return;
    }
    gi_server_log(srv, GREET_LOG_INFO, "stopping");
    /* + 1: a drain time of 0 is a limit that passes at once, not "no limit". */
    srv->drain_end = gp_deadline_in((int64_t)srv->cfg.drain_ms + 1);
    gp_atomic_store(&srv->stopping, 1);
    srv->engine->stop(srv);
    srv->engine->join(srv);
    gi_server_log(srv, GREET_LOG_INFO, "stopped");
    server_free(srv);
}
