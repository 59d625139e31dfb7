/* POSIX network start/stop: there is no stack to start, but a write to a closed connection must
 * never kill the process, so SIGPIPE is ignored unless the program already chose a handler. */
#include <pthread.h>
#include <signal.h>

#include "gp.h"

static pthread_mutex_t net_lock = PTHREAD_MUTEX_INITIALIZER;
static int net_refs;

static void ignore_sigpipe(void)
{
    struct sigaction old;
    struct sigaction sa;

    /* A handler the program installed itself is its business; only the default kills. */
    if (sigaction(SIGPIPE, NULL, &old) != 0 || old.sa_handler != SIG_DFL) {
        return;
    }
    sa = old;
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    (void)sigaction(SIGPIPE, &sa, NULL);
}

int gp_net_init(void)
{
    gp_oserr_clear();
    pthread_mutex_lock(&net_lock);
    if (net_refs++ == 0) {
        ignore_sigpipe();
    }
    pthread_mutex_unlock(&net_lock);
    return GREET_OK;
}

/* SIGPIPE stays ignored: restoring it could kill a thread that is still writing elsewhere. */
void gp_net_fini(void)
{
    pthread_mutex_lock(&net_lock);
    if (net_refs > 0) {
        net_refs--;
    }
    pthread_mutex_unlock(&net_lock);
}
