/* The OS error record, once for every OS: the calling thread's last failure (its portable code,
 * the raw value and which table it belongs to, or a ready text) and its rendering. Only the
 * tables differ per OS (posix/oserr.c, win32/oserr.c, through common/oserr.h). */
#include <stdio.h>

#include "oserr.h"

/* The TLS backends' text and the OS's own fit with room to spare (messages carry at most 256). */
#define TEXT_MAX 256

/* GP_OSERR_TEXT: the detail was rendered when it was recorded (gp_oserr_set_text). */
enum { GP_OSERR_TEXT = -1 };

static GP_THREAD_LOCAL int last_kind = GP_OSERR_NONE;
static GP_THREAD_LOCAL int last_raw;
static GP_THREAD_LOCAL int last_code;
static GP_THREAD_LOCAL char last_text[TEXT_MAX];

int gp_oserr_set(int kind, int raw)
{
    last_kind = kind;
    last_raw = raw;
    last_code = gp_os_code(kind, raw);
    return last_code;
}

int gp_oserr_set_text(int code, const char *text)
{
    last_kind = GP_OSERR_TEXT;
    last_code = code;
    snprintf(last_text, sizeof last_text, "%s", text);
    return code;
}

int gp_oserr_code(void)
{
    return last_kind == GP_OSERR_NONE ? GREET_OK : last_code;
}

void gp_oserr_clear(void)
{
    last_kind = GP_OSERR_NONE;
}

void gp_oserr_describe(char *buf, size_t size)
{
    char text[TEXT_MAX];

    if (size == 0) {
        return;
    }
    buf[0] = '\0';
    if (last_kind == GP_OSERR_NONE) {
        return;
    }
    if (last_kind == GP_OSERR_TEXT) {
        snprintf(buf, size, "%s", last_text);
        return;
    }
    gp_os_text(last_kind, last_raw, text, sizeof text);
    snprintf(buf, size, "%s %d%s%s", gp_os_name(last_kind, last_raw), last_raw, text[0] ? ": " : "",
             text);
}
