/* POSIX files: names are bytes and UTF-8 passes through untouched. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gp.h"

static int report(int *err, int code)
{
    if (err != NULL) {
        *err = code;
    }
    return code;
}

/* C11's "x" by hand (open with O_EXCL, then fdopen), for C libraries that lack it. */
static FILE *fopen_exclusive(const char *path, const char *mode, int *err)
{
    char plain[8];
    size_t i;
    size_t n = 0;
    int flags = O_CREAT | O_EXCL | (strchr(mode, '+') ? O_RDWR : O_WRONLY);
    int fd;
    FILE *f;

    if (mode[0] != 'w' || strlen(mode) >= sizeof plain) {
        gp_oserr_clear();
        report(err, GREET_EINVAL);
        return NULL;
    }
    for (i = 0; mode[i] != '\0'; i++) {
        if (mode[i] != 'x') {
            plain[n++] = mode[i];
        }
    }
    plain[n] = '\0';
    fd = open(path, flags | O_CLOEXEC, 0666);
    if (fd < 0) {
        report(err, gp_oserr_set(GP_OSERR_ERRNO, errno));
        return NULL;
    }
    f = fdopen(fd, plain);
    if (f == NULL) {
        report(err, gp_oserr_set(GP_OSERR_ERRNO, errno));
        close(fd);
        unlink(path);
    }
    return f;
}

FILE *gp_fopen(const char *path, const char *mode, int *err)
{
    FILE *f;

    report(err, GREET_OK);
    if (strchr(mode, 'x') != NULL) {
        return fopen_exclusive(path, mode, err);
    }
    f = fopen(path, mode);
    if (f == NULL) {
        report(err, gp_oserr_set(GP_OSERR_ERRNO, errno));
    }
    return f;
}

int gp_file_replace(const char *from, const char *to)
{
    if (rename(from, to) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return GREET_OK;
}

int gp_file_remove(const char *path)
{
    if (unlink(path) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return GREET_OK;
}

int gp_path_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* mkdir that accepts an existing folder (also one made by a racing process). Some systems
 * report EACCES or EROFS rather than EEXIST for a folder that is already there, so the answer
 * comes from stat, not from the error. */
static int make_dir(const char *path)
{
    struct stat st;
    int saved;

    if (mkdir(path, 0777) == 0) {
        return GREET_OK;
    }
    saved = errno;
    if (stat(path, &st) == 0) {
        return S_ISDIR(st.st_mode) ? GREET_OK : gp_oserr_set(GP_OSERR_ERRNO, ENOTDIR);
    }
    return gp_oserr_set(GP_OSERR_ERRNO, saved);
}

int gp_mkdir_p(const char *path)
{
    size_t len = strlen(path);
    char *copy;
    size_t i;
    int rc = GREET_OK;

    if (len == 0) {
        gp_oserr_clear();
        return GREET_EINVAL;
    }
    copy = (char *)malloc(len + 1);
    if (copy == NULL) {
        gp_oserr_clear();
        return GREET_ENOMEM;
    }
    memcpy(copy, path, len + 1);
    /* Each parent in turn: cut the copy at every separator (but not a leading one). */
    for (i = 1; i <= len && rc == GREET_OK; i++) {
        if (copy[i] == '/' || copy[i] == '\0') {
            if (copy[i - 1] == '/') {
                continue; /* "a//b" or a trailing slash */
            }
            copy[i] = '\0';
            rc = make_dir(copy);
            copy[i] = path[i];
        }
    }
    free(copy);
    return rc;
}

size_t gp_path_dirlen(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash == NULL ? 0 : (size_t)(slash - path) + 1;
}
