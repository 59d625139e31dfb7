/* The failure-injection seam of gp.h: the installed hook and the question each OS call site asks
 * it. A hook is rare (tests only), so the common case is kept to one atomic load; everything else
 * happens under a lock that also runs hooks one at a time. */
#include "common/fault.h"

static gp_atomic armed;  /* non-zero while a hook is installed */
static gp_mutex *lock;   /* made by the first install, kept for the life of the process */
static gp_fault_fn hook; /* guarded by lock */
static void *hook_arg;   /* guarded by lock */

int gp_fault_install(gp_fault_fn fn, void *arg)
{
    /* Made before armed is first set, and armed is read before lock: a caller that sees the hook
     * armed also sees the lock. */
    if (lock == NULL && gp_mutex_create(&lock) != GREET_OK) {
        return GREET_ENOMEM;
    }
    gp_mutex_lock(lock);
    hook = fn;
    hook_arg = arg;
    gp_atomic_store(&armed, fn != NULL);
    gp_mutex_unlock(lock);
    return GREET_OK;
}

int gp_fault_take(gp_fault_call *call)
{
    size_t asked = call->len;
    int fault = GP_FAULT_NONE;

    if (gp_atomic_load(&armed) == 0) {
        return GREET_OK;
    }
    gp_mutex_lock(lock);
    if (hook != NULL) {
        fault = hook(hook_arg, call);
    }
    gp_mutex_unlock(lock);
    /* A transfer may be shortened, never lengthened or made empty (0 bytes read means EOF). */
    if (call->len > asked || (call->len == 0 && asked > 0)) {
        call->len = call->len > asked ? asked : 1;
    }
    if (fault == GP_FAULT_NONE) {
        return GREET_OK;
    }
    if (fault < 0 || fault >= GP_FAULT_COUNT) {
        return GREET_EINVAL;
    }
    return gp_oserr_set(gp_fault_raws[fault].kind, gp_fault_raws[fault].raw);
}

int gp_fault_resolve(const char **host, int family, gp_addr *out, size_t max, size_t *count)
{
    gp_fault_call call = {GP_FAULT_RESOLVE, NULL, 0, NULL, 0};
    size_t i;
    int rc;

    call.host = *host;
    rc = gp_fault_take(&call);
    *host = call.host;
    if (rc != GREET_OK || call.addrs == NULL) {
        return rc;
    }
    /* The hook's own answer, as getaddrinfo would give it: only the family asked for. */
    for (i = 0; i < call.addr_count && *count < max; i++) {
        if (family == GP_AF_ANY || gp_addr_family(&call.addrs[i]) == family) {
            out[(*count)++] = call.addrs[i];
        }
    }
    if (*count == 0) {
        return gp_oserr_set(gp_fault_raws[GP_FAULT_NOHOST].kind,
                            gp_fault_raws[GP_FAULT_NOHOST].raw);
    }
    return GREET_OK;
}

int gp_fault_at(int point)
{
    gp_fault_call call = {0, NULL, 0, NULL, 0};

    call.point = point;
    return gp_fault_take(&call);
}
