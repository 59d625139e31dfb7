// The fixture of the program-level fetch tests: an in-process HTTP server, a temporary folder,
// and `greet fetch ARGS...` run as a child process.
#ifndef GREET_TEST_FETCH_CLI_FIXTURE_H
#define GREET_TEST_FETCH_CLI_FIXTURE_H

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace greet_test
{

class FetchCliFixture : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
    }
    ProcessResult greet(std::vector<std::string> args)
    {
        args.insert(args.begin(), {greet_exe(), "fetch"});
        return run_process(args, "", 60000);
    }

    HttpServer server;
    TempDir dir;
};

} // namespace greet_test

#endif
