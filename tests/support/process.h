// Runs another program for a test: the greet program itself (GREET_EXE), python3, nc. Portable
// (posix_spawn on POSIX, CreateProcessW on Windows), with pipes for stdin, stdout and stderr, a
// bounded wait, and a kill when the time is up so that a hung child never hangs the suite.
#ifndef GREET_TESTS_SUPPORT_PROCESS_H
#define GREET_TESTS_SUPPORT_PROCESS_H

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace greet_test
{

// What a finished child left behind.
struct ProcessResult {
    int exit_code = -1;     // the child's exit status; -1 when it was killed or did not start
    bool timed_out = false; // the limit passed and the child was killed
    std::string out;        // everything it wrote to stdout
    std::string err;        // everything it wrote to stderr
};

// One running child. Its output is collected by background threads, so the test can wait for a
// line to appear (a server printing its port) while the child keeps running.
class Process
{
  public:
    Process();
    ~Process(); // kills a child that is still running, then waits for it
    Process(const Process &) = delete;
    Process &operator=(const Process &) = delete;

    // Starts args[0] (a path, or a bare name looked up in PATH) with args[1..]. stdin_bytes is
    // written to the child's stdin, which is then closed. Returns false (and sets error()) when
    // the program could not be started.
    bool start(const std::vector<std::string> &args, const std::string &stdin_bytes = "");

    // Waits until pred(stdout so far) is true or the child's stdout ends or timeout_ms passes;
    // returns pred's final value.
    bool wait_stdout(const std::function<bool(const std::string &)> &pred, int timeout_ms);

    // Like wait_stdout for stderr.
    bool wait_stderr(const std::function<bool(const std::string &)> &pred, int timeout_ms);

    // Asks the child to stop as Ctrl+C would (SIGINT; CTRL_BREAK_EVENT on Windows). Returns false
    // where that is not possible.
    bool interrupt();

    // Asks the child to terminate as a service manager would (SIGTERM). Returns false where
    // there is no such request (Windows).
    bool terminate();

    // Waits at most timeout_ms for the child to exit; kills it when the time is up. Collects the
    // rest of its output. Call once.
    ProcessResult wait(int timeout_ms);

    std::string out_so_far();
    std::string err_so_far();
    const std::string &error() const
    {
        return error_;
    }

    struct Impl;

  private:
    bool wait_stream(int which, const std::function<bool(const std::string &)> &pred,
                     int timeout_ms);

    std::unique_ptr<Impl> impl_;
    std::string error_;
};

// Runs a program to completion: start, feed stdin, wait at most timeout_ms (then kill).
ProcessResult run_process(const std::vector<std::string> &args, const std::string &stdin_bytes = "",
                          int timeout_ms = 30000);

// The full path of a program found in PATH ("python3", "nc"), or "" when there is none.
std::string find_program(const std::string &name);

// The greet program under test, as a path the platform's process API accepts.
std::string greet_exe();

} // namespace greet_test

#endif
