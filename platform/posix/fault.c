/* The POSIX values behind the failures tests inject through gp.h's seam. */
#include <errno.h>
#include <netdb.h>

#include "common/fault.h"

const struct gp_fault_raw gp_fault_raws[GP_FAULT_COUNT] = {
    {GP_OSERR_NONE, 0},           {GP_OSERR_GAI, EAI_NONAME},  {GP_OSERR_GAI, EAI_AGAIN},
    {GP_OSERR_ERRNO, EMFILE},     {GP_OSERR_ERRNO, ENOBUFS},   {GP_OSERR_ERRNO, ECONNREFUSED},
    {GP_OSERR_ERRNO, ECONNRESET}, {GP_OSERR_ERRNO, ETIMEDOUT}, {GP_OSERR_ERRNO, EADDRINUSE},
};
