/* The request the engine sends: the request line, the built-in fields (Host, User-Agent, Accept,
 * Accept-Encoding with compressed, Connection: close unless the connection is kept) which the
 * caller's fields may replace or remove, then the caller's others. After a redirect to another
 * origin the caller's credentials and Host are left out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_int.h"
#include "http_token.h"

static const char *const builtin_names[] = {"Host", "User-Agent", "Accept", "Accept-Encoding",
                                            "Connection"};
#define BUILTIN_COUNT (sizeof builtin_names / sizeof builtin_names[0])

/* Length of the field name of "Name: value", 0 when it is not a token followed by ':'. */
static size_t field_name_len(const char *field)
{
    size_t n = 0;

    while (gi_http_is_tchar((unsigned char)field[n])) {
        n++;
    }
    return field[n] == ':' ? n : 0;
}

static const char *field_value(const char *field)
{
    const char *v = field + field_name_len(field) + 1;

    while (*v == ' ' || *v == '\t') {
        v++;
    }
    return v;
}

int gi_fetch_check_headers(const struct greet_fetch_options *opt, char *msg, size_t size)
{
    size_t i;
    const unsigned char *v;

    for (i = 0; i < opt->header_count; i++) {
        const char *field = opt->headers[i];
        if (field_name_len(field) == 0) {
            return gi_fetch_fail(msg, size, GREET_EINVAL, NULL,
                                 "header '%.200s' is not 'Name: value' with a valid name", field);
        }
        for (v = (const unsigned char *)field_value(field); *v; v++) {
            if ((*v < 0x20 && *v != '\t') || *v == 0x7f) {
                return gi_fetch_fail(msg, size, GREET_EINVAL, NULL,
                                     "header '%.*s' contains a line break or control byte",
                                     (int)field_name_len(field), field);
            }
        }
    }
    return GREET_OK;
}

/* Non-zero when "Name: value" field has the field name name. */
static int same_name(const char *field, const char *name)
{
    return gi_http_same_name(field, field_name_len(field), name);
}

/* The caller's field replacing the built-in name, or NULL. */
static const char *override_of(const struct greet_fetch_options *opt, const char *name)
{
    size_t i;

    for (i = opt->header_count; i-- > 0;) {
        if (same_name(opt->headers[i], name)) {
            return opt->headers[i];
        }
    }
    return NULL;
}

static int is_builtin(const char *field)
{
    size_t i;

    for (i = 0; i < BUILTIN_COUNT; i++) {
        if (same_name(field, builtin_names[i])) {
            return 1;
        }
    }
    return 0;
}

/* Appends "Name: value\r\n" unless value is empty (an empty override removes the field). */
static size_t put_field(char *buf, size_t at, const char *name, size_t name_len, const char *value)
{
    size_t vlen = strlen(value);

    if (vlen == 0) {
        return at;
    }
    memcpy(buf + at, name, name_len);
    memcpy(buf + at + name_len, ": ", 2);
    memcpy(buf + at + name_len + 2, value, vlen);
    memcpy(buf + at + name_len + 2 + vlen, "\r\n", 2);
    return at + name_len + vlen + 4;
}

static size_t put_builtin(char *buf, size_t at, const struct greet_fetch_options *opt,
                          const char *name, const char *value)
{
    const char *o = override_of(opt, name);

    if (o) {
        return put_field(buf, at, o, field_name_len(o), field_value(o));
    }
    return put_field(buf, at, name, strlen(name), value);
}

/* Fields that carry the user's identity: RFC 9110 section 15.4 says a client should not send
 * them to an origin the user did not name, and curl drops them. */
static int is_credential(const char *field)
{
    return same_name(field, "Authorization") || same_name(field, "Proxy-Authorization") ||
           same_name(field, "Cookie");
}

/* The credentials this request adds itself, unless the caller gave the field. */
static size_t put_credentials(char *buf, size_t at, const struct greet_fetch_options *opt,
                              const struct gi_request_how *how, int *dropped)
{
    if (how->authorization && !override_of(opt, "Authorization")) {
        if (how->other_origin) {
            (*dropped)++;
        } else {
            at = put_field(buf, at, "Authorization", 13, how->authorization);
        }
    }
    if (how->proxy_authorization && !override_of(opt, "Proxy-Authorization")) {
        at = put_field(buf, at, "Proxy-Authorization", 19, how->proxy_authorization);
    }
    return at;
}

int gi_fetch_request(const greet_url *url, const struct greet_fetch_options *opt,
                     const struct gi_request_how *how, char **out, size_t *len, int *dropped)
{
    char host[GREET_URL_HOST_HEADER_MAX];
    const char *agent = opt->user_agent ? opt->user_agent : "";
    const char *target = how->absolute ? how->absolute : url->target;
    size_t cap = 160 + strlen(target) + sizeof host + strlen(agent), at, i;
    char *buf;
    int rc = greet_url_host_header(url, host, sizeof host);

    if (rc != GREET_OK) {
        return rc;
    }
    for (i = 0; i < opt->header_count; i++) {
        cap += strlen(opt->headers[i]) + 4;
    }
    cap += how->authorization ? strlen(how->authorization) + 17 : 0;
    cap += how->proxy_authorization ? strlen(how->proxy_authorization) + 23 : 0;
    buf = malloc(cap);
    if (!buf) {
        return GREET_ENOMEM;
    }
    at = (size_t)sprintf(buf, "%s %s HTTP/1.1\r\n",
                         opt->method == GREET_FETCH_HEAD ? "HEAD" : "GET", target);
    *dropped = 0;
    if (how->other_origin && override_of(opt, "Host")) {
        at = put_field(buf, at, "Host", 4, host); /* the user's Host named the first origin */
        (*dropped)++;
    } else {
        at = put_builtin(buf, at, opt, "Host", host);
    }
    at = put_builtin(buf, at, opt, "User-Agent", agent);
    at = put_builtin(buf, at, opt, "Accept", "*/*");
    at = put_builtin(buf, at, opt, "Accept-Encoding", opt->compressed ? "deflate, gzip" : "");
    /* HTTP/1.1 connections persist by default: nothing to say when the connection is kept. */
    at = put_builtin(buf, at, opt, "Connection", how->keep_alive ? "" : "close");
    at = put_credentials(buf, at, opt, how, dropped);
    for (i = 0; i < opt->header_count; i++) {
        const char *f = opt->headers[i];
        if (how->other_origin && is_credential(f)) {
            (*dropped)++;
        } else if (!is_builtin(f)) {
            at = put_field(buf, at, f, field_name_len(f), field_value(f));
        }
    }
    memcpy(buf + at, "\r\n", 2);
    *out = buf;
    *len = at + 2;
    return GREET_OK;
}
