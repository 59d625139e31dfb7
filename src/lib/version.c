/* What the running library is: its version and its TLS backend (greet/version.h). */
#include "greet/version.h"
#include "gp_tls.h"

const char *greet_version(void)
{
    return GREET_VERSION_STRING;
}

const char *greet_tls_backend(void)
{
    return gp_tls_backend();
}
