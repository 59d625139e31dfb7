/* The public side of the error model: messages and names from the one table in greet/error.h,
 * and the OS detail that the platform layer recorded for this thread. The library's own messages
 * carry their failures (gp_failure) instead; greet_error_text is the errno-style convenience for
 * the library's users. */
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
    gp_failure f;

    gp_failure_take(&f, err);
    return gp_failure_text(&f, buf, size);
}
