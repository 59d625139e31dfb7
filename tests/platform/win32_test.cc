// What only the Windows implementation does: Winsock and Win32 codes named and described by the
// system, UTF-8 names reaching the file system as real UTF-16, drive-letter paths, the UTF-8
// command line and the console control handler. Runs on Windows and under Wine (mingw preset).
#ifdef _WIN32

#include <gtest/gtest.h>

#include <winsock2.h>
#include <windows.h>

#include <cerrno>
#include <string>

#include "gp.h"
#include "support/temp_dir.h"

namespace
{

std::string describe()
{
    char buf[512];
    gp_oserr_describe(buf, sizeof buf);
    return buf;
}

bool starts_with(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

// The folder's full Windows path with a drive letter and '\' separators ("Z:\work\...").
std::string windows_path(const std::string &path)
{
    char full[MAX_PATH];
    DWORD n = GetFullPathNameA(path.c_str(), MAX_PATH, full, nullptr);
    return n > 0 && n < MAX_PATH ? std::string(full) : std::string();
}

TEST(Win32, WinsockAndCrtCodesForTheSameCauseMapAlike)
{
    EXPECT_EQ(gp_oserr_set(GP_OSERR_SOCKET, WSAECONNREFUSED), GREET_ECONNREFUSED);
    EXPECT_EQ(gp_oserr_set(GP_OSERR_ERRNO, ECONNREFUSED), GREET_ECONNREFUSED);
    EXPECT_EQ(gp_oserr_set(GP_OSERR_SOCKET, WSAETIMEDOUT), GREET_ETIMEDOUT);
    EXPECT_EQ(gp_oserr_set(GP_OSERR_WIN32, ERROR_PATH_NOT_FOUND), GREET_ENOENT);
    EXPECT_EQ(gp_oserr_set(GP_OSERR_ERRNO, ENOENT), GREET_ENOENT);
    EXPECT_EQ(gp_oserr_set(GP_OSERR_GAI, WSAHOST_NOT_FOUND), GREET_ENOHOST);
    EXPECT_EQ(gp_oserr_set(GP_OSERR_GAI, WSATRY_AGAIN), GREET_ERESOLVE);
    EXPECT_EQ(gp_oserr_set(GP_OSERR_SOCKET, 99999), GREET_ESYS);
    gp_oserr_clear();
}

TEST(Win32, DescriptionNamesTheWinsockCodeAndEndsWithoutLineBreak)
{
    gp_oserr_set(GP_OSERR_SOCKET, WSAECONNREFUSED);
    std::string text = describe();
    EXPECT_TRUE(starts_with(text, "WSAECONNREFUSED 10061")) << text;
    EXPECT_EQ(text.find_first_of("\r\n"), std::string::npos) << text;
    gp_oserr_clear();
    EXPECT_EQ(describe(), "");
}

TEST(Win32, DescriptionOfAWin32CodeCarriesTheSystemText)
{
    gp_oserr_set(GP_OSERR_WIN32, ERROR_FILE_NOT_FOUND);
    std::string text = describe();
    EXPECT_TRUE(starts_with(text, "ERROR_FILE_NOT_FOUND 2: ")) << text;
    EXPECT_GT(text.size(), sizeof "ERROR_FILE_NOT_FOUND 2: ") << text;
    EXPECT_EQ(text.find_first_of("\r\n"), std::string::npos) << text;
    gp_oserr_clear();
}

TEST(Win32, ErrorTextOfARefusedConnectNamesWinsock)
{
    gp_addr addr[GP_RESOLVE_MAX];
    size_t n = 0;
    gp_socket listener = GP_SOCKET_INVALID;
    gp_socket s = GP_SOCKET_INVALID;
    gp_addr bound{};
    char text[512];

    ASSERT_EQ(gp_net_init(), GREET_OK);
    // A port that was just ours and is closed now: nobody listens there.
    ASSERT_EQ(gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, addr, GP_RESOLVE_MAX, &n), GREET_OK);
    ASSERT_EQ(gp_sock_listen(&addr[0], 1, &listener), GREET_OK);
    ASSERT_EQ(gp_sock_local_addr(listener, &bound), GREET_OK);
    gp_sock_close(listener);
    int rc = gp_sock_connect(&bound, gp_deadline_in(5000), &s);
    EXPECT_EQ(rc, GREET_ECONNREFUSED);
    EXPECT_EQ(s, GP_SOCKET_INVALID);
    std::string msg = greet_error_text(rc, text, sizeof text);
    EXPECT_TRUE(starts_with(msg, "connection refused (WSAECONNREFUSED 10061")) << msg;
    gp_net_fini();
}

TEST(Win32, Utf8FileNameReachesTheFileSystemAsUtf16)
{
    TempDir dir;
    // "新浪.html" (Sina): the tutorial's page under a Chinese name.
    std::string name = dir.file("\xe6\x96\xb0\xe6\xb5\xaa.html");

    ASSERT_EQ(write_file_utf8(name, "<html>"), GREET_OK);
    std::wstring wide(dir.path().begin(), dir.path().end()); // ASCII
    wide += L"/\u65b0\u6d6a.html";
    EXPECT_NE(GetFileAttributesW(wide.c_str()), INVALID_FILE_ATTRIBUTES);
}

TEST(Win32, InvalidUtf8NameIsEINVAL)
{
    int err = GREET_OK;
    EXPECT_EQ(gp_fopen("bad\xff\xfe.txt", "wb", &err), nullptr);
    EXPECT_EQ(err, GREET_EINVAL);
}

TEST(Win32, MkdirPTakesDriveLettersAndBackslashes)
{
    TempDir dir;
    std::string root = windows_path(dir.path());
    ASSERT_EQ(root.compare(1, 2, ":\\"), 0) << root;

    std::string nested = root + "\\photo\\2026/11";
    ASSERT_EQ(gp_mkdir_p(nested.c_str()), GREET_OK);
    EXPECT_TRUE(gp_path_exists(nested.c_str()));
    EXPECT_EQ(gp_mkdir_p((nested + "\\").c_str()), GREET_OK);
    EXPECT_EQ(gp_mkdir_p(root.substr(0, 3).c_str()), GREET_OK); // the drive root exists
}

// The tutorial saves to D:\photo\sina.html. A test maps a free drive letter onto its own folder
// (DefineDosDeviceW: on Windows like subst, under Wine a dosdevices symlink) and uses that path.
TEST(Win32, TutorialStyleDrivePathIsCreatedAndWritten)
{
    TempDir dir;
    std::string folder = windows_path(dir.path());
    std::wstring target(folder.begin(), folder.end()); // ASCII
    wchar_t drive[] = L"?:";
    DWORD used = GetLogicalDrives();

    for (wchar_t d = L'Y'; d >= L'D' && drive[0] == L'?'; d--) {
        if (!(used & (1u << (d - L'A')))) {
            drive[0] = d;
        }
    }
    ASSERT_NE(drive[0], L'?') << "no free drive letter";
    ASSERT_TRUE(DefineDosDeviceW(0, drive, target.c_str())) << GetLastError();
    std::wstring root = std::wstring(drive) + L"\\";
    if (GetFileAttributesW(root.c_str()) == INVALID_FILE_ATTRIBUTES) {
        DefineDosDeviceW(DDD_REMOVE_DEFINITION, drive, nullptr);
        GTEST_SKIP() << "the system does not open files through a DefineDosDeviceW drive (Wine "
                        "8 does not; map one there with a $WINEPREFIX/dosdevices symlink)";
    }
    std::string letter(1, static_cast<char>(drive[0]));
    std::string page = letter + ":\\photo\\sina.html";
    EXPECT_EQ(gp_mkdir_p(page.substr(0, gp_path_dirlen(page.c_str())).c_str()), GREET_OK);
    EXPECT_EQ(write_file_utf8(page, "<html>"), GREET_OK);
    EXPECT_EQ(read_file_utf8(dir.file("photo/sina.html")), "<html>");
    DefineDosDeviceW(DDD_REMOVE_DEFINITION, drive, nullptr);
}

TEST(Win32, CommandLineComesBackAsUtf8)
{
    int argc = 0;
    char **argv = nullptr;

    ASSERT_EQ(gp_args_utf8(&argc, &argv), GREET_OK);
    ASSERT_GE(argc, 1);
    ASSERT_NE(argv, nullptr);
    EXPECT_EQ(argv[argc], nullptr);
    EXPECT_NE(std::string(argv[0]).find("greet_tests"), std::string::npos) << argv[0];
}

TEST(Win32, ConsoleCtrlCEndsABlockingWait)
{
    gp_stop_reset();
    ASSERT_EQ(gp_stop_install(), GREET_OK);
    // Ctrl+C goes to every process on the console: a console of our own keeps it here. A parent
    // may have started us with Ctrl+C ignored (CREATE_NEW_PROCESS_GROUP); take it back.
    FreeConsole();
    ASSERT_TRUE(AllocConsole()) << GetLastError();
    ASSERT_TRUE(SetConsoleCtrlHandler(nullptr, FALSE)) << GetLastError();
    ASSERT_TRUE(GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0)) << GetLastError();
    EXPECT_EQ(gp_stop_wait(gp_deadline_in(10000)), GREET_OK);
    EXPECT_TRUE(gp_stop_requested());
    gp_stop_reset();
}

} // namespace

#endif
