// Runs the greet program in this process (cli_main, src/cli/dispatch.c) with its stdout and
// stderr captured, so that what the test installs in the platform layer (the fault seam,
// tests/support/fault.h) reaches it: a host name that is never looked up, for instance. A child
// process could not be given the seam.
#ifndef GREET_TESTS_SUPPORT_CLI_IN_PROCESS_H
#define GREET_TESTS_SUPPORT_CLI_IN_PROCESS_H

#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "cli.h"
}

namespace greet_test
{

struct InProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// args as on a command line, without "greet": {"client", "HOST"}.
inline InProcessResult run_cli_in_process(std::vector<std::string> args)
{
    args.insert(args.begin(), "greet");
    std::vector<char *> argv;
    for (std::string &a : args) {
        argv.push_back(&a[0]);
    }
    argv.push_back(nullptr);
    InProcessResult r;
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    r.exit_code = cli_main(static_cast<int>(args.size()), argv.data());
    r.err = testing::internal::GetCapturedStderr();
    r.out = testing::internal::GetCapturedStdout();
    return r;
}

} // namespace greet_test

#endif
