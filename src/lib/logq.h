/* A bounded log queue with one writer thread, so that whoever logs never waits for the log.
 *
 * Lines are copied into a fixed number of slots and handed, in order, one at a time, to the
 * user's greet_log_fn on a thread of the queue's own. When that function is slow or blocked (a
 * stalled pipe, a terminal frozen with Ctrl+S), gi_logq_put does not wait: once the slots are
 * full it drops the line and counts it, and the next line that gets in is preceded by a warning
 * saying how many were dropped. gi_logq_stop waits for the writer at most a short bound; a writer
 * blocked past it is abandoned (it frees the queue itself when its call returns, and calls the
 * function no more). */
#ifndef GREET_LIB_LOGQ_H
#define GREET_LIB_LOGQ_H

#include <stddef.h>

#include "greet/export.h"
#include "greet/server.h"

GREET_BEGIN_DECLS

#define GI_LOGQ_SLOTS        512 /* lines held while the writer is behind */
#define GI_LOGQ_LINE_MAX     512 /* bytes of one line with its NUL; longer lines are cut */
#define GI_LOGQ_STOP_WAIT_MS 250 /* longest gi_logq_stop waits for the writer to catch up */

struct gi_logq;

/* Starts the writer thread for fn(user, level, line). 0, GREET_ENOMEM or a thread error. */
int gi_logq_start(struct gi_logq **out, size_t slots, greet_log_fn fn, void *user);

/* Queues one line; never waits for the writer (only, briefly, for a copy into a slot). */
void gi_logq_put(struct gi_logq *q, int level, const char *line);

/* Lets the writer finish the queued lines within wait_ms, then ends it; afterwards fn is not
 * called again (a call already blocked may still be running). Frees q, now or when that call
 * returns. NULL is a no-op. */
void gi_logq_stop(struct gi_logq *q, int wait_ms);

/* Lines dropped since start (for tests and statistics). */
unsigned long gi_logq_dropped(struct gi_logq *q);

GREET_END_DECLS

#endif
