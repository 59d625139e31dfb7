// What a child process of the test runner runs (gp_child_fn): the contract tests' behaviours,
// chosen by the data they hand over (tests/platform/child_test.cc), or else the server's child.
#ifndef GREET_TESTS_SUPPORT_TEST_CHILD_H
#define GREET_TESTS_SUPPORT_TEST_CHILD_H

#include <cstddef>

#include "gp.h"

extern "C" int greet_test_child_main(gp_child_link *link, gp_socket s, const void *data,
                                     size_t len);

#endif
