/* Child processes on POSIX: fork without exec. The child keeps only the descriptors it needs,
 * serves its socket and _exits, so nothing of the parent (stdio buffers, atexit handlers, other
 * threads' state) runs twice. The parent holds each child's report pipe and the write end of one
 * stop pipe that every child watches: closing it (at stop, or by dying) tells them all at once. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* close_range */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "common/child_set.h"
#include "gp.h"

#define CHILD_ORPHANED 126   /* the parent died before the child could watch for it */
#define FD_SCAN_MAX    65536 /* descriptors closed one by one where close_range is missing */
#define KEPT_FDS       3

struct gp_children {
    int stop_rd, stop_wr; /* every child watches stop_rd; the parent closes stop_wr to stop them */
    pid_t parent;
    struct gpc_child *live; /* of struct gp_child */
};

struct gp_child {
    struct gpc_child set; /* first: the list and the pid (common/child_set.h) */
    gp_children *group;
    pid_t pid;
    int report_fd; /* read end of the child's report pipe, non-blocking */
};

struct gp_child_link {
    int stop_fd;
    int report_fd;
};

static int errno_failure(void)
{
    return gp_oserr_set(GP_OSERR_ERRNO, errno);
}

/* A pipe whose ends are closed on exec (children of the host program that exec must not hold
 * them: a stray write end would hide the parent's death). */
static int make_pipe(int fds[2])
{
    if (pipe(fds) != 0) {
        return errno_failure();
    }
    (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return GREET_OK;
}

int gp_children_create(gp_children **out)
{
    gp_oserr_clear();
    gp_children *g = (gp_children *)calloc(1, sizeof *g);
    int fds[2];
    int rc;

    *out = NULL;
    if (!g) {
        return GREET_ENOMEM;
    }
    rc = make_pipe(fds);
    if (rc != GREET_OK) {
        free(g);
        return rc;
    }
    g->stop_rd = fds[0];
    g->stop_wr = fds[1];
    g->parent = getpid();
    *out = g;
    return GREET_OK;
}

void gp_children_stop(gp_children *g)
{
    if (g->stop_wr >= 0) {
        close(g->stop_wr);
        g->stop_wr = -1;
    }
}

static void free_child(gp_child *c)
{
    gpc_child_remove(&c->group->live, &c->set);
    close(c->report_fd);
    free(c);
}

void gp_children_destroy(gp_children *g)
{
    if (!g) {
        return;
    }
    gpc_child_end_all(&g->live);
    gp_children_stop(g);
    close(g->stop_rd);
    free(g);
}

/* ---- In the child ------------------------------------------------------------------------- */

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void close_range_of(int first, int last)
{
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, (unsigned)first, (unsigned)last, 0u) == 0) {
        return;
    }
#endif
    {
        long max = sysconf(_SC_OPEN_MAX);
        int fd, end = last;

        if (max > 0 && max < FD_SCAN_MAX && end > (int)max) {
            end = (int)max;
        } else if (end > FD_SCAN_MAX) {
            end = FD_SCAN_MAX;
        }
        for (fd = first; fd <= end; fd++) {
            close(fd);
        }
    }
}

/* Closes every descriptor above stderr except the kept ones: the listener, other clients'
 * sockets and whatever the host program had open are none of the child's business. */
static void close_other_fds(int keep[KEPT_FDS])
{
    int next = 3, i;

    qsort(keep, KEPT_FDS, sizeof keep[0], int_cmp);
    for (i = 0; i < KEPT_FDS; i++) {
        if (keep[i] > next) {
            close_range_of(next, keep[i] - 1);
        }
        if (keep[i] >= next) {
            next = keep[i] + 1;
        }
    }
    close_range_of(next, 0x7fffffff);
}

static void reset_signals(void)
{
    sigset_t all;

    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

static void child_main(gp_children *g, gp_child_fn fn, gp_socket s, const void *data, size_t len,
                       int report_fd)
{
    gp_child_link link;
    int keep[KEPT_FDS];
    int code;

#if defined(__linux__)
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    /* The parent may have died before the line above: then nobody would ever stop this child. */
    if (getppid() != g->parent) {
        _exit(CHILD_ORPHANED);
    }
    reset_signals();
    keep[0] = (int)s;
    keep[1] = report_fd;
    keep[2] = g->stop_rd;
    close_other_fds(keep);
    link.stop_fd = g->stop_rd;
    link.report_fd = report_fd;
    code = fn(&link, s, data, len);
    gp_sock_close(s);
    _exit(code);
}

/* ---- In the parent ------------------------------------------------------------------------ */

int gp_child_is_fork(void)
{
    return 1;
}

int gp_child_spawn(gp_children *g, gp_child_fn fn, gp_socket s, const void *data, size_t len,
                   gp_child **out)
{
    gp_oserr_clear();
    gp_child *c;
    int fds[2];
    int rc;

    *out = NULL;
    if (len > GP_CHILD_DATA_MAX) {
        return GREET_EINVAL;
    }
    c = (gp_child *)calloc(1, sizeof *c);
    if (!c) {
        return GREET_ENOMEM;
    }
    rc = make_pipe(fds);
    if (rc != GREET_OK) {
        free(c);
        return rc;
    }
    c->pid = fork();
    if (c->pid == 0) {
        close(fds[0]);
        child_main(g, fn, s, data, len, fds[1]);
    }
    close(fds[1]);
    if (c->pid < 0) {
        rc = errno_failure();
        close(fds[0]);
        free(c);
        return rc;
    }
    gp_sock_close(s); /* the child's copy is the connection now */
    (void)fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    c->set.pid = (unsigned long)c->pid;
    c->report_fd = fds[0];
    c->group = g;
    gpc_child_add(&g->live, &c->set);
    *out = c;
    return GREET_OK;
}

/* What the child told that is in the pipe now (everything, once it ended), without waiting. */
static size_t read_report(int fd, char *buf, size_t size)
{
    size_t used = 0;

    while (used + 1 < size) {
        ssize_t n = read(fd, buf + used, size - 1 - used);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        used += (size_t)n;
    }
    buf[used] = '\0';
    return used;
}

int gp_child_heard(gp_child *c, char *buf, size_t size, size_t *got)
{
    gp_oserr_clear();
    *got = read_report(c->report_fd, buf, size);
    return GREET_OK;
}

int gp_child_reap(gp_child *c, gp_child_status *st)
{
    gp_oserr_clear();
    int status = 0;
    pid_t r;

    do {
        r = waitpid(c->pid, &status, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
        return GREET_EAGAIN;
    }
    memset(st, 0, sizeof *st);
    st->pid = (unsigned long)c->pid;
    if (r < 0) {
        /* ECHILD: the host program ignores SIGCHLD, so the system reaped it; how is unknown. */
        st->end = GP_CHILD_EXITED;
        st->code = -1;
    } else if (WIFSIGNALED(status)) {
        st->end = GP_CHILD_KILLED;
        st->code = WTERMSIG(status);
    } else {
        st->end = GP_CHILD_EXITED;
        st->code = WEXITSTATUS(status);
    }
    read_report(c->report_fd, st->report, sizeof st->report);
    free_child(c);
    return GREET_OK;
}

void gp_child_kill(gp_child *c)
{
    kill(c->pid, SIGKILL);
}

void gp_child_describe(const gp_child_status *st, char *buf, size_t size)
{
    if (st->end == GP_CHILD_KILLED) {
        snprintf(buf, size, "killed by signal %d", st->code);
    } else {
        snprintf(buf, size, "exit code %d", st->code);
    }
}

/* ---- The child's side --------------------------------------------------------------------- */

int gp_child_tell(gp_child_link *link, const char *text)
{
    gp_oserr_clear();
    size_t len = strlen(text);

    if (len >= GP_CHILD_REPORT_MAX) {
        return GREET_EINVAL;
    }
    /* One write of at most PIPE_BUF bytes (POSIX promises 512) is atomic: never interleaved. */
    for (;;) {
        ssize_t n = write(link->report_fd, text, len);
        if (n >= 0) {
            return (size_t)n == len ? GREET_OK : GREET_EPIPE;
        }
        if (errno != EINTR) {
            return errno_failure();
        }
    }
}

int gp_child_wait(gp_child_link *link, gp_socket s, gp_deadline deadline)
{
    gp_oserr_clear();
    for (;;) {
        struct pollfd p[2];
        int n;

        p[0].fd = link->stop_fd;
        p[0].events = POLLIN;
        p[1].fd = (int)s;
        p[1].events = POLLIN;
        p[0].revents = p[1].revents = 0;
        n = poll(p, 2, gp_deadline_left(deadline));
        if (n < 0 && errno != EINTR) {
            return errno_failure();
        }
        if (n > 0 && p[0].revents) {
            return GREET_ECANCELED;
        }
        if (n > 0) {
            return GREET_OK;
        }
        if (n == 0) {
            return GREET_ETIMEDOUT;
        }
    }
}

int gp_child_enter(int argc, char **argv, gp_child_fn fn, int *exit_code)
{
    /* fork copies the caller, so no child ever starts through main. */
    (void)argc;
    (void)argv;
    (void)fn;
    (void)exit_code;
    return 0;
}
