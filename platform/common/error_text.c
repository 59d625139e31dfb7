/* Failures carried with their code (gp_tool.h): taken from the calling thread's record where they
 * happen, rendered in one place, for the library and for programs using the tool layer. */
#include <stdio.h>

#include "oserr.h"

int gp_failure_take(gp_failure *f, int code)
{
    f->code = code;
    f->detail[0] = '\0';
    /* The record is the last gp_ call's failure together with the code it produced (every gp_
     * call forgets it on entry), so it explains code exactly when it produced code; a code the
     * caller chose itself after a successful call finds no record. */
    if (code != GREET_OK && gp_oserr_code() == code) {
        gp_oserr_describe(f->detail, sizeof f->detail);
    }
    return code;
}

char *gp_failure_text(const gp_failure *f, char *buf, size_t size)
{
    if (size == 0) {
        return buf;
    }
    if (f->detail[0] != '\0') {
        snprintf(buf, size, "%s (%s)", greet_strerror(f->code), f->detail);
    } else {
        snprintf(buf, size, "%s", greet_strerror(f->code));
    }
    return buf;
}

int gp_failure_record(const gp_failure *f)
{
    if (f->detail[0] != '\0') {
        return gp_oserr_set_text(f->code, f->detail);
    }
    gp_oserr_clear();
    return f->code;
}
