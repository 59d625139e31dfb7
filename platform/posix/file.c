/* POSIX files: names are bytes and UTF-8 passes through untouched. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
    gp_oserr_clear();
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
    gp_oserr_clear();
    if (rename(from, to) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return GREET_OK;
}

/* The errors of link() on a file system that has no hard links (FAT, some network and FUSE
 * file systems): EPERM on Linux's vfat, ENOTSUP or ENOSYS elsewhere. */
static int no_hard_links(int e)
{
    return e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS || e == EMLINK;
}

/* Without hard links: to is taken with an exclusive create, so no one else's file can be there,
 * then the rename replaces that empty placeholder. */
static int move_by_placeholder(const char *from, const char *to)
{
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);

    if (fd < 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    close(fd);
    if (rename(from, to) != 0) {
        int rc = gp_oserr_set(GP_OSERR_ERRNO, errno);
        unlink(to);
        return rc;
    }
    return GREET_OK;
}

int gp_file_move_new(const char *from, const char *to)
{
    gp_oserr_clear();
    if (link(from, to) == 0) {
        /* to is the whole file now; a from left behind (unlink refused) is only a spare name. */
        (void)unlink(from);
        return GREET_OK;
    }
    if (!no_hard_links(errno)) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return move_by_placeholder(from, to);
}

int gp_file_mtime(const char *path, int64_t *t)
{
    gp_oserr_clear();
    struct stat st;

    if (stat(path, &st) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    *t = (int64_t)st.st_mtime;
    return GREET_OK;
}

int gp_file_set_mtime(const char *path, int64_t t)
{
    gp_oserr_clear();
    struct timespec times[2];

    times[0].tv_sec = (time_t)t;
    times[0].tv_nsec = 0;
    times[1] = times[0];
    if ((int64_t)times[0].tv_sec != t) {
        return GREET_EINVAL; /* a 32-bit time_t cannot hold it */
    }
    if (utimensat(AT_FDCWD, path, times, 0) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return GREET_OK;
}

int gp_file_remove(const char *path)
{
    gp_oserr_clear();
    if (unlink(path) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return GREET_OK;
}

int gp_file_size(const char *path, uint64_t *size)
{
    gp_oserr_clear();
    struct stat st;

    if (stat(path, &st) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    *size = (uint64_t)st.st_size;
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
    gp_oserr_clear();
    size_t len = strlen(path);
    char *copy;
    size_t i;
    int rc = GREET_OK;

    if (len == 0) {
        return GREET_EINVAL;
    }
    copy = (char *)malloc(len + 1);
    if (copy == NULL) {
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

int gp_file_kind(const char *path, int *kind, int *writable)
{
    gp_oserr_clear();
    struct stat st;

    *kind = GP_FILE_NONE;
    *writable = 1;
    if (stat(path, &st) != 0) {
        /* Nothing there (or a dangling link) is a file still to create; anything else is the
         * OS's answer, e.g. a folder on the way that may not be searched. */
        return errno == ENOENT ? GREET_OK : gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    *kind = S_ISREG(st.st_mode)   ? GP_FILE_REGULAR
            : S_ISDIR(st.st_mode) ? GP_FILE_DIR
                                  : GP_FILE_SPECIAL;
    /* A file without any write permission bit is read-only even for root, who could write it:
     * the bits say the owner wants it kept (rm asks too, and Windows' read-only attribute is the
     * same rule). */
    *writable = access(path, W_OK) == 0 && (S_ISREG(st.st_mode) ? (st.st_mode & 0222) != 0 : 1);
    return GREET_OK;
}

#define LINK_HOPS_MAX 40 /* Linux's own limit for a path's links */

/* The target of the link at cur (a new string), relative targets joined to cur's folder. */
static int link_target(const char *cur, ssize_t cap, char **next)
{
    char *target = malloc((size_t)cap + 1);
    size_t dir = gp_path_dirlen(cur);
    ssize_t n;

    if (!target) {
        return GREET_ENOMEM;
    }
    n = readlink(cur, target, (size_t)cap);
    if (n < 0) {
        free(target);
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    target[n] = '\0';
    *next = malloc(dir + (size_t)n + 1);
    if (*next) {
        memcpy(*next, cur, target[0] == '/' ? 0 : dir);
        memcpy(*next + (target[0] == '/' ? 0 : dir), target, (size_t)n + 1);
    }
    free(target);
    return *next ? GREET_OK : GREET_ENOMEM;
}

int gp_path_follow(const char *path, char **out)
{
    gp_oserr_clear();
    struct stat st;
    size_t len = strlen(path);
    char *cur = malloc(len + 1);
    char *next = NULL;
    int hops, rc = GREET_OK;

    if (!cur) {
        return GREET_ENOMEM;
    }
    memcpy(cur, path, len + 1);
    for (hops = 0; rc == GREET_OK && lstat(cur, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
        if (hops == LINK_HOPS_MAX) {
            rc = gp_oserr_set(GP_OSERR_ERRNO, ELOOP);
            break;
        }
        /* st_size is the target's length, except on file systems that report 0. */
        rc = link_target(cur, st.st_size > 0 ? (ssize_t)st.st_size : 4096, &next);
        free(cur);
        cur = next;
    }
    if (rc != GREET_OK) {
        free(cur);
        return rc;
    }
    gp_oserr_clear();
    *out = cur;
    return GREET_OK;
}

int gp_file_copy_mode(const char *from, const char *to)
{
    gp_oserr_clear();
    struct stat st;

    if (stat(from, &st) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    /* Only root may give a file away; anyone else keeps their own file, which is no error. The
     * owner first: chown may clear set-id bits that the chmod then restores. */
    (void)!chown(to, st.st_uid, st.st_gid);
    if (chmod(to, st.st_mode & 07777) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return GREET_OK;
}

int gp_home_file(const char *name, char *buf, size_t size)
{
    const char *home = getenv("HOME");
    int n;

    gp_oserr_clear();
    if (!home || !home[0]) {
        return GREET_ENOENT;
    }
    n = snprintf(buf, size, "%s%s.%s", home, home[strlen(home) - 1] == '/' ? "" : "/", name);
    return n < 0 || (size_t)n >= size ? GREET_ETOOBIG : GREET_OK;
}
