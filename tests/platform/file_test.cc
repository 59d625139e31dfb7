// Files by UTF-8 name: create, exclusive create, atomic replace, remove, mkdir -p, and what an
// output path names (kind, writable, link target, mode).
#include <gtest/gtest.h>

#include <string>

#include "gp.h"
#include "support/temp_dir.h"

namespace
{

// "新浪-测试.html" as UTF-8 bytes, spelled out so the source encoding cannot change it.
const std::string kChineseName = "\xe6\x96\xb0\xe6\xb5\xaa-\xe6\xb5\x8b\xe8\xaf\x95.html";

TEST(File, Utf8NameIsWrittenReadBackAndAtomicallyReplaced)
{
    TempDir dir;
    std::string target = dir.file(kChineseName);
    std::string temp = dir.file(kChineseName + ".part");

    ASSERT_EQ(write_file_utf8(target, "old page"), GREET_OK);
    EXPECT_TRUE(gp_path_exists(target.c_str()));
    EXPECT_EQ(read_file_utf8(target), "old page");

    ASSERT_EQ(write_file_utf8(temp, std::string("new\0page\r\n", 10)), GREET_OK);
    ASSERT_EQ(gp_file_replace(temp.c_str(), target.c_str()), GREET_OK);
    EXPECT_EQ(read_file_utf8(target), std::string("new\0page\r\n", 10));
    EXPECT_FALSE(gp_path_exists(temp.c_str()));
}

TEST(File, ExclusiveCreateRefusesAnExistingFile)
{
    TempDir dir;
    std::string path = dir.file(kChineseName);
    int err = 1;

    ASSERT_EQ(write_file_utf8(path, "first", "wbx"), GREET_OK);
    FILE *f = gp_fopen(path.c_str(), "wbx", &err);
    EXPECT_EQ(f, nullptr);
    EXPECT_EQ(err, GREET_EEXIST) << greet_errname(err);
    if (f != nullptr) {
        fclose(f);
    }
    EXPECT_EQ(read_file_utf8(path), "first");
}

TEST(File, OpenInMissingFolderIsENOENT)
{
    TempDir dir;
    int err = 1;

    FILE *f = gp_fopen(dir.file("missing/x.txt").c_str(), "wb", &err);
    EXPECT_EQ(f, nullptr);
    EXPECT_EQ(err, GREET_ENOENT) << greet_errname(err);
    if (f != nullptr) {
        fclose(f);
    }
    char text[256];
    greet_error_text(err, text, sizeof text);
    EXPECT_EQ(std::string(text).rfind("no such file or directory (", 0), 0u) << text;
}

TEST(File, RemoveDeletesAndThenReportsENOENT)
{
    TempDir dir;
    std::string path = dir.file("gone.txt");

    ASSERT_EQ(write_file_utf8(path, "x"), GREET_OK);
    EXPECT_EQ(gp_file_remove(path.c_str()), GREET_OK);
    EXPECT_FALSE(gp_path_exists(path.c_str()));
    EXPECT_EQ(gp_file_remove(path.c_str()), GREET_ENOENT);
}

TEST(File, MkdirPCreatesNestedFoldersAndAcceptsExistingOnes)
{
    TempDir dir;
    std::string nested = dir.file("a/" + kChineseName + "/c");

    ASSERT_EQ(gp_mkdir_p(nested.c_str()), GREET_OK);
    EXPECT_TRUE(gp_path_exists(nested.c_str()));
    EXPECT_EQ(gp_mkdir_p(nested.c_str()), GREET_OK);
    EXPECT_EQ(gp_mkdir_p((nested + "/d/").c_str()), GREET_OK);
    EXPECT_TRUE(gp_path_exists((nested + "/d").c_str()));
    ASSERT_EQ(write_file_utf8(nested + "/d/f.txt", "in the deep"), GREET_OK);
    EXPECT_EQ(read_file_utf8(nested + "/d/f.txt"), "in the deep");
}

TEST(File, MkdirPOverAFileFails)
{
    TempDir dir;
    std::string file = dir.file("plain.txt");

    ASSERT_EQ(write_file_utf8(file, "x"), GREET_OK);
    EXPECT_NE(gp_mkdir_p(file.c_str()), GREET_OK);
    EXPECT_NE(gp_mkdir_p((file + "/sub").c_str()), GREET_OK);
}

TEST(File, DirlenIsTheFolderPart)
{
    EXPECT_EQ(gp_path_dirlen("dir/sub/file.txt"), 8u);
    EXPECT_EQ(gp_path_dirlen("file.txt"), 0u);
    EXPECT_EQ(gp_path_dirlen("/file.txt"), 1u);
    EXPECT_EQ(gp_path_dirlen("dir/"), 4u);
    EXPECT_EQ(gp_path_dirlen(""), 0u);
#ifdef _WIN32
    EXPECT_EQ(gp_path_dirlen("D:\\photo\\sina.html"), 9u);
    EXPECT_EQ(gp_path_dirlen("D:sina.html"), 2u);
    EXPECT_EQ(gp_path_dirlen("D:\\photo/sub\\x"), 13u);
#endif
}

TEST(File, KindTellsNothingFileAndFolder)
{
    TempDir dir;
    std::string file = dir.file(kChineseName);
    int kind = -1, writable = -1;

    ASSERT_EQ(gp_file_kind(file.c_str(), &kind, &writable), GREET_OK);
    EXPECT_EQ(kind, GP_FILE_NONE);
    EXPECT_EQ(writable, 1);
    ASSERT_EQ(write_file_utf8(file, "x"), GREET_OK);
    ASSERT_EQ(gp_file_kind(file.c_str(), &kind, &writable), GREET_OK);
    EXPECT_EQ(kind, GP_FILE_REGULAR);
    EXPECT_EQ(writable, 1);
    ASSERT_EQ(gp_file_kind(dir.path().c_str(), &kind, &writable), GREET_OK);
    EXPECT_EQ(kind, GP_FILE_DIR);
}

TEST(File, FollowOfAPlainPathIsThePathItself)
{
    TempDir dir;
    std::string file = dir.file(kChineseName);
    char *out = nullptr;

    ASSERT_EQ(write_file_utf8(file, "x"), GREET_OK);
    ASSERT_EQ(gp_path_follow(file.c_str(), &out), GREET_OK);
    EXPECT_EQ(std::string(out), file);
    free(out);
}

} // namespace
