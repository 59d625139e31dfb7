/* The one rendering of "message (OS detail)", for the library (greet_error_text) and for
 * programs using the tool layer (gp_tool.h). */
#include <stdio.h>

#include "gp.h"

char *gp_error_text(int err, char *buf, size_t size)
{
    char detail[256];

    if (size == 0) {
        return buf;
    }
    /* The record is the last gp_ call's failure together with the code that failure produced
     * (every gp_ call forgets it on entry), so its detail explains err exactly when err is that
     * code; a code the library chose itself after a successful call has no record. */
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
