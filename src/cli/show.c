/* Bytes from a peer shown safely: control characters as escapes, so that what a server sends
 * cannot move the cursor, retitle the window or hide text on the user's terminal (what `cat -v`
 * and `less` do). Pipes and files get the exact bytes; only terminals and messages get this. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gp_tool.h"

#define SHOW_CHUNK 512

/* The length of the valid UTF-8 sequence at in (1 to 4), or 0 when in[0] does not start one
 * (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut short). */
static size_t utf8_length(const unsigned char *in, size_t len)
{
    unsigned char b = in[0];
    unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
    size_t n, i;

    if (b < 0x80) {
        return 1;
    }
    if (b >= 0xc2 && b <= 0xdf) {
        n = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
        n = 3;
        lo = b == 0xe0 ? 0xa0 : 0x80;
        hi = b == 0xed ? 0x9f : 0xbf;
    } else if (b >= 0xf0 && b <= 0xf4) {
        n = 4;
        lo = b == 0xf0 ? 0x90 : 0x80;
        hi = b == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (len < n || in[1] < lo || in[1] > hi) {
        return 0;
    }
    for (i = 2; i < n; i++) {
        if (in[i] < 0x80 || in[i] > 0xbf) {
            return 0;
        }
    }
    return n;
}

/* How many bytes at in are shown as they are (a printable character, or newline and tab when
 * keep_lines), or 0 when in[0] is shown as an escape: C0 controls and DEL, the C1 controls
 * U+0080..U+009F (a terminal takes U+009B as CSI), and bytes that are not UTF-8. */
static size_t shown_as_is(const unsigned char *in, size_t len, int keep_lines)
{
    size_t n = utf8_length(in, len);

    if (n == 1 && (in[0] < 0x20 || in[0] == 0x7f)) {
        return keep_lines && (in[0] == '\n' || in[0] == '\t') ? 1 : 0;
    }
    if (n == 2 && in[0] == 0xc2 && in[1] < 0xa0) {
        return 0;
    }
    return n;
}

size_t cli_escape(const void *bytes, size_t len, size_t *used, char *out, size_t size,
                  int keep_lines)
{
    const unsigned char *in = bytes;
    size_t i = 0, o = 0;

    while (i < len) {
        size_t n = shown_as_is(in + i, len - i, keep_lines);
        char esc[5];
        const char *piece = (const char *)in + i;
        size_t plen = n;

        if (n == 0) {
            static const char hex[] = "0123456789abcdef";
            const char *named = in[i] == '\n'   ? "\\n"
                                : in[i] == '\t' ? "\\t"
                                : in[i] == '\r' ? "\\r"
                                                : NULL;
            if (named) {
                memcpy(esc, named, 3);
            } else {
                esc[0] = '\\';
                esc[1] = 'x';
                esc[2] = hex[in[i] >> 4];
                esc[3] = hex[in[i] & 15];
                esc[4] = '\0';
            }
            piece = esc;
            plen = strlen(esc);
            n = 1;
        }
        if (o + plen >= size) {
            break;
        }
        memcpy(out + o, piece, plen);
        o += plen;
        i += n;
    }
    if (size > 0) {
        out[o] = '\0';
    }
    *used = i;
    return o;
}

int cli_show(FILE *stream, const void *bytes, size_t len, int escape)
{
    const unsigned char *in = bytes;
    char chunk[SHOW_CHUNK];

    if (!escape) {
        return gp_text_write(stream, bytes, len);
    }
    while (len > 0) {
        size_t used;
        size_t n = cli_escape(in, len, &used, chunk, sizeof chunk, 1);
        int rc = gp_text_write(stream, chunk, n);
        if (rc != 0) {
            return rc;
        }
        in += used;
        len -= used;
    }
    return 0;
}
