/* greet_url as programs see it: an object made and freed here, read through accessors, so that
 * its layout (url_internal.h) is not part of the ABI. */
#include <stdlib.h>

#include "greet/error.h"
#include "url_internal.h"

int greet_url_new(greet_url **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? GREET_OK : GREET_ENOMEM;
}

void greet_url_free(greet_url *url)
{
    free(url);
}

const char *greet_url_scheme(const greet_url *url)
{
    return url->scheme;
}

const char *greet_url_host(const greet_url *url)
{
    return url->host;
}

const char *greet_url_target(const greet_url *url)
{
    return url->target;
}

unsigned greet_url_port(const greet_url *url)
{
    return url->port;
}

const char *greet_url_reason(const greet_url *url)
{
    return url != NULL && url->reason != NULL ? url->reason : "";
}
