/*
 * The tool helper layer: the part of the platform contract (gp.h) that a program built on
 * libgreet needs for itself and that is not the library's job: the OS error detail, clocks and
 * deadlines, threads, the stop signal, files by UTF-8 name, the console, the UTF-8 command line,
 * the process. curl's curlx is the model: the greet program (src/cli) includes only this header and
 * the public headers (include/greet/).
 *
 * The same platform objects serve both: a static libgreet carries them; with a shared libgreet,
 * which exports only greet_* names, the program links them from the static greet_tool library
 * (src/CMakeLists.txt), so they are never part of libgreet's ABI.
 *
 * Conventions as in gp.h: int functions return 0 (GREET_OK) or a negative greet_err, forget the
 * calling thread's OS detail on entry and record the OS's raw value when they fail, and nothing
 * prints.
 */
#ifndef GREET_PLATFORM_GP_TOOL_H
#define GREET_PLATFORM_GP_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "greet/error.h"
#include "gp_printf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors ------------------------------------------------------------------------------- */

/* Which table the recorded raw value belongs to, so it can be named and described. (The TLS
 * backend records its failures as ready text; see gp_tls.h.) */
enum gp_oserr_kind { GP_OSERR_NONE, GP_OSERR_ERRNO, GP_OSERR_SOCKET, GP_OSERR_WIN32, GP_OSERR_GAI };

/* Records raw as the calling thread's last OS error and returns its portable code. For the
 * platform's implementations (and their tests): nothing above platform/ records by hand. */
int gp_oserr_set(int kind, int raw);

/* The portable code of the calling thread's last recorded OS error; GREET_OK if none. */
int gp_oserr_code(void);

/* Forgets the calling thread's last OS error: what every failing gp_ function does on entry.
 * Like gp_oserr_set, for the platform itself. */
void gp_oserr_clear(void);

/* Writes "NAME raw: OS text" for the calling thread's last OS error, or "" if none. */
void gp_oserr_describe(char *buf, size_t size);

/* ---- Failures carried with their code -------------------------------------------------- */

/* The record above lives only until the next gp_ call, so a failure that travels (up through a
 * transport, past a clean-up, into a log line) carries its detail with its code in a gp_failure:
 * taken where the failure happened (gp_failure_take), rendered in one place (gp_failure_text). */
#define GP_DETAIL_MAX 256

typedef struct gp_failure {
    int code;                   /* a greet_err, or a caller's own non-negative reason */
    char detail[GP_DETAIL_MAX]; /* "NAME raw: OS text", a TLS library's reason, or "" */
} gp_failure;

/* Keeps code in *f, with the calling thread's OS detail when that record produced code. Called at
 * the failure site, right after the gp_ call that returned code (or where a caller chose code
 * itself: the record then explains nothing and f gets the code alone). Returns code, so that a
 * failure site reads `return gp_failure_take(&t->fail, rc);`. */
int gp_failure_take(gp_failure *f, int code);

/* The one rendering of a failure: "message (detail)" ("connection refused (ECONNREFUSED 111:
 * Connection refused)"), or greet_strerror(code) alone when there is no detail. Returns buf. */
char *gp_failure_text(const gp_failure *f, char *buf, size_t size);

/* Makes f the calling thread's record again and returns f->code: for a library's public function
 * that carried its failure past clean-up calls, whose caller reads the detail from the record
 * (greet_error_text). */
int gp_failure_record(const gp_failure *f);

/* ---- Deadlines ---------------------------------------------------------------------------- */

/* A deadline: the gp_clock_ms() time at which a wait gives up with GREET_ETIMEDOUT. Time has this
 * one shape below the public API: a user's timeout becomes a deadline once, where it enters
 * (gp_deadline_in), and every call after that takes the deadline, so a limit that spans many
 * calls (a whole transfer) is never re-spelled or re-computed on the way down.
 * GP_DEADLINE_NONE (0) is the one spelling of "no limit"; a passed deadline makes a wait only
 * look (poll with no time). */
typedef uint64_t gp_deadline;
#define GP_DEADLINE_NONE ((gp_deadline)0)

/* The deadline ms milliseconds from now. ms <= 0 gives GP_DEADLINE_NONE, as 0 means "no limit"
 * in the public API; a positive ms is at least 1 ms away, never "none". */
gp_deadline gp_deadline_in(int64_t ms);

/* Milliseconds left before d, clamped to INT_MAX: 0 once it passed, -1 for GP_DEADLINE_NONE
 * (poll's "forever"). For the platform's conversion to an OS wait, and for messages. */
int gp_deadline_left(gp_deadline d);

/* Non-zero once d has passed; never for GP_DEADLINE_NONE. */
int gp_deadline_passed(gp_deadline d);

/* The earlier of a and b, GP_DEADLINE_NONE being later than any deadline. */
gp_deadline gp_deadline_min(gp_deadline a, gp_deadline b);

/* ---- Time --------------------------------------------------------------------------------- */

/* Milliseconds from an arbitrary fixed point, never going backwards. */
uint64_t gp_clock_ms(void);

/* Wall-clock time of day for log lines: "2026-11-26 14:03:07.123" into buf (at least 24). */
void gp_timestamp(char *buf, size_t size);

void gp_sleep_ms(int ms);

/* Sleeps until d has passed; at once when it has, and for GP_DEADLINE_NONE (a sleep without end
 * is never what a caller means). It cannot be interrupted: a caller that must stay responsive
 * (to a stop, to its own deadline) sleeps to the earliest of those in short slices and looks
 * between them, as the fetch engine's --limit-rate pauses do. */
void gp_sleep_until(gp_deadline d);

/* ---- Threads and synchronisation ---------------------------------------------------------- */

typedef struct gp_thread gp_thread;
typedef struct gp_mutex gp_mutex;
typedef struct gp_cond gp_cond;
typedef void (*gp_thread_fn)(void *arg);

/* Starts fn(arg) on a new thread (pthread_create / _beginthreadex) with the given stack size in
 * bytes (0: the OS default; rounded up to what the OS needs). With out NULL the thread is
 * detached and cleans up after itself; otherwise gp_thread_join must be called once. */
int gp_thread_start(gp_thread **out, gp_thread_fn fn, void *arg, size_t stack_size);

/* Waits for the thread to end and frees it. */
int gp_thread_join(gp_thread *t);

int gp_mutex_create(gp_mutex **out);
void gp_mutex_destroy(gp_mutex *m);
void gp_mutex_lock(gp_mutex *m);
void gp_mutex_unlock(gp_mutex *m);

int gp_cond_create(gp_cond **out);
void gp_cond_destroy(gp_cond *c);
void gp_cond_signal(gp_cond *c);
void gp_cond_broadcast(gp_cond *c);
/* Waits on c with m held until deadline (GP_DEADLINE_NONE: forever); GREET_ETIMEDOUT when it
 * passed. Spurious wake-ups happen: callers re-check their condition. */
int gp_cond_wait(gp_cond *c, gp_mutex *m, gp_deadline deadline);

/* A counter safe to change from many threads (gcc/clang builtins, or Interlocked* on MSVC). */
typedef struct gp_atomic {
    volatile long value;
} gp_atomic;

long gp_atomic_load(gp_atomic *a);
void gp_atomic_store(gp_atomic *a, long v);
long gp_atomic_add(gp_atomic *a, long delta); /* returns the new value */
/* Sets *a to desired if it holds expected; returns non-zero when it did. */
int gp_atomic_cas(gp_atomic *a, long expected, long desired);

/* ---- Stop signal -------------------------------------------------------------------------- */

/* Installs the handler for Ctrl+C and termination (SIGINT/SIGTERM via sigaction on POSIX,
 * SetConsoleCtrlHandler on Windows). The handler only records the request; loops poll
 * gp_stop_requested() or block in gp_stop_wait(). Idempotent. */
int gp_stop_install(void);

/* Non-zero once a stop was requested (by a signal or gp_stop_raise). */
int gp_stop_requested(void);

/* Blocks until a stop is requested or deadline passes (GP_DEADLINE_NONE: forever): GREET_OK or
 * GREET_ETIMEDOUT. */
int gp_stop_wait(gp_deadline deadline);

/* Requests a stop as the signal handler would (for tests and for programs stopping themselves). */
void gp_stop_raise(void);

/* Why the stop was requested, as the signal's number so that 128 + cause is the exit status
 * shells expect (130, 143): GP_STOP_INTERRUPT for SIGINT, Ctrl+C, Ctrl+Break and gp_stop_raise;
 * GP_STOP_TERMINATE for SIGTERM and a closing console window; GP_STOP_NONE before any request. */
enum gp_stop_cause { GP_STOP_NONE = 0, GP_STOP_INTERRUPT = 2, GP_STOP_TERMINATE = 15 };
int gp_stop_cause(void);

/* Forgets a past request, so that a process (the test runner) can stop more than once. */
void gp_stop_reset(void);

/* ---- Files by UTF-8 name ------------------------------------------------------------------ */

/* fopen with a UTF-8 path (_wfopen after MultiByteToWideChar on Windows). mode as for fopen;
 * "x" (C11 exclusive create) is supported. NULL on failure, with the OS error recorded and the
 * portable code in *err (err may be NULL). */
FILE *gp_fopen(const char *path, const char *mode, int *err);

/* Atomically replaces to with from (rename / MoveFileExW with MOVEFILE_REPLACE_EXISTING). On
 * Windows a sharing violation (a scanner or indexer holding either file) is retried for about
 * 1.6 s before it fails. */
int gp_file_replace(const char *from, const char *to);

/* Renames from to to only when to does not exist: never replaces anything, GREET_EEXIST then
 * (from stays). For names chosen by someone else (fetch -J takes a server's). POSIX: link() then
 * unlink(from), atomic; where the file system has no hard links, to is first created exclusively
 * as an empty placeholder that the rename then replaces. Windows: MoveFileExW without
 * MOVEFILE_REPLACE_EXISTING, retried like gp_file_replace. */
int gp_file_move_new(const char *from, const char *to);

/* The last modification time of the file path names (following links), in seconds since
 * 1970-01-01 UTC (whole seconds; earlier times are negative). */
int gp_file_mtime(const char *path, int64_t *t);

/* Sets the modification and access times of the file path names to t (seconds since 1970, UTC),
 * as curl -R does (utimensat; SetFileTime on Windows, which takes years from 1601 on). */
int gp_file_set_mtime(const char *path, int64_t t);

/* Removes a file. */
int gp_file_remove(const char *path);

/* Non-zero when path names an existing file or folder. */
int gp_path_exists(const char *path);

/* The size in bytes of the file path names (following links), 64-bit on every system. */
int gp_file_size(const char *path, uint64_t *size);

/* Creates path and its missing parents (mkdir -p); an existing folder is fine. Accepts '/' and,
 * on Windows, '\\' separators and drive letters. */
int gp_mkdir_p(const char *path);

/* Index just past the last path separator of path ('/' and, on Windows, '\\' and ':'), 0 when
 * there is none: path[0..i) is the folder part. */
size_t gp_path_dirlen(const char *path);

/* What an output path names, for writers that must not replace what is there. */
enum gp_file_kind {
    GP_FILE_NONE = 0, /* nothing (or a link to nothing) */
    GP_FILE_REGULAR,  /* a regular file: safe to replace by renaming a new file over it */
    GP_FILE_DIR,      /* a folder */
    GP_FILE_SPECIAL   /* a device (/dev/null, NUL, CON), FIFO, socket or terminal: write in place */
};

/* The kind of what path names, following symbolic links (reparse points on Windows), into *kind,
 * and into *writable non-zero when this process may write it: on POSIX the permission bits for
 * the process's user (access W_OK), and a regular file with no write bit at all counts as
 * read-only even for root; on Windows the read-only attribute. A path that does not exist (or a
 * link to nothing) is GP_FILE_NONE and writable. */
int gp_file_kind(const char *path, int *kind, int *writable);

/* The path a write to path finally reaches, in *out (free() it): path itself, or, when path is a
 * symbolic link (a reparse point on Windows), what it points to, hop by hop, relative targets
 * taken from the link's folder. The target need not exist (on Windows it must: a reparse point
 * to nothing is an error, never replaced). More than 40 hops is a failure (the OS's "too many
 * levels of symbolic links"). Not for special files: /dev/stdout's target is no path. */
int gp_path_follow(const char *path, char **out);

/* Gives the file `to` the permission bits of the file `from`, and its owner and group where the
 * process may set them (a refusal there is ignored: only root may give files away on POSIX).
 * Windows files keep the attributes of `from` except read-only. */
int gp_file_copy_mode(const char *from, const char *to);

/* ---- Process and console ------------------------------------------------------------------ */

/* Switches stdout to binary mode (_setmode on Windows; nothing on POSIX). */
void gp_stdout_binary(void);

/* Writes len bytes of UTF-8 text to stream (stdout, stderr, or one other stream, such as the
 * console fetch -o CON opened; each of the three holds its own split character). On a Windows
 * console: what the
 * stream has buffered first, then the text as UTF-16 through WriteConsoleW, so it displays right
 * whatever the console's code page (which greet never changes); a character split across two
 * calls is held back until it is whole. Anywhere else (pipes, files, POSIX terminals) the exact
 * bytes, through fwrite and the stream's buffer. Safe from many threads when each call is a
 * whole line. */
int gp_text_write(FILE *stream, const void *buf, size_t len);

/* fgets for text from stream (stdin): a Windows console is read with ReadConsoleW and converted
 * to UTF-8 (line ends as "\n", Ctrl+Z at the start of a line is the end), so typed non-ASCII
 * text arrives intact; anything else is read with fgets. NULL at the end or on error. */
char *gp_text_read_line(char *buf, int size, FILE *stream);

/* Replaces *argc and *argv with the command line in UTF-8 (CommandLineToArgvW + WideCharToMultiByte
 * on Windows; unchanged on POSIX). The strings live until the process ends. */
int gp_args_utf8(int *argc, char ***argv);

/* Non-zero when the stream (stdin, stdout or stderr) is a terminal. */
int gp_isatty(FILE *stream);

/* Prints prompt on stderr and reads one line from stdin, which must be a terminal, with echo
 * off (termios on POSIX; the console mode without ENABLE_ECHO_INPUT on Windows, read as UTF-8),
 * into buf without its line end; echo comes back before it returns. GREET_EINVAL when stdin is
 * not a terminal (nothing read), GREET_ECLOSED at the end of input. For passwords. */
int gp_read_secret(const char *prompt, char *buf, size_t size);

/* The path of the user's configuration file NAME in UTF-8: $HOME/.NAME on POSIX; on Windows
 * %HOME%\_NAME, else %USERPROFILE%\_NAME (where curl looks for _netrc). GREET_ENOENT when no
 * home folder is set, GREET_ETOOBIG when the path does not fit size. */
int gp_home_file(const char *name, char *buf, size_t size);

/* Writes all len bytes to standard error below stdio (write(2) on POSIX; on Windows the C
 * runtime's _write, which keeps the text-mode "\r\n", or gp_text_write's WriteConsoleW for a
 * console), retrying partial writes and EINTR. A thread
 * blocked here by a reader that stopped reading holds no stdio lock, so exit (and any other
 * thread's stdio) is not held up by it, as they would be by a blocked fputs(stderr). */
int gp_stderr_write(const void *buf, size_t len);

/* The calling process's id, for unique temporary names. */
unsigned long gp_process_id(void);

/* This machine's host name (gethostname), NUL-terminated. */
int gp_hostname(char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
