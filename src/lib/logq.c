/* The bounded log queue (logq.h): a ring of fixed slots under one lock, one detached writer
 * thread, and a reference count so that the last of the owner and the writer frees it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp.h"
#include "logq.h"

struct slot {
    int level;
    char text[GI_LOGQ_LINE_MAX];
};

struct gi_logq {
    greet_log_fn fn;
    void *user;
    gp_mutex *lock; /* guards everything below */
    gp_cond *changed;
    size_t slots, head, count;
    unsigned long pending_drops; /* dropped since the last line that got in */
    unsigned long total_drops;
    int stopping;  /* no more lines will come: write what is left, then end */
    int abandoned; /* the owner gave up waiting: call fn no more */
    int writer_done;
    int refs; /* the owner and the writer */
    struct slot *ring;
};

static void logq_free(struct gi_logq *q)
{
    if (q->changed) {
        gp_cond_destroy(q->changed);
    }
    if (q->lock) {
        gp_mutex_destroy(q->lock);
    }
    free(q->ring);
    free(q);
}

/* Drops one reference, with the lock held; frees q (after unlocking) when it was the last. */
static void release_locked(struct gi_logq *q)
{
    int last = --q->refs == 0;

    gp_mutex_unlock(q->lock);
    if (last) {
        logq_free(q);
    }
}

/* The warning that stands for the lines dropped since the last one that got in. */
static void drop_warning(struct gi_logq *q, struct slot *s)
{
    s->level = GREET_LOG_WARN;
    snprintf(s->text, sizeof s->text, "%lu log lines dropped: the log could not keep up",
             q->pending_drops);
    q->pending_drops = 0;
}

/* Waits for a line and copies it out, lock held; zero when the writer should end. Decided
 * under the lock, so that no call of fn begins once gi_logq_stop gave up on the writer. */
static int next_line(struct gi_logq *q, struct slot *out)
{
    while (q->count == 0 && !q->stopping) {
        gp_cond_wait(q->changed, q->lock, GP_DEADLINE_NONE);
    }
    if (q->abandoned) {
        return 0;
    }
    if (q->count == 0) {
        /* Stopping: lines dropped at the very end are still owned up to. */
        if (q->pending_drops == 0) {
            return 0;
        }
        drop_warning(q, out);
        return 1;
    }
    *out = q->ring[q->head];
    q->head = (q->head + 1) % q->slots;
    q->count--;
    return 1;
}

static void writer(void *arg)
{
    struct gi_logq *q = arg;
    struct slot line;

    gp_mutex_lock(q->lock);
    while (next_line(q, &line)) {
        /* The user's function runs without the lock: a blocked log blocks only this thread. */
        gp_mutex_unlock(q->lock);
        q->fn(q->user, line.level, line.text);
        gp_mutex_lock(q->lock);
    }
    q->writer_done = 1;
    gp_cond_broadcast(q->changed);
    release_locked(q);
}

int gi_logq_start(struct gi_logq **out, size_t slots, greet_log_fn fn, void *user)
{
    struct gi_logq *q = calloc(1, sizeof *q);
    int rc = q ? GREET_OK : GREET_ENOMEM;

    *out = NULL;
    if (rc == GREET_OK) {
        q->fn = fn;
        q->user = user;
        q->slots = slots > 2 ? slots : 2; /* room for a line and its drop warning */
        q->refs = 2;
        q->ring = malloc(q->slots * sizeof *q->ring);
        rc = q->ring ? gp_mutex_create(&q->lock) : GREET_ENOMEM;
    }
    if (rc == GREET_OK) {
        rc = gp_cond_create(&q->changed);
    }
    if (rc == GREET_OK) {
        rc = gp_thread_start(NULL, writer, q, 0);
    }
    if (rc != GREET_OK) {
        if (q) {
            logq_free(q);
        }
        return rc;
    }
    *out = q;
    return GREET_OK;
}

static struct slot *push_slot(struct gi_logq *q)
{
    return &q->ring[(q->head + q->count++) % q->slots];
}

void gi_logq_put(struct gi_logq *q, int level, const char *line)
{
    struct slot *s;
    size_t len = strlen(line);

    if (len >= GI_LOGQ_LINE_MAX) {
        len = GI_LOGQ_LINE_MAX - 1;
    }
    gp_mutex_lock(q->lock);
    /* After drops a line gets in only with the warning that counts them ahead of it. */
    if (q->stopping || q->count + (q->pending_drops > 0 ? 2 : 1) > q->slots) {
        q->pending_drops++;
        q->total_drops++;
        gp_mutex_unlock(q->lock);
        return;
    }
    if (q->pending_drops > 0) {
        drop_warning(q, push_slot(q));
    }
    s = push_slot(q);
    s->level = level;
    memcpy(s->text, line, len);
    s->text[len] = '\0';
    gp_cond_signal(q->changed);
    gp_mutex_unlock(q->lock);
}

void gi_logq_stop(struct gi_logq *q, int wait_ms)
{
    gp_deadline end = gp_deadline_in(wait_ms);

    if (!q) {
        return;
    }
    gp_mutex_lock(q->lock);
    q->stopping = 1;
    gp_cond_broadcast(q->changed);
    while (wait_ms > 0 && !q->writer_done && !gp_deadline_passed(end)) {
        gp_cond_wait(q->changed, q->lock, end);
    }
    /* A writer still inside fn past the bound is left to it; it ends when fn returns. */
    q->abandoned = 1;
    release_locked(q);
}

unsigned long gi_logq_dropped(struct gi_logq *q)
{
    unsigned long n;

    gp_mutex_lock(q->lock);
    n = q->total_drops;
    gp_mutex_unlock(q->lock);
    return n;
}
