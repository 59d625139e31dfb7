/* The bookkeeping both child-process implementations share: each struct gp_child starts with a
 * struct gpc_child, so that the set of live children (which gp_children_destroy must end) and the
 * process id are kept in one place. Internal to platform/. */
#ifndef GREET_PLATFORM_COMMON_CHILD_SET_H
#define GREET_PLATFORM_COMMON_CHILD_SET_H

struct gpc_child {
    struct gpc_child *prev, *next;
    unsigned long pid;
};

/* Puts c at the front of the list at *head. */
void gpc_child_add(struct gpc_child **head, struct gpc_child *c);

/* Takes c out of the list at *head. */
void gpc_child_remove(struct gpc_child **head, struct gpc_child *c);

/* Kills every child in the list at *head and reaps it (gp_child_kill, gp_child_reap, which takes
 * it out of the list), for gp_children_destroy. */
void gpc_child_end_all(struct gpc_child **head);

#endif
