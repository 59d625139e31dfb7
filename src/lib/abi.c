/* Copies across the ABI line by the size the program's struct says it has (abi.h). */
#include <string.h>

#include "abi.h"
#include "greet/error.h"

/* The size a program's struct claims, or an error when it cannot be one: at least the size
 * member and one more byte, and no larger than this library's own struct. */
static int given_size(const void *given, size_t own_size, size_t *size)
{
    memcpy(size, given, sizeof *size);
    if (*size <= sizeof(size_t)) {
        return GREET_EINVAL;
    }
    return *size > own_size ? GREET_EUNSUPPORTED : GREET_OK;
}

int gi_abi_import(void *own, size_t own_size, const void *given)
{
    size_t size;
    int rc = given_size(given, own_size, &size);

    if (rc == GREET_OK) {
        memcpy(own, given, size);
        memcpy(own, &own_size, sizeof own_size);
    }
    return rc;
}

int gi_abi_export(void *out, const void *own, size_t own_size)
{
    size_t size;
    int rc = given_size(out, own_size, &size);

    if (rc == GREET_OK) {
        memcpy((char *)out + sizeof size, (const char *)own + sizeof size, size - sizeof size);
    }
    return rc;
}
