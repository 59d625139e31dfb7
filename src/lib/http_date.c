/* HTTP-dates (RFC 9110 section 5.6.7) to and from seconds since 1970, in UTC.
 *
 * One word-by-word parser reads the three forms a server may send (IMF-fixdate, the obsolete
 * RFC 850 and asctime forms) and the looser ones a user types for `greet fetch -z` ("20 Nov 2026",
 * "2026-11-20 10:00"), as curl's parsedate does: a word is recognised by its shape, not by its
 * place, so the order of the parts does not matter. Every part may appear once; anything not
 * recognised is an error, so garbage never becomes a date. The calendar arithmetic is done here
 * (Howard Hinnant's days_from_civil), not with timegm, which is neither standard C nor on
 * Windows. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "greet/error.h"
#include "greet/http.h"
#include "http_token.h"

#define WORD_MAX 32 /* longer than any part of a date */

/* The first and the last second of the years GREET_HTTP_DATE_YEAR_MIN..MAX. */
#define T_MIN INT64_C(-11644473600)
#define T_MAX INT64_C(253402300799)

struct date {
    int year, month, day; /* -1 until seen */
    int hour, minute, second;
    int has_time, has_zone, has_weekday;
    long offset_s; /* the zone's offset east of UTC */
};

/* As an IMF-fixdate spells them; words are compared without regard to case. */
static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
static const char *const weekdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const weekday_names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                             "Friday", "Saturday", "Sunday"};

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The index of w in the short or the full names, -1 when it is neither. */
static int name_index(const char *w, size_t len, const char *const *shorts,
                      const char *const *fulls, int count)
{
    int i;

    for (i = 0; i < count; i++) {
        if (gi_http_same_name(w, len, shorts[i]) || gi_http_same_name(w, len, fulls[i])) {
            return i;
        }
    }
    return -1;
}

/* The value of len digits at s; -1 unless all len are digits. */
static long digits(const char *s, size_t len)
{
    long v = 0;
    size_t i;

    if (len == 0 || len > 9) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        if (!is_digit((unsigned char)s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* A two-digit year as curl reads it: 70..99 are 1970..1999, 00..69 are 2000..2069. */
static int full_year(long y, size_t len)
{
    if (len == 2) {
        return (int)(y < 70 ? 2000 + y : 1900 + y);
    }
    return len == 4 ? (int)y : -1;
}

static int set_once(int *field, long value)
{
    if (*field != -1 || value < 0) {
        return GREET_EINVAL;
    }
    *field = (int)value;
    return GREET_OK;
}

/* "08:49" or "08:49:37". */
static int read_time(struct date *d, const char *w, size_t len)
{
    long h, m, s = 0;

    if (d->has_time || (len != 5 && len != 8) || w[2] != ':' || (len == 8 && w[5] != ':')) {
        return GREET_EINVAL;
    }
    h = digits(w, 2);
    m = digits(w + 3, 2);
    if (len == 8) {
        s = digits(w + 6, 2);
    }
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) {
        return GREET_EINVAL;
    }
    d->hour = (int)h;
    d->minute = (int)m;
    d->second = s == 60 ? 59 : (int)s; /* a leap second is the second before it */
    d->has_time = 1;
    return GREET_OK;
}

/* "+0200" or "-0700": the zone's offset from UTC. */
static int read_offset(struct date *d, const char *w, size_t len)
{
    long hhmm = len == 5 ? digits(w + 1, 4) : -1;

    if (d->has_zone || hhmm < 0 || hhmm / 100 > 23 || hhmm % 100 > 59) {
        return GREET_EINVAL;
    }
    d->offset_s = (hhmm / 100 * 3600 + hhmm % 100 * 60) * (w[0] == '-' ? -1 : 1);
    d->has_zone = 1;
    return GREET_OK;
}

/* A word of letters: a weekday (checked for form only), a month or a name for UTC. */
static int read_name(struct date *d, const char *w, size_t len)
{
    int i = name_index(w, len, months, month_names, 12);

    if (i >= 0) {
        return set_once(&d->month, i + 1);
    }
    if (name_index(w, len, weekdays, weekday_names, 7) >= 0 && !d->has_weekday) {
        d->has_weekday = 1;
        return GREET_OK;
    }
    if ((gi_http_same_name(w, len, "GMT") || gi_http_same_name(w, len, "UTC") ||
         gi_http_same_name(w, len, "UT") || gi_http_same_name(w, len, "Z")) &&
        !d->has_zone) {
        d->has_zone = 1;
        return GREET_OK;
    }
    return GREET_EINVAL;
}

/* A number: 8 digits are YYYYMMDD, 4 a year, 1 or 2 the day and then a two-digit year. */
static int read_number(struct date *d, const char *w, size_t len)
{
    long v = digits(w, len);
    int rc;

    if (v < 0) {
        return GREET_EINVAL;
    }
    if (len == 8) {
        rc = set_once(&d->year, v / 10000);
        rc = rc == GREET_OK ? set_once(&d->month, v / 100 % 100) : rc;
        return rc == GREET_OK ? set_once(&d->day, v % 100) : rc;
    }
    if (len == 4) {
        return set_once(&d->year, v);
    }
    if (len <= 2 && d->day == -1) {
        return set_once(&d->day, v);
    }
    return len == 2 ? set_once(&d->year, full_year(v, len)) : GREET_EINVAL;
}

/* "06-Nov-94" (RFC 850) or "2026-11-20" (ISO 8601's date). */
static int read_dashed(struct date *d, const char *w, size_t len)
{
    const char *a = memchr(w, '-', len);
    const char *b = a ? memchr(a + 1, '-', len - (size_t)(a + 1 - w)) : NULL;
    size_t n1, n2, n3;
    int month;

    if (!a || !b) {
        return GREET_EINVAL;
    }
    n1 = (size_t)(a - w);
    n2 = (size_t)(b - a - 1);
    n3 = len - (size_t)(b + 1 - w);
    if (n1 == 4) {
        int rc = set_once(&d->year, digits(w, 4));
        rc = rc == GREET_OK && n2 == 2 ? set_once(&d->month, digits(a + 1, 2)) : GREET_EINVAL;
        return rc == GREET_OK && n3 == 2 ? set_once(&d->day, digits(b + 1, 2)) : GREET_EINVAL;
    }
    month = name_index(a + 1, n2, months, month_names, 12);
    if (n1 < 1 || n1 > 2 || month < 0 || set_once(&d->day, digits(w, n1)) != GREET_OK ||
        set_once(&d->month, month + 1) != GREET_OK) {
        return GREET_EINVAL;
    }
    return set_once(&d->year, full_year(digits(b + 1, n3), n3));
}

static int read_word(struct date *d, const char *w, size_t len)
{
    if (memchr(w, ':', len)) {
        return read_time(d, w, len);
    }
    if (w[0] == '+' || w[0] == '-') {
        return read_offset(d, w, len);
    }
    if (memchr(w, '-', len)) {
        return read_dashed(d, w, len);
    }
    if (is_alpha((unsigned char)w[0])) {
        return read_name(d, w, len);
    }
    return read_number(d, w, len);
}

static int leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(long y, int m, int d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + doe - 719468;
}

int greet_http_date_parse(const char *text, size_t len, int64_t *t)
{
    struct date d = {-1, -1, -1, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    int64_t when;

    while (i < len) {
        size_t start;
        if (text[i] == ' ' || text[i] == '\t' || text[i] == ',') {
            i++;
            continue;
        }
        for (start = i; i < len && text[i] != ' ' && text[i] != '\t' && text[i] != ','; i++) {
        }
        if (i - start > WORD_MAX || read_word(&d, text + start, i - start) != GREET_OK) {
            return GREET_EINVAL;
        }
    }
    if (d.year < GREET_HTTP_DATE_YEAR_MIN || d.year > GREET_HTTP_DATE_YEAR_MAX || d.month < 1 ||
        d.month > 12 || d.day < 1 || d.day > month_days(d.year, d.month)) {
        return GREET_EINVAL;
    }
    when = days_from_civil(d.year, d.month, d.day) * 86400 + d.hour * 3600L + d.minute * 60L +
           d.second - d.offset_s;
    if (when < T_MIN || when > T_MAX) {
        return GREET_EINVAL; /* a zone's offset moved it out of the years */
    }
    *t = when;
    return GREET_OK;
}

int greet_http_date_format(int64_t t, char *buf, size_t size)
{
    int64_t days, era;
    long secs, doe, yoe, doy, mp, y, m, d;
    int wday;

    if (size < GREET_HTTP_DATE_SIZE) {
        return GREET_ETOOBIG;
    }
    if (t < T_MIN || t > T_MAX) {
        return GREET_EINVAL;
    }
    days = (t >= 0 ? t : t - 86399) / 86400;
    secs = (long)(t - days * 86400);
    /* 1970-01-01 was a Thursday, index 3 counting from Monday. */
    wday = (int)((days % 7 + 7 + 3) % 7);
    /* civil_from_days, the inverse of days_from_civil. */
    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = (long)(days - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = (long)(yoe + era * 400) + (m <= 2);
    snprintf(buf, size, "%s, %02ld %s %04ld %02ld:%02ld:%02ld GMT", weekdays[wday], d,
             months[m - 1], y, secs / 3600, secs / 60 % 60, secs % 60);
    return GREET_OK;
}
