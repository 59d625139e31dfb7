// The test runner's entry point. Windows has no fork, so a child process of the platform's
// process contract (and of the processes server model) is this runner started again: it must be
// recognised and served before googletest starts.
#include <gtest/gtest.h>

#include "gp.h"
#include "support/test_child.h"

int main(int argc, char **argv)
{
    int code = 0;

    if (gp_child_enter(argc, argv, greet_test_child_main, &code)) {
        return code;
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
