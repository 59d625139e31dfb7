/* The set of live children, the same on every system (see child_set.h). */
#include "child_set.h"

#include <stddef.h>

#include "gp.h"

void gpc_child_add(struct gpc_child **head, struct gpc_child *c)
{
    c->prev = NULL;
    c->next = *head;
    if (*head) {
        (*head)->prev = c;
    }
    *head = c;
}

void gpc_child_remove(struct gpc_child **head, struct gpc_child *c)
{
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        *head = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
}

unsigned long gp_child_pid(const gp_child *c)
{
    /* Every implementation's struct gp_child begins with a struct gpc_child. */
    return ((const struct gpc_child *)(const void *)c)->pid;
}

void gpc_child_end_all(struct gpc_child **head)
{
    while (*head) {
        gp_child *c = (gp_child *)(void *)*head; /* the list node is its first member */
        gp_child_status st;

        gp_child_kill(c);
        while (gp_child_reap(c, &st) == GREET_EAGAIN) {
            gp_sleep_ms(1);
        }
    }
}
