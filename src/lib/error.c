/* The public side of the error model: messages and names from the one table in greet/error.h,
 * and the OS detail that the platform layer recorded for this thread. */
#include <stdio.h>
#include <string.h>

#include "greet/error.h"
#include "gp.h"

#define GREET_ERROR_MESSAGE_(name, msg) msg,
static const char *const error_messages[] = {GREET_ERROR_TABLE(GREET_ERROR_MESSAGE_)};
#undef GREET_ERROR_MESSAGE_

#define GREET_ERROR_NAME_(name, msg) #name,
static const char *const error_names[] = {GREET_ERROR_TABLE(GREET_ERROR_NAME_)};
#undef GREET_ERROR_NAME_

static int error_index(int err)
{
    return (err <= 0 && -err < GREET_ERROR_COUNT_) ? -err : -1;
}

const char *greet_strerror(int err)
{
    int i = error_index(err);
    return i < 0 ? "unknown error" : error_messages[i];
}

const char *greet_errname(int err)
{
    int i = error_index(err);
    return i < 0 ? "UNKNOWN" : error_names[i];
}

char *greet_oserror(char *buf, size_t size)
{
    if (size > 0) {
        gp_oserr_describe(buf, size);
    }
    return buf;
}

char *greet_error_text(int err, char *buf, size_t size)
{
    char detail[256];

    if (size == 0) {
        return buf;
    }
    /* The OS detail belongs to err only if the last system failure is what produced it. */
    detail[0] = '\0';
    if (err != GREET_OK && gp_oserr_code() == err) {
        gp_oserr_describe(detail, sizeof detail);
    }
    if (detail[0] != '\0') {
        snprintf(buf, size, "%s (%s)", greet_strerror(err), detail);
    } else {
        snprintf(buf, size, "%s", greet_strerror(err));
    }
    return buf;
}
