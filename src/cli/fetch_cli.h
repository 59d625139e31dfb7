/* The pieces of `greet fetch` beside its option handling (cmd_fetch.c): the output file that only
 * appears when the download succeeds, and the progress bar. */
#ifndef GREET_CLI_FETCH_CLI_H
#define GREET_CLI_FETCH_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "greet/error.h"
#include "greet/fetch.h"

/* An output file written under a temporary name beside it and renamed into place by
 * cli_out_commit, so that a failed download never leaves a partial file nor clobbers an old one.
 * A device, FIFO or socket is written in place instead (it cannot be replaced). */
struct cli_out {
    FILE *fp;
    const char *path; /* the name the user gave, for messages */
    char *target;     /* what it finally names (symbolic links followed) */
    char *temp;       /* the temporary name, NULL once committed or discarded */
    int in_place;     /* the target is a device, FIFO or socket, written directly */
    int keep;         /* the side file of a resumable download: kept on failure */
    int no_replace;   /* -J: the target must not exist; the rename never replaces a file */
    int has_mtime;    /* -R: the file gets mtime as its modification time */
    int64_t mtime;
};

/* Opens the output for path (and path's folders first when create_dirs): a temporary file beside
 * path's final target with the old file's permissions, or the target itself when it is not a
 * regular file. A folder, or a file the user may not write, is refused (GREET_EISDIR,
 * GREET_EACCES) and left as it was. On failure prints the reason and returns a greet_err. */
int cli_out_open(struct cli_out *o, const char *path, int create_dirs);

/* Opens path's side file PATH.part (beside its final target) for a resumable download, to append
 * to what it holds (*have bytes). Without one, and with from_target, the existing target's bytes
 * are copied into a new side file first (curl resumes from the target itself). The side file is
 * kept on failure (cli_out_discard leaves it) and renamed over the target by cli_out_commit. */
int cli_out_open_part(struct cli_out *o, const char *path, int create_dirs, int from_target,
                      uint64_t *have);

/* Writes len bytes; a greet_err when the file cannot take them. */
int cli_out_write(struct cli_out *o, const void *data, size_t len);

/* Flushes, closes and renames the file into place (a target written in place is just closed:
 * what reached it cannot be taken back); on failure prints the reason, removes the
 * temporary file and returns a greet_err. With no_replace an existing target is GREET_EEXIST and
 * stays as it was; with has_mtime the file gets that modification time first (a failure there
 * is only a warning, as in curl). */
int cli_out_commit(struct cli_out *o);

/* Closes and removes the temporary file (after any failure). Safe to call twice. */
void cli_out_discard(struct cli_out *o);

/* The portable code for the C library's last failure on a stream (errno where it is set, EIO
 * otherwise), with the OS detail recorded for the message. */
int cli_stream_error(void);

/* -J: the file is to be called name (in the current folder; the caller keeps the string for the
 * output's life) instead, and never replace one. */
int cli_out_rename_to(struct cli_out *o, const char *name);

/* Restarts the output for another attempt: the temporary file is emptied (a target written in
 * place cannot be, and gets the next attempt's bytes after the first's). */
int cli_out_restart(struct cli_out *o);

/* --retry and its companions. */
struct cli_retry {
    int max;          /* --retry N: at most N more attempts */
    long delay_ms;    /* --retry-delay: a fixed wait; 0: exponential backoff */
    long max_time_ms; /* --retry-max-time: no attempt starts after this; 0: no limit */
    int all_errors;   /* --retry-all-errors */
};

/* Non-zero for the statuses worth another try: 408, 429, 500, 502, 503, 504. */
int cli_retry_status(int status);

/* Non-zero when a failure is transient: timeouts, refused, reset or cut-short connections, a
 * resolver that could not answer now; with all_errors any failure but success, bad input and
 * the user's stop. */
int cli_retry_transient(const struct cli_retry *p, int rc);

/* The wait before retry n (1-based) in ms: the server's Retry-After seconds when it gave some
 * (retry_after_s >= 0; at most 6 hours), else --retry-delay, else 1 s doubled each time, at
 * most 10 minutes. */
long cli_retry_delay(const struct cli_retry *p, int n, long retry_after_s);

/* Retry-After in seconds from a raw response head; -1 when absent or an HTTP-date. */
long cli_retry_after(const char *head, size_t len);

/* The value of the first field called name (lower case) in a raw response head, without its
 * surrounding blanks, and its length in *vlen; NULL when there is none. */
const char *cli_head_field(const char *head, size_t len, const char *name, size_t *vlen);

/* Resuming (-C): the side file's offset and what the request says about it. */
struct cli_resume {
    uint64_t offset;    /* bytes already in the side file: the server is asked for the rest */
    char range[48];     /* "Range: bytes=N-", "" when offset is 0 */
    char if_range[320]; /* "If-Range: <validator>" from the side file's meta file, or "" */
};

/* Sets up the fields for resuming at offset, with the validator saved in meta_path if any. */
void cli_resume_prepare(struct cli_resume *rs, const char *meta_path, uint64_t offset);

/* What an answer to a resumed request means for the side file. */
enum cli_resume_verdict {
    CLI_RESUME_APPEND,   /* 206 from our offset: the body is the rest */
    CLI_RESUME_RESTART,  /* 200 (no range, or If-Range failed): the whole file, from byte 0 */
    CLI_RESUME_COMPLETE, /* 416 and the file is exactly offset bytes long: nothing is missing */
    CLI_RESUME_REFUSED,  /* a 206 for other bytes, or a 416 for another length: why says it */
    CLI_RESUME_OTHER     /* any other status: not about the range */
};
int cli_resume_verdict(const struct cli_resume *rs, int status, const char *head, size_t len,
                       char *why, size_t size);

/* Keeps the answer's validator (a strong ETag, else Last-Modified) in meta_path for If-Range
 * the next time; removes meta_path when there is none. */
void cli_resume_save(const char *meta_path, const char *head, size_t len);

/* -z DATE|FILE: the condition sent as If-Modified-Since (or, after a '-', If-Unmodified-Since). */
struct cli_time_cond {
    int on;
    int unmodified; /* -z -DATE */
    int64_t t;      /* seconds since 1970, UTC */
    char field[64]; /* "If-Modified-Since: <IMF-fixdate>" */
};

/* Reads -z's argument: the modification time of an existing file, else a date as
 * greet_http_date_parse reads it. Returns a CLI exit code (a usage error after printing why). */
int cli_time_cond_parse(struct cli_time_cond *tc, const char *arg);

/* Non-zero when a 2xx answer fails the condition the server should have checked (it ignored
 * it): its Last-Modified is not after the date (not at or before it with -z -DATE). why says so
 * for the message. An answer without a readable Last-Modified meets it. */
int cli_time_cond_unmet(const struct cli_time_cond *tc, int status, const char *head, size_t len,
                        char *why, size_t size);

/* The Last-Modified time of a raw response head into *t; 0 when absent or not a date. */
int cli_last_modified(const char *head, size_t len, int64_t *t);

/* -R: the output file gets the head's Last-Modified as its time (nothing when there is none). */
void cli_out_set_remote_time(struct cli_out *o, const char *head, size_t len);

/* -J: the longest file name taken from a server, with its NUL. */
#define CLI_NAME_MAX 256

/* The file name a Content-Disposition value suggests (filename*, else filename; RFC 6266), with
 * any folder part removed, into name. GREET_ENOENT when it names none; GREET_EINVAL when the name
 * cannot be used safely (empty, ".", "..", control characters, characters or device names
 * Windows gives a meaning, too long): *why says why and name holds it for the message. */
int cli_disposition_name(const char *value, size_t len, char *name, size_t size, const char **why);

/* -J on a response head: when its Content-Disposition names a usable file that does not exist,
 * the output is renamed to it (kept in name, size bytes, which must live as long as o) and will
 * never replace a file. Without a name there it stays as it was. A name that cannot be used or
 * exists is refused with one line naming it (its bytes escaped) and a greet_err. */
int cli_out_name_from_server(struct cli_out *o, const char *url, const char *head, size_t len,
                             char *name, size_t size);

/* --limit-rate RATE: bytes per second, a whole number or one with a fraction ("1.5"), with an
 * optional suffix K, M or G (case-insensitive, powers of 1024, as curl: "200K", "1.5M"; the
 * bytes are cut to a whole number, and a rate above 0 but below 1 is 1). 0 means no limit.
 * GREET_EINVAL for anything else ("-1", "1KB", "1e3", "", blanks), GREET_ETOOBIG above
 * INT64_MAX bytes per second. */
int cli_rate_parse(const char *text, int64_t *bytes_per_s);

/* What -w/--write-out can say about a finished transfer (curl's variable names). */
struct cli_writeout {
    int http_code;                  /* %{http_code}: the last response's status, 000 when none */
    uint64_t size_download;         /* %{size_download}: body bytes received */
    uint64_t time_total_us;         /* %{time_total}: seconds, with microseconds */
    int num_redirects;              /* %{num_redirects} */
    int exitcode;                   /* %{exitcode} */
    const char *url_effective;      /* %{url_effective}: the last URL fetched */
    const char *errormsg;           /* %{errormsg}: "" after success */
    const char *filename_effective; /* %{filename_effective}: the output file, "" for stdout */
};

/* Writes fmt to out with %{name} replaced by its value, %% as %, and \n \r \t \\ unescaped;
 * an unknown name is left out with a warning on stderr, as curl does. */
void cli_write_out(FILE *out, const char *fmt, const struct cli_writeout *v);

/* The progress bar on stderr: redrawn at most every 100 ms, cleared by cli_progress_end. */
struct cli_progress {
    uint64_t last_draw_ms;
    int drawn; /* something is on the line and needs clearing */
};

void cli_progress_update(struct cli_progress *bar, const struct greet_fetch_progress *p);
void cli_progress_end(struct cli_progress *bar);

/* Credentials (fetch_auth.c): what the command line says ... */
enum { CLI_NETRC_OFF = 0, CLI_NETRC_REQUIRED = 1, CLI_NETRC_OPTIONAL = 2 };
struct cli_auth_args {
    const char *user;       /* -u USER[:PASSWORD] */
    const char *proxy_user; /* --proxy-user USER[:PASSWORD] */
    int netrc;              /* --netrc, --netrc-optional (--netrc-file alone: required) */
    const char *netrc_file; /* NULL: ~/.netrc (%USERPROFILE%\_netrc on Windows) */
};

/* ... and what it settles: the URL without its user-info (to show and to fetch) and the
 * credentials that opt points to. */
struct cli_auth {
    char *url;
    int has_user;
    char user[GREET_AUTH_TOKEN_MAX + 1];
    char password[GREET_AUTH_TOKEN_MAX + 1];
    char proxy_user[GREET_AUTH_TOKEN_MAX + 1];
    char proxy_password[GREET_AUTH_TOKEN_MAX + 1];
};

/* -u USER without a password: asks for it on the terminal without echo, as curl does, and
 * points in->user at "USER:PASSWORD" in buf (2 * GREET_AUTH_TOKEN_MAX + 2 bytes), once for all
 * the URLs. Without a terminal that is a usage error. Returns a CLI exit code. */
int cli_auth_ask(struct cli_auth_args *in, char *buf, size_t size);

/* Settles the origin's credentials for one URL as curl does: -u, else the URL's user:password, else
 * with --netrc the file's entry for the host (and the URL's user); sets opt's user, password and
 * proxy credentials to au's. au->url is the URL without user-info from then on. Returns a CLI exit
 * code after printing why. Free with cli_auth_free (also after a failure). */
int cli_auth_settle(struct cli_auth *au, const struct cli_auth_args *in, const char *url,
                    greet_fetch_options *opt);
void cli_auth_free(struct cli_auth *au);

/* For -v: where the secret of an "Authorization:" or "Proxy-Authorization:" line (n bytes)
 * starts (after the scheme, "Basic "), n for any other line. What follows is never shown. */
size_t cli_secret_at(const char *line, size_t n);

#endif
