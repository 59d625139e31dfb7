/* POSIX stop signal. The SIGINT/SIGTERM handler may only do async-signal-safe things: it sets a
 * flag and writes one byte to a self-pipe. Waiters poll the pipe's read end, which stays readable
 * until gp_stop_reset drains it, so any number of threads wake up. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "gp.h"

/* Accessed through __atomic builtins: atomic and lock-free for the handler, and a proper
 * synchronisation point for gp_stop_raise from another thread. */
static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t stop_cause; /* a gp_stop_cause, set before stop_flag */
static int stop_pipe[2] = {-1, -1};
static int pipe_error;
static pthread_once_t pipe_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static int installed;

static void make_pipe(void)
{
    int i;

    if (pipe(stop_pipe) != 0) {
        pipe_error = errno;
        return;
    }
    for (i = 0; i < 2; i++) {
        (void)fcntl(stop_pipe[i], F_SETFD, FD_CLOEXEC);
        /* Never block the handler on a full pipe, nor a drain on an empty one. */
        (void)fcntl(stop_pipe[i], F_SETFL, fcntl(stop_pipe[i], F_GETFL) | O_NONBLOCK);
    }
}

static int pipe_ready(void)
{
    pthread_once(&pipe_once, make_pipe);
    return pipe_error == 0 ? GREET_OK : gp_oserr_set(GP_OSERR_ERRNO, pipe_error);
}

static void notify(int cause)
{
    int saved = errno;

    __atomic_store_n(&stop_cause, cause, __ATOMIC_SEQ_CST);
    __atomic_store_n(&stop_flag, 1, __ATOMIC_SEQ_CST);
    if (stop_pipe[1] >= 0) {
        (void)!write(stop_pipe[1], "s", 1);
    }
    errno = saved;
}

static void on_signal(int sig)
{
    notify(sig == SIGTERM ? GP_STOP_TERMINATE : GP_STOP_INTERRUPT);
}

static int catch_signal(int sig)
{
    struct sigaction sa;

    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(sig, &sa, NULL) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return GREET_OK;
}

int gp_stop_install(void)
{
    gp_oserr_clear();
    int rc = pipe_ready();

    if (rc != GREET_OK) {
        return rc;
    }
    pthread_mutex_lock(&install_lock);
    if (!installed) {
        rc = catch_signal(SIGINT);
        if (rc == GREET_OK) {
            rc = catch_signal(SIGTERM);
        }
        installed = rc == GREET_OK;
    }
    pthread_mutex_unlock(&install_lock);
    return rc;
}

int gp_stop_requested(void)
{
    return __atomic_load_n(&stop_flag, __ATOMIC_SEQ_CST) != 0;
}

static void drain_pipe(void)
{
    char junk[64];

    while (read(stop_pipe[0], junk, sizeof junk) > 0) {
    }
}

/* One poll on the pipe until deadline; signals just end it early. */
static void wait_pipe(gp_deadline deadline)
{
    struct pollfd p;

    p.fd = stop_pipe[0];
    p.events = POLLIN;
    p.revents = 0;
    if (poll(&p, 1, gp_deadline_left(deadline)) > 0 && !gp_stop_requested()) {
        drain_pipe(); /* a byte left over from before a reset: don't spin on it */
    }
}

int gp_stop_wait(gp_deadline deadline)
{
    gp_oserr_clear();
    int rc = pipe_ready();

    if (rc != GREET_OK) {
        return rc;
    }
    for (;;) {
        if (gp_stop_requested()) {
            return GREET_OK;
        }
        if (gp_deadline_passed(deadline)) {
            return GREET_ETIMEDOUT;
        }
        wait_pipe(deadline);
    }
}

void gp_stop_raise(void)
{
    (void)pipe_ready();
    notify(GP_STOP_INTERRUPT);
}

int gp_stop_cause(void)
{
    return gp_stop_requested() ? (int)__atomic_load_n(&stop_cause, __ATOMIC_SEQ_CST) : GP_STOP_NONE;
}

void gp_stop_reset(void)
{
    if (pipe_ready() == GREET_OK) {
        __atomic_store_n(&stop_flag, 0, __ATOMIC_SEQ_CST);
        drain_pipe();
    }
}
