// The test process helper: the portable part (collected output, waiting for it) and one small
// implementation per OS family. OS #ifdefs are allowed here because tests/support is the tests'
// own platform seam.
#include "support/process.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#ifdef _WIN32
#include <windows.h>
#else
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
#endif

namespace greet_test
{

namespace
{
enum { STREAM_OUT = 0, STREAM_ERR = 1 };
using Clock = std::chrono::steady_clock;
} // namespace

// State shared by the reader threads and the test thread; one OS handle set per child.
struct Process::Impl {
    std::mutex m;
    std::condition_variable cv;
    std::string bufs[2];
    bool eof[2] = {true, true};
    std::thread readers[2];
    std::thread writer;
    bool running = false;
#ifdef _WIN32
    HANDLE process = nullptr;
    DWORD pid = 0;
#else
    pid_t pid = -1;
#endif

    void append(int which, const char *data, size_t len)
    {
        std::lock_guard<std::mutex> lock(m);
        size_t from = bufs[which].empty() ? 0 : bufs[which].size() - 1;
        bufs[which].append(data, len);
        if (which == STREAM_ERR) {
            text_line_ends(bufs[which], from);
        }
        cv.notify_all();
    }
    // stderr is a text stream: the Windows CRT writes its line ends as CRLF. Tests compare
    // messages with '\n' on every system; stdout stays byte-exact (greet makes it binary).
    static void text_line_ends(std::string &s, size_t from)
    {
#ifdef _WIN32
        for (size_t i = s.find("\r\n", from); i != std::string::npos; i = s.find("\r\n", i)) {
            s.erase(i, 1);
        }
#else
        (void)s;
        (void)from;
#endif
    }
    void finish(int which)
    {
        std::lock_guard<std::mutex> lock(m);
        eof[which] = true;
        cv.notify_all();
    }
    void join_threads()
    {
        for (auto &t : readers) {
            if (t.joinable()) {
                t.join();
            }
        }
        if (writer.joinable()) {
            writer.join();
        }
    }
};

#ifdef _WIN32

namespace
{

std::wstring widen(const std::string &s)
{
    if (s.empty()) {
        return std::wstring();
    }
    int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), (int)s.size(), nullptr, 0);
    std::wstring w((size_t)n, L'\0');
    MultiByteToWideChar(CP_UTF8, 0, s.data(), (int)s.size(), &w[0], n);
    return w;
}

// Quotes one argument the way CommandLineToArgvW and the C runtime split it back.
std::wstring quote_arg(const std::wstring &arg)
{
    if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
        return arg;
    }
    std::wstring q = L"\"";
    for (size_t i = 0;; i++) {
        size_t slashes = 0;
        while (i < arg.size() && arg[i] == L'\\') {
            i++;
            slashes++;
        }
        if (i == arg.size()) {
            q.append(slashes * 2, L'\\');
            break;
        }
        if (arg[i] == L'"') {
            q.append(slashes * 2 + 1, L'\\');
        } else {
            q.append(slashes, L'\\');
        }
        q.push_back(arg[i]);
    }
    q.push_back(L'"');
    return q;
}

bool make_pipe(HANDLE *parent_end, HANDLE *child_end, bool child_reads)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, nullptr, TRUE};
    HANDLE r, w;
    if (!CreatePipe(&r, &w, &sa, 0)) {
        return false;
    }
    *parent_end = child_reads ? w : r;
    *child_end = child_reads ? r : w;
    SetHandleInformation(*parent_end, HANDLE_FLAG_INHERIT, 0);
    return true;
}

void read_all(Process::Impl *impl, int which, HANDLE h)
{
    char buf[4096];
    DWORD got;
    while (ReadFile(h, buf, sizeof buf, &got, nullptr) && got > 0) {
        impl->append(which, buf, got);
    }
    CloseHandle(h);
    impl->finish(which);
}

} // namespace

static bool spawn(Process::Impl *impl, const std::vector<std::string> &args,
                  const std::string &input, std::string *error)
{
    HANDLE in_parent, in_child, out_parent, out_child, err_parent, err_child;
    std::wstring cmd;
    for (const auto &a : args) {
        cmd += (cmd.empty() ? L"" : L" ") + quote_arg(widen(a));
    }
    if (!make_pipe(&in_parent, &in_child, true) || !make_pipe(&out_parent, &out_child, false) ||
        !make_pipe(&err_parent, &err_child, false)) {
        *error = "CreatePipe failed";
        return false;
    }
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    std::memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_child;
    si.hStdOutput = out_child;
    si.hStdError = err_child;
    std::wstring app = widen(args[0]);
    BOOL ok = CreateProcessW(
        app.find_first_of(L"\\/") == std::wstring::npos ? nullptr : app.c_str(), &cmd[0], nullptr,
        nullptr, TRUE, CREATE_NEW_PROCESS_GROUP, nullptr, nullptr, &si, &pi);
    CloseHandle(in_child);
    CloseHandle(out_child);
    CloseHandle(err_child);
    if (!ok) {
        *error = "CreateProcessW failed: " + std::to_string(GetLastError());
        CloseHandle(in_parent);
        CloseHandle(out_parent);
        CloseHandle(err_parent);
        return false;
    }
    CloseHandle(pi.hThread);
    impl->process = pi.hProcess;
    impl->pid = pi.dwProcessId;
    impl->eof[0] = impl->eof[1] = false;
    impl->readers[0] = std::thread(read_all, impl, STREAM_OUT, out_parent);
    impl->readers[1] = std::thread(read_all, impl, STREAM_ERR, err_parent);
    impl->writer = std::thread([in_parent, input]() {
        DWORD put;
        size_t done = 0;
        while (done < input.size() && WriteFile(in_parent, input.data() + done,
                                                (DWORD)(input.size() - done), &put, nullptr)) {
            done += put;
        }
        CloseHandle(in_parent);
    });
    return true;
}

// Waits for exit; kills the child when timeout_ms passes. Returns the exit code or -1.
static int reap(Process::Impl *impl, int timeout_ms, bool *timed_out)
{
    DWORD code = (DWORD)-1;
    if (WaitForSingleObject(impl->process, (DWORD)timeout_ms) != WAIT_OBJECT_0) {
        *timed_out = true;
        TerminateProcess(impl->process, 1);
        WaitForSingleObject(impl->process, INFINITE);
    } else {
        GetExitCodeProcess(impl->process, &code);
    }
    CloseHandle(impl->process);
    impl->process = nullptr;
    return *timed_out ? -1 : (int)code;
}

static bool send_interrupt(Process::Impl *impl)
{
    return GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, impl->pid) != 0;
}

static bool send_terminate(Process::Impl *)
{
    return false;
}

static const char PATH_SEPARATOR = ';';
static const char *const PROGRAM_SUFFIX = ".exe";

static bool is_executable(const std::string &path)
{
    DWORD attr = GetFileAttributesW(widen(path).c_str());
    return attr != INVALID_FILE_ATTRIBUTES && !(attr & FILE_ATTRIBUTE_DIRECTORY);
}

#else

namespace
{

void read_all(Process::Impl *impl, int which, int fd)
{
    char buf[4096];
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got > 0) {
            impl->append(which, buf, (size_t)got);
        } else if (got == 0 || errno != EINTR) {
            break;
        }
    }
    close(fd);
    impl->finish(which);
}

bool cloexec_pipe(int fds[2])
{
    if (pipe(fds) != 0) {
        return false;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return true;
}

} // namespace

static bool spawn(Process::Impl *impl, const std::vector<std::string> &args,
                  const std::string &input, std::string *error)
{
    int in[2], out[2], err[2];
    // A child that exits without reading its stdin must not kill the test runner.
    signal(SIGPIPE, SIG_IGN);
    if (!cloexec_pipe(in) || !cloexec_pipe(out) || !cloexec_pipe(err)) {
        *error = "pipe failed";
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    std::vector<char *> argv;
    for (const auto &a : args) {
        argv.push_back(const_cast<char *>(a.c_str()));
    }
    argv.push_back(nullptr);
    int rc = posix_spawnp(&impl->pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        *error = std::string("posix_spawnp ") + args[0] + ": " + std::strerror(rc);
        close(in[1]);
        close(out[0]);
        close(err[0]);
        return false;
    }
    impl->eof[0] = impl->eof[1] = false;
    impl->readers[0] = std::thread(read_all, impl, STREAM_OUT, out[0]);
    impl->readers[1] = std::thread(read_all, impl, STREAM_ERR, err[0]);
    int in_fd = in[1];
    impl->writer = std::thread([in_fd, input]() {
        size_t done = 0;
        while (done < input.size()) {
            ssize_t put = write(in_fd, input.data() + done, input.size() - done);
            if (put < 0 && errno == EINTR) {
                continue;
            }
            if (put <= 0) {
                break;
            }
            done += (size_t)put;
        }
        close(in_fd);
    });
    return true;
}

// Waits for exit; kills the child when timeout_ms passes. Returns the exit code or -1.
static int reap(Process::Impl *impl, int timeout_ms, bool *timed_out)
{
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    // No portable "waitpid with a timeout": poll it in short slices, bounded by the deadline.
    while (waitpid(impl->pid, &status, WNOHANG) == 0) {
        if (Clock::now() >= deadline) {
            *timed_out = true;
            kill(impl->pid, SIGKILL);
            waitpid(impl->pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    impl->pid = -1;
    return (!*timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
}

static bool send_interrupt(Process::Impl *impl)
{
    return kill(impl->pid, SIGINT) == 0;
}

static bool send_terminate(Process::Impl *impl)
{
    return kill(impl->pid, SIGTERM) == 0;
}

static const char PATH_SEPARATOR = ':';
static const char *const PROGRAM_SUFFIX = "";

static bool is_executable(const std::string &path)
{
    return access(path.c_str(), X_OK) == 0;
}

#endif

Process::Process() : impl_(new Impl)
{
}

Process::~Process()
{
    if (impl_->running) {
        wait(0);
    }
}

bool Process::start(const std::vector<std::string> &args, const std::string &stdin_bytes)
{
    if (args.empty() || impl_->running) {
        error_ = "nothing to start";
        return false;
    }
    impl_->running = spawn(impl_.get(), args, stdin_bytes, &error_);
    return impl_->running;
}

bool Process::wait_stream(int which, const std::function<bool(const std::string &)> &pred,
                          int timeout_ms)
{
    std::unique_lock<std::mutex> lock(impl_->m);
    impl_->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                       [&] { return pred(impl_->bufs[which]) || impl_->eof[which]; });
    return pred(impl_->bufs[which]);
}

bool Process::wait_stdout(const std::function<bool(const std::string &)> &pred, int timeout_ms)
{
    return wait_stream(STREAM_OUT, pred, timeout_ms);
}

bool Process::wait_stderr(const std::function<bool(const std::string &)> &pred, int timeout_ms)
{
    return wait_stream(STREAM_ERR, pred, timeout_ms);
}

bool Process::interrupt()
{
    return impl_->running && send_interrupt(impl_.get());
}

bool Process::terminate()
{
    return impl_->running && send_terminate(impl_.get());
}

ProcessResult Process::wait(int timeout_ms)
{
    ProcessResult r;
    if (!impl_->running) {
        return r;
    }
    r.exit_code = reap(impl_.get(), timeout_ms, &r.timed_out);
    impl_->running = false;
    impl_->join_threads();
    std::lock_guard<std::mutex> lock(impl_->m);
    r.out = impl_->bufs[STREAM_OUT];
    r.err = impl_->bufs[STREAM_ERR];
    return r;
}

std::string Process::out_so_far()
{
    std::lock_guard<std::mutex> lock(impl_->m);
    return impl_->bufs[STREAM_OUT];
}

std::string Process::err_so_far()
{
    std::lock_guard<std::mutex> lock(impl_->m);
    return impl_->bufs[STREAM_ERR];
}

ProcessResult run_process(const std::vector<std::string> &args, const std::string &stdin_bytes,
                          int timeout_ms)
{
    Process p;
    if (!p.start(args, stdin_bytes)) {
        ProcessResult r;
        r.err = p.error();
        return r;
    }
    return p.wait(timeout_ms);
}

std::string find_program(const std::string &name)
{
    const char *path = std::getenv("PATH");
    std::string rest = path ? path : "";
    while (!rest.empty()) {
        size_t sep = rest.find(PATH_SEPARATOR);
        std::string dir = rest.substr(0, sep);
        rest = sep == std::string::npos ? "" : rest.substr(sep + 1);
        std::string candidate = dir + "/" + name + PROGRAM_SUFFIX;
        if (!dir.empty() && is_executable(candidate)) {
            return candidate;
        }
    }
    return "";
}

std::string greet_exe()
{
    std::string exe = GREET_EXE;
#ifdef _WIN32
    // Under Wine the build hands us a Unix path; Wine's Z: drive is the Unix root.
    if (!exe.empty() && exe[0] == '/') {
        exe = "Z:" + exe;
    }
#endif
    return exe;
}

} // namespace greet_test
