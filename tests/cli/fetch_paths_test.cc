// Output paths a Windows user types, through the program: a path past Windows' 260-character
// limit (greet.exe reaches the file system with \\?\ paths and is longPathAware), the NUL device
// written in place, and a missing folder named with the option that creates it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gp.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/dir_list.h"
#include "support/temp_dir.h"

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::ProcessResult;

namespace
{

class FetchPaths : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        server.on("/", ok_reply("<html>\xe6\x96\xb0\xe6\xb5\xaa</html>")); // 新浪
    }
    ProcessResult greet(std::vector<std::string> args)
    {
        args.insert(args.begin(), {greet_test::greet_exe(), "fetch", "-s", server.url("/")});
        return greet_test::run_process(args, "", 60000);
    }

    HttpServer server;
    TempDir dir;
};

} // namespace

TEST_F(FetchPaths, OutputPathOfThreeHundredCharacters)
{
    std::string deep = dir.path();
    while (deep.size() < 300) {
        deep += "/" + std::string(60, 'p');
    }
    std::string file = deep + "/\xe6\x96\xb0\xe6\xb5\xaa.html";
    ASSERT_GT(file.size(), 300u);
    ProcessResult r = greet({"-o", file, "--create-dirs"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "<html>\xe6\x96\xb0\xe6\xb5\xaa</html>");
    // Replacing it goes through a temporary name longer still.
    r = greet({"-o", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "<html>\xe6\x96\xb0\xe6\xb5\xaa</html>");
}

TEST_F(FetchPaths, MissingFolderIsNamedWithTheOptionThatCreatesIt)
{
    std::string folder = dir.file("photo");
    ProcessResult r = greet({"-o", folder + "/sina.html"});
    EXPECT_EQ(r.exit_code, 8);
    EXPECT_NE(r.err.find("the folder " + folder + "/ does not exist (--create-dirs creates it)"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(gp_path_exists(folder.c_str()));
}

#ifdef _WIN32
// NUL is Windows' /dev/null: written in place, never renamed over.
TEST_F(FetchPaths, NulDeviceIsWrittenInPlace)
{
    auto before = list_dir_utf8(".");
    for (const char *nul : {"NUL", "nul", "NUL.txt"}) {
        ProcessResult r = greet({"-o", nul});
        EXPECT_EQ(r.exit_code, 0) << nul << ": " << r.err;
        EXPECT_EQ(r.out, "") << nul;
    }
    EXPECT_EQ(list_dir_utf8("."), before) << "a file was made beside NUL";
}
#endif
