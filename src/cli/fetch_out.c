/* The output file of `greet fetch -o`: a temporary file beside the target, renamed over it only
 * once every byte is on disk. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fetch_cli.h"
#include "gp.h"

#define TEMP_TRIES 100

int cli_stream_error(void)
{
    int e = errno;

    return e != 0 ? gp_oserr_set(GP_OSERR_ERRNO, e) : GREET_EIO;
}

static int report(const char *what, const char *path, int err)
{
    char text[256];

    cli_error("fetch", 0, "%s %s: %s", what, path, greet_error_text(err, text, sizeof text));
    return err;
}

static int make_dirs(const char *path)
{
    size_t n = gp_path_dirlen(path);
    char *dir;
    int rc;

    if (n == 0) {
        return GREET_OK;
    }
    dir = malloc(n + 1);
    if (!dir) {
        return GREET_ENOMEM;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
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
    size_t cap = strlen(o->path) + 64;
    int i, err = GREET_EEXIST;

    o->temp = malloc(cap);
    if (!o->temp) {
        return GREET_ENOMEM;
    }
    for (i = 0; i < TEMP_TRIES && err == GREET_EEXIST; i++) {
        snprintf(o->temp, cap, "%s.greet-%lu-%u.tmp", o->path, gp_process_id(), counter++);
        o->fp = gp_fopen(o->temp, "wbx", &err);
        if (o->fp) {
            return GREET_OK;
        }
    }
    free(o->temp);
    o->temp = NULL;
    return err;
}

int cli_out_open(struct cli_out *o, const char *path, int create_dirs)
{
    int rc;

    memset(o, 0, sizeof *o);
    o->path = path;
    if (create_dirs) {
        rc = make_dirs(path);
        if (rc != GREET_OK) {
            return rc;
        }
    }
    rc = open_temp(o);
    return rc != GREET_OK ? report("create a file beside", path, rc) : GREET_OK;
}

int cli_out_write(struct cli_out *o, const void *data, size_t len)
{
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
    rc = gp_file_replace(o->temp, o->path);
    if (rc != GREET_OK) {
        report("rename the download to", o->path, rc);
        cli_out_discard(o);
        return rc;
    }
    free(o->temp);
    o->temp = NULL;
    return GREET_OK;
}

void cli_out_discard(struct cli_out *o)
{
    if (o->fp) {
        fclose(o->fp);
        o->fp = NULL;
    }
    if (o->temp) {
        gp_file_remove(o->temp);
        free(o->temp);
        o->temp = NULL;
    }
}
