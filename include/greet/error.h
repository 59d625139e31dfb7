/* The one error model: every greet function returns 0 (GREET_OK) or a negative greet_err. */
#ifndef GREET_ERROR_H
#define GREET_ERROR_H

#include <stddef.h>

#include "greet/export.h"

GREET_BEGIN_DECLS

/* X(name, message): the single table that makes the enum, the names and the messages. */
#define GREET_ERROR_TABLE(X)                                                                       \
    X(OK, "success")                                                                               \
    X(EINVAL, "invalid argument")                                                                  \
    X(ENOMEM, "out of memory")                                                                     \
    X(EINTR, "interrupted")                                                                        \
    X(EAGAIN, "resource temporarily unavailable")                                                  \
    X(ETIMEDOUT, "timed out")                                                                      \
    X(ECONNREFUSED, "connection refused")                                                          \
    X(ECONNRESET, "connection reset by peer")                                                      \
    X(ECONNABORTED, "connection aborted")                                                          \
    X(EPIPE, "connection closed by peer")                                                          \
    X(ENOTCONN, "socket is not connected")                                                         \
    X(EADDRINUSE, "address already in use")                                                        \
    X(EADDRNOTAVAIL, "address not available")                                                      \
    X(EAFNOSUPPORT, "address family not supported")                                                \
    X(ENETDOWN, "network is down")                                                                 \
    X(ENETUNREACH, "network is unreachable")                                                       \
    X(EHOSTUNREACH, "host is unreachable")                                                         \
    X(ENOHOST, "host not found")                                                                   \
    X(ERESOLVE, "temporary failure in name resolution")                                            \
    X(EACCES, "permission denied")                                                                 \
    X(ENOENT, "no such file or directory")                                                         \
    X(EEXIST, "file exists")                                                                       \
    X(EISDIR, "is a directory")                                                                    \
    X(ENOTDIR, "not a directory")                                                                  \
    X(ENOSPC, "no space left on device")                                                           \
    X(EROFS, "read-only file system")                                                              \
    X(EMFILE, "too many open files")                                                               \
    X(EIO, "input/output error")                                                                   \
    X(ECANCELED, "operation canceled")                                                             \
    X(ECLOSED, "connection closed")                                                                \
    X(EPROTO, "protocol error")                                                                    \
    X(ETOOBIG, "limit exceeded")                                                                   \
    X(EBUSY, "server busy")                                                                        \
    X(EURL, "malformed URL")                                                                       \
    X(EUNSUPPORTED, "not supported in this build")                                                 \
    X(EHTTP, "HTTP error status")                                                                  \
    X(EREDIRECT, "too many redirects or a redirect loop")                                          \
    X(ETLS, "TLS error")                                                                           \
    X(ECERT, "certificate verification failed")                                                    \
    X(ESYS, "system error")

#define GREET_ERROR_ENUM_(name, msg) GREET_##name##_INDEX_,
enum greet_error_index_ { GREET_ERROR_TABLE(GREET_ERROR_ENUM_) GREET_ERROR_COUNT_ };
#undef GREET_ERROR_ENUM_

/* Codes are the negated table positions, so GREET_OK is 0 and every failure is negative. */
#define GREET_ERROR_CODE_(name, msg) GREET_##name = -GREET_##name##_INDEX_,
typedef enum greet_err { GREET_ERROR_TABLE(GREET_ERROR_CODE_) } greet_err;
#undef GREET_ERROR_CODE_

/* A short readable message ("connection refused"); never NULL, also for unknown codes. */
GREET_API const char *greet_strerror(int err);

/* The code's name without prefix ("ECONNREFUSED"); "UNKNOWN" for unknown codes. */
GREET_API const char *greet_errname(int err);

/* The operating system's own view of the calling thread's last failed greet call, for example
 * "WSAECONNREFUSED 10061: No connection could be made..." or "ECONNREFUSED 111". Writes "" when
 * the last failure was not a system call. Returns buf. Thread-safe: the detail is per thread. */
GREET_API char *greet_oserror(char *buf, size_t size);

/* greet_strerror(err) followed by the OS detail in parentheses when there is one:
 * "connection refused (ECONNREFUSED 111)". Returns buf. The detail is the calling thread's last
 * failure (as greet_oserror gives it), so call this right after the greet call that returned err:
 * it is attached only when that failure produced err. */
GREET_API char *greet_error_text(int err, char *buf, size_t size);

GREET_END_DECLS

#endif
