/* The error record (gp.h's Errors section) as the OS implementations see it; not for src/.
 * platform/common/oserr.c keeps the per-thread record and renders it; each OS supplies only what
 * differs, its tables (posix/oserr.c, win32/oserr.c), through the three functions below. */
#ifndef GREET_PLATFORM_COMMON_OSERR_H
#define GREET_PLATFORM_COMMON_OSERR_H

#include <stddef.h>

#include "gp.h"

/* Per-thread storage: MSVC spells it its own way; C11 compilers (gcc, clang) use the keyword. */
#if defined(_MSC_VER)
#define GP_THREAD_LOCAL __declspec(thread)
#else
#define GP_THREAD_LOCAL _Thread_local
#endif

/* The portable code for raw of the given kind (GREET_ESYS when the OS's table has none). */
int gp_os_code(int kind, int raw);

/* The symbolic name of raw ("ECONNREFUSED", "WSAECONNREFUSED"), or the kind's generic one
 * ("errno", "WSA error") when the table has none. */
const char *gp_os_name(int kind, int raw);

/* The system's own text for raw into buf ("" when it has none). */
void gp_os_text(int kind, int raw, char *buf, size_t size);

/* Records a failure whose detail is already text (a TLS library's reason, a rejected certificate),
 * rendered by the code that failed, which alone knows it. Returns code. */
int gp_oserr_set_text(int code, const char *text);

#endif
