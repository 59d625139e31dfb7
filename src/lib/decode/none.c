/* The decoders of body_filter.h in a build without zlib (GREET_ZLIB=off, or zlib not found):
 * there are none, so a compressed body is refused with a clear reason instead of being handed
 * out still encoded. */
#include <stddef.h>

#include "body_filter.h"
#include "greet/error.h"

const char *gi_decoder_library(void)
{
    return NULL;
}

int gi_decoder_new(enum gi_coding coding, struct gi_body_out out, struct gi_body_filter **f)
{
    (void)coding;
    (void)out;
    *f = NULL;
    return GREET_EUNSUPPORTED;
}
