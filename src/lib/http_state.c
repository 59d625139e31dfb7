/* The parser's state changes that both its halves make: failing, a callback's verdict and the
 * end of a message. A leaf of its own, so that http_parse.c (bytes, body, chunks) calls into
 * http_fields.c (header sections) and never the other way round. */
#include <stdio.h>

#include "greet/error.h"
#include "http_internal.h"

int gi_http_fail(greet_http_parser *p, int err, const char *reason)
{
    if (p->state != GI_HTTP_ERROR) {
        p->state = GI_HTTP_ERROR;
        p->err = err;
        snprintf(p->reason, sizeof p->reason, "%s", reason);
    }
    return p->err;
}

int gi_http_callback(greet_http_parser *p, int rc)
{
    if (rc == GREET_OK) {
        return GREET_OK;
    }
    return gi_http_fail(p, rc < 0 ? rc : GREET_ECANCELED, "stopped by callback");
}

int gi_http_message_end(greet_http_parser *p)
{
    p->state = GI_HTTP_DONE;
    p->resp.complete = 1;
    if (p->cb.on_message_end == NULL) {
        return GREET_OK;
    }
    return gi_http_callback(p, p->cb.on_message_end(p->ctx, &p->resp));
}
