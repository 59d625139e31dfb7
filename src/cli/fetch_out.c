/* The output file of `greet fetch -o`: a temporary file beside the target, renamed over it only
 * once every byte is on disk. What is there already decides how: a regular file is replaced and
 * the new one keeps its permissions, a symbolic link is followed and its target replaced, a
 * device, FIFO or socket (/dev/null, /dev/stdout, NUL) is written in place, never renamed over,
 * and a file the user may not write is refused and left as it was. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fetch_cli.h"
#include "gp_tool.h"

#define TEMP_TRIES 100

int cli_stream_error(void)
{
    int e = errno;

    return e != 0 ? gp_oserr_set(GP_OSERR_ERRNO, e) : GREET_EIO;
}

/* Called right after the call that failed with err, whose OS detail it takes first. */
static int report(const char *what, const char *path, int err)
{
    char text[GP_DETAIL_MAX + 64];
    gp_failure why;

    gp_failure_take(&why, err);
    cli_error("fetch", 0, "%s %s: %s", what, path, gp_failure_text(&why, text, sizeof text));
    return err;
}

/* The folder part of path in a new string in *dir (free() it); NULL when path has none. */
static int folder_of(const char *path, char **dir)
{
    size_t n = gp_path_dirlen(path);

    *dir = NULL;
    if (n == 0) {
        return GREET_OK;
    }
    *dir = malloc(n + 1);
    if (!*dir) {
        return GREET_ENOMEM;
    }
    memcpy(*dir, path, n);
    (*dir)[n] = '\0';
    return GREET_OK;
}

static int make_dirs(const char *path)
{
    char *dir;
    int rc = folder_of(path, &dir);

    if (rc != GREET_OK || !dir) {
        return rc;
    }
    rc = gp_mkdir_p(dir);
    if (rc != GREET_OK) {
        report("create the folder", dir, rc);
    }
    free(dir);
    return rc;
}

/* Opens "PATH.greet-PID-N.tmp" with exclusive create, trying the next N while the name is taken. */
static int open_temp(struct cli_out *o)
{
    static unsigned counter;
    size_t cap = strlen(o->target) + 64;
    int i, err = GREET_EEXIST;

    o->temp = malloc(cap);
    if (!o->temp) {
        return GREET_ENOMEM;
    }
    for (i = 0; i < TEMP_TRIES && err == GREET_EEXIST; i++) {
        snprintf(o->temp, cap, "%s.greet-%lu-%u.tmp", o->target, gp_process_id(), counter++);
        o->fp = gp_fopen(o->temp, "wbx", &err);
        if (o->fp) {
            return GREET_OK;
        }
    }
    free(o->temp);
    o->temp = NULL;
    return err;
}

/* The file already there, which the download replaces: a link's target, its kind and mode. */
static int open_beside(struct cli_out *o, int kind)
{
    int rc = open_temp(o);

    if (rc != GREET_OK) {
        report("create a file beside", o->path, rc);
        cli_out_discard(o); /* the followed target's name: the caller has nothing to discard */
        return rc;
    }
    /* The body must never be readable by more people than the old file was, not even for the
     * length of the download: the mode is copied before the first byte is written. */
    rc = kind == GP_FILE_REGULAR ? gp_file_copy_mode(o->target, o->temp) : GREET_OK;
    if (rc != GREET_OK) {
        report("copy the permissions of", o->path, rc);
        cli_out_discard(o);
    }
    return rc;
}

/* Without --create-dirs, a missing folder is said so, with the option that creates it; the OS
 * would only say "no such file". GREET_OK when the folder is there (or the path has none). */
static int folder_missing(const char *path)
{
    char *dir;
    int missing, rc = folder_of(path, &dir);

    if (rc != GREET_OK || !dir) {
        return rc;
    }
    missing = !gp_path_exists(dir);
    if (missing) {
        cli_error("fetch", 0,
                  "write to %s: the folder %s does not exist (--create-dirs creates it)", path,
                  dir);
    }
    free(dir);
    return missing ? GREET_ENOENT : GREET_OK;
}

/* What every output needs first: folders, and a look at what is at path already. */
static int probe(struct cli_out *o, const char *path, int create_dirs, int *kind)
{
    int rc, writable = 1;

    memset(o, 0, sizeof *o);
    o->path = path;
    rc = create_dirs ? make_dirs(path) : folder_missing(path);
    if (rc != GREET_OK) {
        return rc;
    }
    /* The kind first, on the name as given: a device behind a link (/dev/stdout) is written
     * through the name, which the OS resolves; only files are followed to a path to replace. */
    rc = gp_file_kind(path, kind, &writable);
    if (rc != GREET_OK) {
        return report("look at", path, rc);
    }
    if (*kind == GP_FILE_DIR) {
        return report("write to", path, GREET_EISDIR);
    }
    if (!writable) {
        cli_error("fetch", 0, "write to %s: %s (the file is read-only; it was left as it was)",
                  path, greet_strerror(GREET_EACCES));
        return GREET_EACCES;
    }
    if (*kind == GP_FILE_SPECIAL) {
        return GREET_OK;
    }
    rc = gp_path_follow(path, &o->target);
    return rc != GREET_OK ? report("follow the link", path, rc) : GREET_OK;
}

int cli_out_open(struct cli_out *o, const char *path, int create_dirs)
{
    int kind = GP_FILE_NONE, rc = probe(o, path, create_dirs, &kind);

    if (rc != GREET_OK) {
        return rc;
    }
    if (kind == GP_FILE_SPECIAL) {
        o->in_place = 1;
        o->fp = gp_fopen(path, "wb", &rc);
        return o->fp ? GREET_OK : report("open", path, rc);
    }
    return open_beside(o, kind);
}

/* Copies the file from into the new file to (for resuming from an existing target). */
static int copy_file(const char *from, FILE *to)
{
    char buf[64 * 1024];
    size_t n;
    int rc = GREET_OK;
    FILE *in = gp_fopen(from, "rb", &rc);

    if (!in) {
        return rc;
    }
    errno = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0 && rc == GREET_OK) {
        rc = fwrite(buf, 1, n, to) == n ? GREET_OK : cli_stream_error();
    }
    if (rc == GREET_OK && ferror(in)) {
        rc = cli_stream_error();
    }
    fclose(in);
    return rc;
}

int cli_out_open_part(struct cli_out *o, const char *path, int create_dirs, int from_target,
                      uint64_t *have)
{
    int kind = GP_FILE_NONE, rc = probe(o, path, create_dirs, &kind);
    size_t len;

    *have = 0;
    if (rc == GREET_OK && kind == GP_FILE_SPECIAL) {
        cli_error("fetch", 0, "-C: %s is not a regular file and cannot be resumed", path);
        rc = GREET_EINVAL;
    }
    if (rc != GREET_OK) {
        cli_out_discard(o);
        return rc;
    }
    len = strlen(o->target);
    o->temp = malloc(len + sizeof ".part");
    if (!o->temp) {
        cli_out_discard(o);
        return GREET_ENOMEM;
    }
    memcpy(o->temp, o->target, len);
    memcpy(o->temp + len, ".part", sizeof ".part");
    o->keep = 1;
    if (gp_file_size(o->temp, have) == GREET_OK) {
        o->fp = gp_fopen(o->temp, "ab", &rc);
    } else if (from_target && kind == GP_FILE_REGULAR) {
        /* curl resumes from the target itself; the target here only changes when complete, so
         * what it holds becomes the side file's start. */
        o->fp = gp_fopen(o->temp, "wb", &rc);
        rc = o->fp ? copy_file(o->target, o->fp) : rc;
        rc = rc == GREET_OK ? gp_file_size(o->target, have) : rc;
    } else {
        o->fp = gp_fopen(o->temp, "wb", &rc);
    }
    if (rc == GREET_OK && o->fp && kind == GP_FILE_REGULAR) {
        rc = gp_file_copy_mode(o->target, o->temp);
    }
    if (!o->fp || rc != GREET_OK) {
        report("open", o->temp, rc);
        cli_out_discard(o);
        return rc != GREET_OK ? rc : GREET_EIO;
    }
    return GREET_OK;
}

int cli_out_write(struct cli_out *o, const void *data, size_t len)
{
    /* A device written in place may be a console (CON): its text goes through gp_text_write,
     * which shows UTF-8 right there and gives anything else the exact bytes. */
    if (o->in_place) {
        return gp_text_write(o->fp, data, len);
    }
    errno = 0;
    return fwrite(data, 1, len, o->fp) == len ? GREET_OK : cli_stream_error();
}

int cli_out_commit(struct cli_out *o)
{
    int rc = GREET_OK, closed;

    errno = 0;
    if (fflush(o->fp) != 0) {
        rc = cli_stream_error();
    }
    errno = 0;
    closed = fclose(o->fp);
    o->fp = NULL;
    if (rc == GREET_OK && closed != 0) {
        rc = cli_stream_error();
    }
    if (rc != GREET_OK) {
        report("write", o->path, rc);
        cli_out_discard(o);
        return rc;
    }
    rc = !o->in_place && o->has_mtime ? gp_file_set_mtime(o->temp, o->mtime) : GREET_OK;
    if (rc != GREET_OK) {
        char text[GP_DETAIL_MAX + 64];
        gp_failure why;
        gp_failure_take(&why, rc);
        cli_error("fetch", 0, "warning: -R: cannot set the time of %s: %s", o->path,
                  gp_failure_text(&why, text, sizeof text));
    }
    if (o->in_place) {
        rc = GREET_OK;
    } else if (o->no_replace) {
        rc = gp_file_move_new(o->temp, o->target);
    } else {
        rc = gp_file_replace(o->temp, o->target);
    }
    if (rc != GREET_OK) {
        report("rename the download to", o->path, rc);
    } else {
        free(o->temp); /* renamed: nothing left to remove */
        o->temp = NULL;
    }
    cli_out_discard(o);
    return rc;
}

int cli_out_rename_to(struct cli_out *o, const char *name)
{
    size_t len = strlen(name) + 1;
    char *target = malloc(len);

    if (!target) {
        return GREET_ENOMEM;
    }
    memcpy(target, name, len);
    free(o->target);
    o->target = target;
    o->path = name;
    o->no_replace = 1;
    return GREET_OK;
}

void cli_out_discard(struct cli_out *o)
{
    if (o->fp) {
        fclose(o->fp);
        o->fp = NULL;
    }
    if (o->temp) {
        if (!o->keep) {
            gp_file_remove(o->temp);
        }
        free(o->temp);
        o->temp = NULL;
    }
    free(o->target);
    o->target = NULL;
}

int cli_out_restart(struct cli_out *o)
{
    int rc = GREET_OK;

    if (o->in_place || !o->temp) {
        return GREET_OK;
    }
    fclose(o->fp);
    o->fp = gp_fopen(o->temp, "wb", &rc);
    return o->fp ? GREET_OK : report("empty", o->temp, rc);
}
