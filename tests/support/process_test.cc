// The process helper runs the greet program and reports what it did.
#include <gtest/gtest.h>

#include "support/process.h"

using greet_test::greet_exe;
using greet_test::Process;
using greet_test::run_process;

TEST(Process, CapturesStdoutAndExitCode)
{
    auto r = run_process({greet_exe(), "--version"});
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("greet ", 0), 0u) << r.out;
}

TEST(Process, CapturesStderrAndFailureCode)
{
    auto r = run_process({greet_exe(), "no-such-command"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown command"), std::string::npos) << r.err;
}

TEST(Process, ArgumentsWithSpacesAndQuotesArriveWhole)
{
    auto r = run_process({greet_exe(), "no such \"command\""});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("'no such \"command\"'"), std::string::npos) << r.err;
}

TEST(Process, MissingProgramIsReportedNotRun)
{
    Process p;
    EXPECT_FALSE(p.start({"/no/such/program-greet-test"}));
    EXPECT_FALSE(p.error().empty());
}
