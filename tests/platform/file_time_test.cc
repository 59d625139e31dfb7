// The file pieces of fetch -R, -z and -J, on both systems: a file's modification time read and
// set (past 2038, UTF-8 names), and the rename that never replaces an existing file.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "gp.h"
#include "support/temp_dir.h"

namespace
{

// "新浪.bin" as UTF-8 bytes.
const std::string kName = "\xe6\x96\xb0\xe6\xb5\xaa.bin";

TEST(FileTime, SetModificationTimeIsReadBack)
{
    TempDir dir;
    std::string path = dir.file(kName);
    int64_t t = 0;

    ASSERT_EQ(write_file_utf8(path, "x"), GREET_OK);
    ASSERT_EQ(gp_file_set_mtime(path.c_str(), 784111777), GREET_OK); // 06 Nov 1994 08:49:37
    ASSERT_EQ(gp_file_mtime(path.c_str(), &t), GREET_OK);
    EXPECT_EQ(t, 784111777);
    ASSERT_EQ(gp_file_set_mtime(path.c_str(), INT64_C(4102444800)), GREET_OK); // 2100
    ASSERT_EQ(gp_file_mtime(path.c_str(), &t), GREET_OK);
    EXPECT_EQ(t, INT64_C(4102444800));
}

TEST(FileTime, MissingFileIsENOENT)
{
    TempDir dir;
    int64_t t = 7;

    EXPECT_EQ(gp_file_mtime(dir.file("none").c_str(), &t), GREET_ENOENT);
    EXPECT_EQ(t, 7);
    EXPECT_EQ(gp_file_set_mtime(dir.file("none").c_str(), 0), GREET_ENOENT);
}

TEST(FileMoveNew, MovesToAFreeName)
{
    TempDir dir;
    std::string from = dir.file("download.tmp"), to = dir.file(kName);

    ASSERT_EQ(write_file_utf8(from, "body"), GREET_OK);
    ASSERT_EQ(gp_file_move_new(from.c_str(), to.c_str()), GREET_OK);
    EXPECT_EQ(read_file_utf8(to), "body");
    EXPECT_FALSE(gp_path_exists(from.c_str()));
}

TEST(FileMoveNew, NeverReplacesAnExistingFile)
{
    TempDir dir;
    std::string from = dir.file("download.tmp"), to = dir.file(kName);

    ASSERT_EQ(write_file_utf8(from, "body"), GREET_OK);
    ASSERT_EQ(write_file_utf8(to, "precious"), GREET_OK);
    EXPECT_EQ(gp_file_move_new(from.c_str(), to.c_str()), GREET_EEXIST);
    EXPECT_EQ(read_file_utf8(to), "precious");
    EXPECT_EQ(read_file_utf8(from), "body");
}

TEST(FileMoveNew, NeverReplacesAFolder)
{
    TempDir dir;
    std::string from = dir.file("download.tmp"), to = dir.file("folder");

    ASSERT_EQ(write_file_utf8(from, "body"), GREET_OK);
    ASSERT_EQ(gp_mkdir_p(to.c_str()), GREET_OK);
    EXPECT_NE(gp_file_move_new(from.c_str(), to.c_str()), GREET_OK);
    EXPECT_EQ(read_file_utf8(from), "body");
}

} // namespace
