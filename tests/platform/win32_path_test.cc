// Long paths on Windows: every path reaches the file "W" functions in its \\?\ form (gpw_path),
// which real Windows needs past 260 characters (Wine has no such limit, so the conversion itself
// is what is checked here), and a rename into place waits out a scanner holding the file.
#ifdef _WIN32

#include <gtest/gtest.h>

#include <windows.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "gp.h"
#include "support/process.h"
#include "support/temp_dir.h"
extern "C" {
#include "win32/gpw.h" // internal to the Windows platform layer: no extern "C" of its own
}

namespace
{

std::wstring converted(const char *path)
{
    wchar_t *w = nullptr;
    int rc = gpw_path(path, &w);
    std::wstring s = rc == GREET_OK ? std::wstring(w) : L"error " + std::to_wstring(rc);
    free(w);
    return s;
}

std::wstring widen(const std::string &s)
{
    std::wstring w(s.size() + 1, L'\0');
    int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, &w[0], (int)w.size());
    w.resize(n > 0 ? (size_t)n - 1 : 0);
    return w;
}

std::string narrow(const std::wstring &w)
{
    return std::string(w.begin(), w.end()); // for messages: the paths here are ASCII
}

// Runs the test in a folder of its own ("X:\...\dir"), restoring the current folder afterwards.
class LongPath : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        wchar_t old[MAX_PATH];
        ASSERT_GT(GetCurrentDirectoryW(MAX_PATH, old), 0u);
        old_ = old;
        ASSERT_TRUE(SetCurrentDirectoryW(widen(dir_.path()).c_str()));
        wchar_t cwd[MAX_PATH];
        ASSERT_GT(GetCurrentDirectoryW(MAX_PATH, cwd), 0u);
        cwd_ = cwd; // "Z:\tmp\greet-test-..." under Wine
    }
    void TearDown() override
    {
        SetCurrentDirectoryW(old_.c_str());
    }
    TempDir dir_;
    std::wstring old_, cwd_;
};

} // namespace

TEST_F(LongPath, RelativePathsBecomeAbsoluteWithThePrefix)
{
    EXPECT_EQ(converted("out.html"), L"\\\\?\\" + cwd_ + L"\\out.html");
    EXPECT_EQ(converted("photo\\sina.html"), L"\\\\?\\" + cwd_ + L"\\photo\\sina.html");
}

TEST_F(LongPath, ForwardSlashesAndDotsAreResolvedFirst)
{
    // After \\?\ Windows takes every character literally: '/' and ".." must be gone by then.
    EXPECT_EQ(converted("a/b/../c/./d.txt"), L"\\\\?\\" + cwd_ + L"\\a\\c\\d.txt");
    std::wstring parent = cwd_.substr(0, cwd_.find_last_of(L'\\'));
    EXPECT_EQ(converted("../x"), L"\\\\?\\" + parent + L"\\x");
}

TEST_F(LongPath, DriveRelativePathUsesThatDrivesFolder)
{
    // "D:foo" is foo in D:'s current folder: this folder for its own drive, the root elsewhere.
    std::string own = narrow(cwd_.substr(0, 2)) + "foo";
    EXPECT_EQ(converted(own.c_str()), L"\\\\?\\" + cwd_ + L"\\foo");
    char other = cwd_[0] == L'Q' ? 'R' : 'Q';
    std::string elsewhere = std::string(1, other) + ":foo\\bar";
    EXPECT_EQ(converted(elsewhere.c_str()),
              L"\\\\?\\" + std::wstring(1, (wchar_t)other) + L":\\foo\\bar");
}

TEST_F(LongPath, AbsoluteAndUncPaths)
{
    EXPECT_EQ(converted("C:\\photo\\sina.html"), L"\\\\?\\C:\\photo\\sina.html");
    EXPECT_EQ(converted("C:/photo/sina.html"), L"\\\\?\\C:\\photo\\sina.html");
    EXPECT_EQ(converted("\\\\server\\share\\dir\\f.txt"), L"\\\\?\\UNC\\server\\share\\dir\\f.txt");
    EXPECT_EQ(converted("//server/share/dir/../f.txt"), L"\\\\?\\UNC\\server\\share\\f.txt");
}

TEST_F(LongPath, VerbatimDevicesAndEmpty)
{
    EXPECT_EQ(converted("\\\\?\\C:\\as\\written"), L"\\\\?\\C:\\as\\written");
    EXPECT_EQ(converted("\\\\.\\NUL"), L"\\\\.\\NUL");
    // Device names are devices wherever they appear, and never get the file prefix.
    std::wstring nul = converted("NUL");
    EXPECT_EQ(_wcsicmp(nul.c_str(), L"\\\\.\\NUL"), 0) << narrow(nul);
    EXPECT_EQ(converted(""), L"error " + std::to_wstring(GREET_EINVAL));
}

TEST_F(LongPath, FileFunctionsWorkPastMaxPath)
{
    std::string deep = dir_.path();
    while (deep.size() < 300) {
        deep += "/" + std::string(50, 'd');
    }
    std::string file = deep + "/\xe6\x96\xb0\xe6\xb5\xaa.html"; // 新浪.html, 300+ characters
    ASSERT_EQ(gp_mkdir_p(deep.c_str()), GREET_OK);
    FILE *f = gp_fopen((file + ".tmp").c_str(), "wbx", nullptr);
    ASSERT_NE(f, nullptr);
    fputs("hello", f);
    fclose(f);
    ASSERT_EQ(gp_file_replace((file + ".tmp").c_str(), file.c_str()), GREET_OK);
    EXPECT_TRUE(gp_path_exists(file.c_str()));
    EXPECT_FALSE(gp_path_exists((file + ".tmp").c_str()));
    EXPECT_EQ(gp_file_remove(file.c_str()), GREET_OK);
}

// A scanner that opens the fresh file without sharing for a moment: the rename waits it out.
TEST_F(LongPath, ReplaceWaitsForAFileHeldBriefly)
{
    ASSERT_EQ(write_file_utf8(dir_.file("new"), "new"), 0);
    ASSERT_EQ(write_file_utf8(dir_.file("old"), "old"), 0);
    HANDLE held = CreateFileW(widen(dir_.file("new")).c_str(), GENERIC_READ, 0, nullptr,
                              OPEN_EXISTING, 0, nullptr);
    ASSERT_NE(held, INVALID_HANDLE_VALUE);
    std::thread scanner([held] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        CloseHandle(held);
    });
    int rc = gp_file_replace(dir_.file("new").c_str(), dir_.file("old").c_str());
    scanner.join();
    EXPECT_EQ(rc, GREET_OK);
    EXPECT_EQ(read_file_utf8(dir_.file("old")), "new");
}

TEST_F(LongPath, ReplaceGivesUpOnAFileHeldForGood)
{
    ASSERT_EQ(write_file_utf8(dir_.file("new"), "new"), 0);
    HANDLE held = CreateFileW(widen(dir_.file("new")).c_str(), GENERIC_READ, 0, nullptr,
                              OPEN_EXISTING, 0, nullptr);
    ASSERT_NE(held, INVALID_HANDLE_VALUE);
    auto t0 = std::chrono::steady_clock::now();
    int rc = gp_file_replace(dir_.file("new").c_str(), dir_.file("old").c_str());
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    CloseHandle(held);
    EXPECT_NE(rc, GREET_OK);
    EXPECT_GE(ms, 1000);
    EXPECT_LT(ms, 5000);
}

// greet.exe carries the manifest that lets real Windows take long paths and makes UTF-8 its
// ANSI code page (resource 1 of type RT_MANIFEST, read by the loader at process start).
TEST(Win32Exe, ManifestAsksForLongPathsAndUtf8)
{
    HMODULE exe = LoadLibraryExW(widen(greet_test::greet_exe()).c_str(), nullptr,
                                 LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE);
    ASSERT_NE(exe, nullptr) << GetLastError();
    HRSRC res = FindResourceW(exe, MAKEINTRESOURCEW(1), MAKEINTRESOURCEW(24));
    ASSERT_NE(res, nullptr) << GetLastError();
    const char *data = static_cast<const char *>(LockResource(LoadResource(exe, res)));
    ASSERT_NE(data, nullptr);
    std::string manifest(data, SizeofResource(exe, res));
    FreeLibrary(exe);
    EXPECT_NE(manifest.find("WindowsSettings\">true</longPathAware>"), std::string::npos)
        << manifest;
    EXPECT_NE(manifest.find("WindowsSettings\">UTF-8</activeCodePage>"), std::string::npos)
        << manifest;
}

#endif
