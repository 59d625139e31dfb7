// What a folder holds, for tests that check which files an operation left behind.
#ifndef GREET_TESTS_SUPPORT_DIR_LIST_H
#define GREET_TESTS_SUPPORT_DIR_LIST_H

#include <string>
#include <vector>

// The names in a folder (UTF-8), sorted; none when it cannot be read. Defined in temp_dir.cc.
std::vector<std::string> list_dir_utf8(const std::string &dir);

#endif
