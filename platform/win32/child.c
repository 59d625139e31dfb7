/* Child processes on Windows, which has no fork: the child is this program started again with
 * GP_CHILD_ARG, created suspended inside the group's job object
 * (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: when the parent's last handle to the job closes, at destroy
 * or because the parent was killed, every child dies with it). It inherits exactly three handles,
 * named in PROC_THREAD_ATTRIBUTE_HANDLE_LIST: its stdin (the start pipe: header, socket and data),
 * its stdout (the report pipe) and the group's stop event. The socket crosses with
 * WSADuplicateSocketW, which needs the child's process id, so it is written after the child exists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <windows.h>

#include "common/child_set.h"
#include "gp.h"
#include "gpw.h"

#define START_MAGIC   0x67726348u /* "grcH": the start pipe carries what we expect */
#define CHILD_BAD_RUN 125         /* exit code of a child started without a valid header */
#define KILLED_CODE   0x4b494c4cu /* "KILL": the exit code TerminateProcess gives our children */
#define INHERITED     3

struct gp_children {
    HANDLE job;
    HANDLE stop_event;      /* manual reset, inheritable only through the handle list */
    wchar_t *command;       /* "\"C:\\path\\this.exe\" --greet-child-process" */
    struct gpc_child *live; /* of struct gp_child */
};

struct gp_child {
    struct gpc_child set; /* first: the list and the pid (common/child_set.h) */
    gp_children *group;
    HANDLE process;
    HANDLE report; /* read end of the child's stdout */
    DWORD pid;
};

struct gp_child_link {
    HANDLE stop_event;
    WSAEVENT readable;
    HANDLE report; /* the child's stdout */
};

/* Set by gp_child_enter: this program serves its own children (see gp_children_create). */
static volatile LONG enter_called;

/* What the parent writes to the child's stdin, followed by len bytes of data. */
struct start_header {
    uint32_t magic;
    uint32_t len;
    uint64_t stop_event; /* the event's handle value, the same in the child (inherited) */
    WSAPROTOCOL_INFOW socket;
};

static int win_error(void)
{
    return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
}

/* "\"<this program>\" --greet-child-process", built once per group. */
static int child_command(wchar_t **out)
{
    DWORD cap = 512, n;
    wchar_t *path = NULL;
    size_t len;

    for (;;) {
        wchar_t *bigger = (wchar_t *)realloc(path, cap * sizeof *path);
        if (!bigger) {
            free(path);
            return GREET_ENOMEM;
        }
        path = bigger;
        n = GetModuleFileNameW(NULL, path, cap);
        if (n == 0) {
            free(path);
            return win_error();
        }
        if (n < cap) {
            break;
        }
        cap *= 2;
    }
    len = n + sizeof GP_CHILD_ARG + 4;
    *out = (wchar_t *)malloc(len * sizeof **out);
    if (!*out) {
        free(path);
        return GREET_ENOMEM;
    }
    swprintf(*out, len, L"\"%ls\" %hs", path, GP_CHILD_ARG);
    free(path);
    return GREET_OK;
}

static int make_job(HANDLE *out)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
    HANDLE job = CreateJobObjectW(NULL, NULL);

    if (!job) {
        return win_error();
    }
    memset(&limits, 0, sizeof limits);
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits)) {
        int rc = win_error();
        CloseHandle(job);
        return rc;
    }
    *out = job;
    return GREET_OK;
}

int gp_children_create(gp_children **out)
{
    gp_oserr_clear();
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    gp_children *g = (gp_children *)calloc(1, sizeof *g);
    int rc;

    *out = NULL;
    if (!InterlockedCompareExchange(&enter_called, 0, 0)) {
        free(g);
        return GREET_EUNSUPPORTED;
    }
    if (!g) {
        return GREET_ENOMEM;
    }
    rc = child_command(&g->command);
    if (rc == GREET_OK) {
        rc = make_job(&g->job);
    }
    if (rc == GREET_OK) {
        /* Inheritable, but only children that name it in their handle list get it. */
        g->stop_event = CreateEventW(&inherit, TRUE, FALSE, NULL);
        if (!g->stop_event) {
            rc = win_error();
        }
    }
    if (rc != GREET_OK) {
        gp_children_destroy(g);
        return rc;
    }
    *out = g;
    return GREET_OK;
}

void gp_children_stop(gp_children *g)
{
    SetEvent(g->stop_event);
}

static void free_child(gp_child *c)
{
    gp_children *g = c->group;

    gpc_child_remove(&g->live, &c->set);
    CloseHandle(c->process);
    CloseHandle(c->report);
    free(c);
}

void gp_children_destroy(gp_children *g)
{
    if (!g) {
        return;
    }
    gpc_child_end_all(&g->live);
    if (g->job) {
        CloseHandle(g->job);
    }
    if (g->stop_event) {
        CloseHandle(g->stop_event);
    }
    free(g->command);
    free(g);
}

/* ---- Starting a child --------------------------------------------------------------------- */

/* A pipe whose child end is inheritable (it goes into the handle list) and parent end is not. */
static int make_pipe(HANDLE *child_end, HANDLE *parent_end, int child_reads)
{
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    HANDLE rd, wr;

    if (!CreatePipe(&rd, &wr, &inherit, 0)) {
        return win_error();
    }
    *child_end = child_reads ? rd : wr;
    *parent_end = child_reads ? wr : rd;
    SetHandleInformation(*parent_end, HANDLE_FLAG_INHERIT, 0);
    return GREET_OK;
}

/* CreateProcessW, suspended, with only the handles in inherit[] passed on. */
static int create_child(gp_children *g, HANDLE in, HANDLE out, PROCESS_INFORMATION *pi)
{
    HANDLE inherit[INHERITED];
    STARTUPINFOEXW si;
    SIZE_T size = 0;
    wchar_t *command;
    int rc = GREET_OK;

    inherit[0] = in;
    inherit[1] = out;
    inherit[2] = g->stop_event;
    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = in;
    si.StartupInfo.hStdOutput = out;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = (LPPROC_THREAD_ATTRIBUTE_LIST)malloc(size);
    command = _wcsdup(g->command); /* CreateProcessW may write to it */
    if (!si.lpAttributeList || !command) {
        free(si.lpAttributeList);
        free(command);
        return GREET_ENOMEM;
    }
    if (!InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size)) {
        free(si.lpAttributeList);
        free(command);
        return win_error();
    }
    if (!UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                   inherit, sizeof inherit, NULL, NULL) ||
        !CreateProcessW(NULL, command, NULL, NULL, TRUE,
                        CREATE_SUSPENDED | CREATE_NO_WINDOW | EXTENDED_STARTUPINFO_PRESENT, NULL,
                        NULL, &si.StartupInfo, pi)) {
        rc = win_error();
    }
    DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
    free(command);
    return rc;
}

static int write_all(HANDLE h, const void *buf, size_t len)
{
    const char *p = (const char *)buf;

    while (len > 0) {
        DWORD n = 0;
        if (!WriteFile(h, p, (DWORD)len, &n, NULL)) {
            return win_error();
        }
        p += n;
        len -= n;
    }
    return GREET_OK;
}

/* Hands the running child its socket and data. */
static int send_start(HANDLE to, DWORD pid, gp_children *g, gp_socket s, const void *data,
                      size_t len)
{
    struct start_header h;
    int rc;

    memset(&h, 0, sizeof h);
    h.magic = START_MAGIC;
    h.len = (uint32_t)len;
    h.stop_event = (uint64_t)(uintptr_t)g->stop_event;
    if (WSADuplicateSocketW((SOCKET)s, pid, &h.socket) != 0) {
        return gp_oserr_set(GP_OSERR_SOCKET, WSAGetLastError());
    }
    rc = write_all(to, &h, sizeof h);
    if (rc == GREET_OK) {
        rc = write_all(to, data, len);
    }
    return rc;
}

/* Starts the child in the job; it runs once resumed, and waits on its stdin for the start. */
static int start_child(gp_children *g, gp_child *c, HANDLE *start_pipe)
{
    PROCESS_INFORMATION pi;
    HANDLE in = NULL, out = NULL;
    int rc = make_pipe(&in, start_pipe, 1);

    if (rc == GREET_OK) {
        rc = make_pipe(&out, &c->report, 0);
    }
    if (rc == GREET_OK) {
        rc = create_child(g, in, out, &pi);
    }
    if (in) {
        CloseHandle(in);
    }
    if (out) {
        CloseHandle(out);
    }
    if (rc != GREET_OK) {
        return rc;
    }
    c->process = pi.hProcess;
    c->pid = pi.dwProcessId;
    c->set.pid = pi.dwProcessId;
    /* In the job before it runs a single instruction, so that it can never outlive us. */
    if (!AssignProcessToJobObject(g->job, pi.hProcess)) {
        rc = win_error();
        TerminateProcess(pi.hProcess, KILLED_CODE);
    } else if (ResumeThread(pi.hThread) == (DWORD)-1) {
        rc = win_error();
        TerminateProcess(pi.hProcess, KILLED_CODE);
    }
    CloseHandle(pi.hThread);
    return rc;
}

int gp_child_is_fork(void)
{
    return 0;
}

int gp_child_spawn(gp_children *g, gp_child_fn fn, gp_socket s, const void *data, size_t len,
                   gp_child **out)
{
    gp_oserr_clear();
    HANDLE start_pipe = NULL;
    gp_child *c;
    int rc;

    (void)fn; /* the child calls it from gp_child_enter */
    *out = NULL;
    c = len <= GP_CHILD_DATA_MAX ? (gp_child *)calloc(1, sizeof *c) : NULL;
    if (!c) {
        return len > GP_CHILD_DATA_MAX ? GREET_EINVAL : GREET_ENOMEM;
    }
    rc = start_child(g, c, &start_pipe);
    if (rc == GREET_OK) {
        rc = send_start(start_pipe, c->pid, g, s, data, len);
        if (rc != GREET_OK) {
            TerminateProcess(c->process, KILLED_CODE);
        }
    }
    if (start_pipe) {
        CloseHandle(start_pipe);
    }
    if (rc != GREET_OK) {
        if (c->process) {
            WaitForSingleObject(c->process, INFINITE);
            CloseHandle(c->process);
        }
        if (c->report) {
            CloseHandle(c->report);
        }
        free(c);
        return rc;
    }
    closesocket((SOCKET)s); /* the child's copy is the connection now */
    c->group = g;
    gpc_child_add(&g->live, &c->set);
    *out = c;
    return GREET_OK;
}

/* What the child told that is in the pipe now. Only that is read, never waiting for more: under
 * an OS that ignored the handle list a sibling could hold a copy of the write end. */
static size_t read_report(HANDLE h, char *buf, size_t size)
{
    DWORD avail = 0, n = 0;

    buf[0] = '\0';
    if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL) || avail == 0) {
        return 0;
    }
    if (avail > size - 1) {
        avail = (DWORD)(size - 1);
    }
    if (!ReadFile(h, buf, avail, &n, NULL)) {
        n = 0;
    }
    buf[n] = '\0';
    return n;
}

int gp_child_heard(gp_child *c, char *buf, size_t size, size_t *got)
{
    gp_oserr_clear();
    *got = read_report(c->report, buf, size);
    return GREET_OK;
}

int gp_child_reap(gp_child *c, gp_child_status *st)
{
    gp_oserr_clear();
    DWORD code = 0;

    if (WaitForSingleObject(c->process, 0) != WAIT_OBJECT_0) {
        return GREET_EAGAIN;
    }
    memset(st, 0, sizeof *st);
    st->pid = c->pid;
    GetExitCodeProcess(c->process, &code);
    /* NTSTATUS error values (0xC...) are exceptions; KILLED_CODE is our own TerminateProcess. */
    st->end = (code & 0xC0000000u) == 0xC0000000u || code == KILLED_CODE ? GP_CHILD_KILLED
                                                                         : GP_CHILD_EXITED;
    st->code = (int)code;
    read_report(c->report, st->report, sizeof st->report);
    free_child(c);
    return GREET_OK;
}

void gp_child_kill(gp_child *c)
{
    TerminateProcess(c->process, KILLED_CODE);
}

void gp_child_describe(const gp_child_status *st, char *buf, size_t size)
{
    if (st->end == GP_CHILD_KILLED && (unsigned)st->code == KILLED_CODE) {
        snprintf(buf, size, "terminated");
    } else if (st->end == GP_CHILD_KILLED) {
        snprintf(buf, size, "ended by exception 0x%08x", (unsigned)st->code);
    } else {
        snprintf(buf, size, "exit code %d", st->code);
    }
}

/* ---- In the child ------------------------------------------------------------------------- */

/* Back to a plain blocking socket: WSAEventSelect made it non-blocking. */
static void unselect(SOCKET s, WSAEVENT ev)
{
    u_long off = 0;

    WSAEventSelect(s, NULL, 0);
    ioctlsocket(s, FIONBIO, &off);
    WSAResetEvent(ev);
}

int gp_child_tell(gp_child_link *link, const char *text)
{
    gp_oserr_clear();
    size_t len = strlen(text);

    if (len >= GP_CHILD_REPORT_MAX) {
        return GREET_EINVAL;
    }
    /* One WriteFile far smaller than the pipe's buffer goes in whole. */
    return write_all(link->report, text, len);
}

int gp_child_wait(gp_child_link *link, gp_socket s, gp_deadline deadline)
{
    gp_oserr_clear();
    HANDLE h[2];
    DWORD r;
    int left;

    h[0] = link->stop_event; /* first: a stop wins over data that arrived with it */
    h[1] = link->readable;
    /* Data already there when the selection starts signals the event at once. */
    if (WSAEventSelect((SOCKET)s, link->readable, FD_READ | FD_CLOSE) != 0) {
        return gp_oserr_set(GP_OSERR_SOCKET, WSAGetLastError());
    }
    left = gp_deadline_left(deadline);
    r = WaitForMultipleObjects(2, h, FALSE, left < 0 ? INFINITE : (DWORD)left);
    unselect((SOCKET)s, link->readable);
    if (r == WAIT_OBJECT_0) {
        return GREET_ECANCELED;
    }
    if (r == WAIT_OBJECT_0 + 1) {
        return GREET_OK;
    }
    if (r == WAIT_TIMEOUT) {
        return GREET_ETIMEDOUT;
    }
    return win_error();
}

static int read_all(HANDLE h, void *buf, size_t len)
{
    char *p = (char *)buf;

    while (len > 0) {
        DWORD n = 0;
        if (!ReadFile(h, p, (DWORD)len, &n, NULL) || n == 0) {
            return GREET_EPROTO;
        }
        p += n;
        len -= n;
    }
    return GREET_OK;
}

/* The child's whole life: read the start, take the socket, run fn, close. */
static int child_main(gp_child_fn fn)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    struct start_header h;
    gp_child_link link;
    void *data = NULL;
    SOCKET s;
    int code;

    /* Allocated apart from the test below: an assignment used as a truth value is MSVC's C4706. */
    if (read_all(in, &h, sizeof h) == GREET_OK && h.magic == START_MAGIC &&
        h.len <= GP_CHILD_DATA_MAX) {
        data = malloc(h.len ? h.len : 1);
    }
    if (data == NULL || read_all(in, data, h.len) != GREET_OK || gp_net_init() != GREET_OK) {
        free(data);
        return CHILD_BAD_RUN;
    }
    CloseHandle(in);
    s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &h.socket, 0,
                   WSA_FLAG_OVERLAPPED);
    link.stop_event = (HANDLE)(uintptr_t)h.stop_event;
    link.readable = WSACreateEvent();
    link.report = GetStdHandle(STD_OUTPUT_HANDLE);
    if (s == INVALID_SOCKET || link.readable == WSA_INVALID_EVENT) {
        free(data);
        return CHILD_BAD_RUN;
    }
    code = fn(&link, (gp_socket)s, data, h.len);
    closesocket(s);
    WSACloseEvent(link.readable);
    free(data);
    gp_net_fini();
    return code;
}

int gp_child_enter(int argc, char **argv, gp_child_fn fn, int *exit_code)
{
    InterlockedExchange(&enter_called, 1);
    if (argc != 2 || strcmp(argv[1], GP_CHILD_ARG) != 0) {
        return 0;
    }
    *exit_code = child_main(fn);
    return 1;
}
