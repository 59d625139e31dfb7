/* POSIX process and console helpers: the terminal already speaks UTF-8 and bytes, so most of
 * these have nothing to do. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "gp.h"

void gp_stdout_binary(void)
{
}

int gp_text_write(FILE *stream, const void *buf, size_t len)
{
    gp_oserr_clear();
    if (fwrite(buf, 1, len, stream) != len) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return GREET_OK;
}

char *gp_text_read_line(char *buf, int size, FILE *stream)
{
    return fgets(buf, size, stream);
}

int gp_args_utf8(int *argc, char ***argv)
{
    gp_oserr_clear();
    (void)argc;
    (void)argv;
    return GREET_OK;
}

int gp_isatty(FILE *stream)
{
    return isatty(fileno(stream));
}

int gp_stderr_write(const void *buf, size_t len)
{
    const char *p = (const char *)buf;

    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return gp_oserr_set(GP_OSERR_ERRNO, n < 0 ? errno : EIO);
        }
        p += n;
        len -= (size_t)n;
    }
    return GREET_OK;
}

unsigned long gp_process_id(void)
{
    return (unsigned long)getpid();
}

/* The terminal's settings while a secret is read without echo. */
static struct termios secret_saved;
static const int secret_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define SECRET_SIGNALS (sizeof secret_signals / sizeof secret_signals[0])

/* A signal at the prompt (Ctrl+C): the terminal gets its echo back before the signal's default
 * action ends the program as it would have. tcsetattr, signal and raise are async-signal-safe. */
static void secret_interrupted(int sig)
{
    tcsetattr(STDIN_FILENO, TCSANOW, &secret_saved);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Installs (on) or takes back the handler above, keeping the actions it replaces in prev. */
static void secret_guard(int on, struct sigaction *prev)
{
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = secret_interrupted;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < SECRET_SIGNALS; i++) {
        if (on) {
            sigaction(secret_signals[i], &sa, &prev[i]);
        } else {
            sigaction(secret_signals[i], &prev[i], NULL);
        }
    }
}

int gp_read_secret(const char *prompt, char *buf, size_t size)
{
    struct termios quiet;
    struct sigaction prev[SECRET_SIGNALS];
    int rc = GREET_OK;
    size_t n;

    gp_oserr_clear();
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &secret_saved) != 0) {
        return GREET_EINVAL;
    }
    quiet = secret_saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    secret_guard(1, prev);
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
        rc = gp_oserr_set(GP_OSERR_ERRNO, errno);
        secret_guard(0, prev);
        return rc;
    }
    /* The prompt comes once echo is off (as getpass does): what is typed after it never shows. */
    gp_stderr_write(prompt, strlen(prompt));
    if (!fgets(buf, (int)size, stdin)) {
        buf[0] = '\0';
        rc = GREET_ECLOSED;
    }
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &secret_saved);
    secret_guard(0, prev);
    gp_stderr_write("\n", 1);
    n = strcspn(buf, "\r\n");
    buf[n] = '\0';
    return rc;
}
