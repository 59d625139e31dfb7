/* The two small protocols of systemd's service manager, without libsystemd (which would be one
 * more run-time dependency for about eighty lines, and none of it portable to Windows):
 * - socket activation (sd_listen_fds(3)): LISTEN_PID names this process, LISTEN_FDS counts the
 *   descriptors passed from 3 on; LISTEN_FDNAMES may name them and is not needed;
 * - readiness (sd_notify(3)): "READY=1" and the like, one datagram to the AF_UNIX socket named
 *   by NOTIFY_SOCKET (a path, or "@name" for Linux's abstract namespace). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gp.h"

#define LISTEN_FDS_START 3 /* SD_LISTEN_FDS_START */

/* A decimal number that fills text, or -1. */
static long parse_count(const char *text)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    return text[0] != '\0' && *end == '\0' && errno == 0 && v >= 0 ? v : -1;
}

/* A stream socket in the listening state: what greet server can accept on. */
static int check_listening(int fd)
{
    int type = 0, accepting = 0;
    socklen_t len = sizeof type;

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno); /* ENOTSOCK, EBADF */
    }
    len = sizeof accepting;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    if (type != SOCK_STREAM || !accepting) {
        return gp_oserr_set(GP_OSERR_ERRNO, EINVAL);
    }
    return GREET_OK;
}

int gp_service_listeners(gp_socket *first, int *count)
{
    gp_oserr_clear();
    const char *pid = getenv("LISTEN_PID");
    const char *fds = getenv("LISTEN_FDS");
    long n, i;

    *first = GP_SOCKET_INVALID;
    *count = 0;
    if (!pid || !fds || parse_count(pid) != (long)getpid()) {
        return GREET_OK; /* not socket-activated, or the variables were meant for our parent */
    }
    n = parse_count(fds);
    /* Taken: a child process must not think the descriptors are its own. */
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    if (n < 0 || n > 1024) {
        gp_oserr_clear();
        return GREET_EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (fcntl(LISTEN_FDS_START + (int)i, F_SETFD, FD_CLOEXEC) != 0) {
            return gp_oserr_set(GP_OSERR_ERRNO, errno);
        }
    }
    *count = (int)n;
    if (n > 0) {
        int rc = check_listening(LISTEN_FDS_START);
        if (rc != GREET_OK) {
            return rc;
        }
        *first = (gp_socket)LISTEN_FDS_START;
    }
    return GREET_OK;
}

int gp_service_notify(const char *state)
{
    gp_oserr_clear();
    const char *where = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    size_t len = where ? strlen(where) : 0;
    socklen_t sa_len;
    ssize_t sent;
    int fd, err;

    if (len == 0) {
        return GREET_OK; /* no service manager is listening */
    }
    if ((where[0] != '/' && where[0] != '@') || len >= sizeof sa.sun_path) {
        gp_oserr_clear();
        return GREET_EUNSUPPORTED; /* e.g. systemd's vsock: addresses for virtual machines */
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, where, len);
    if (where[0] == '@') {
        sa.sun_path[0] = '\0'; /* abstract: no terminating NUL belongs to the name */
        sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    } else {
        sa_len = (socklen_t)sizeof sa;
    }
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC); /* lives for one sendto: a racing exec costs nothing */
    /* An unconnected datagram socket never raises SIGPIPE: no MSG_NOSIGNAL (not on macOS). */
    sent = sendto(fd, state, strlen(state), 0, (const struct sockaddr *)&sa, sa_len);
    err = errno;
    close(fd);
    return sent < 0 ? gp_oserr_set(GP_OSERR_ERRNO, err) : GREET_OK;
}

int gp_stderr_is_journal(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    char tail;

    /* "DEVICE:INODE" of the stream systemd connected; stderr may since have been redirected. */
    if (!stream || sscanf(stream, "%llu:%llu%c", &dev, &ino, &tail) != 2 || fstat(2, &st) != 0) {
        return 0;
    }
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}
