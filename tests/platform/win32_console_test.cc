// Console text on Windows (gp_text_write / gp_text_read_line): UTF-8 reaches a console as the
// characters it means, even split byte by byte across calls, typed non-ASCII text comes back as
// UTF-8, pipes and files get the exact bytes, and greet leaves the console's code page alone.
// The console is a real one (AllocConsole; under Wine a headless conhost), driven through its
// screen buffer and input queue.
#ifdef _WIN32

#include <gtest/gtest.h>

#include <windows.h>

#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gp.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/dir_list.h"
#include "support/temp_dir.h"

namespace
{

const char CHINESE_UTF8[] = "\xe4\xb8\xad\xe6\x96\x87"; // 中文
const wchar_t CHINESE_WIDE[] = L"\x4e2d\x6587";

// The process's console, made when it has none; a stream on CONOUT$ or CONIN$.
class Console : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        // The console the test runs in; without a working one (a service, a CI runner), a new
        // one. Wine has a console only on a terminal (its conhost needs a display otherwise):
        // the mingw build runs these tests through `script` (tests/CMakeLists.txt), which sets
        // GREET_TEST_CONSOLE=required so that a missing console fails instead of skipping.
        if (!open_ends()) {
            close_ends();
            FreeConsole();
            AllocConsole();
            open_ends();
        }
        if (!usable()) {
            const char *required = std::getenv("GREET_TEST_CONSOLE");
            ASSERT_FALSE(required && std::string(required) == "required")
                << "no console: " << GetLastError();
            GTEST_SKIP() << "no console here (run on a terminal or in a console window)";
        }
        ASSERT_NE(out_, INVALID_HANDLE_VALUE) << "no console output: " << GetLastError();
        ASSERT_NE(in_, INVALID_HANDLE_VALUE) << "no console input: " << GetLastError();
    }
    bool open_ends()
    {
        out_ = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING, 0, nullptr);
        in_ = CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE,
                          FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING, 0, nullptr);
        return usable();
    }
    bool usable()
    {
        CONSOLE_SCREEN_BUFFER_INFO info;
        DWORD mode;
        return out_ != INVALID_HANDLE_VALUE && in_ != INVALID_HANDLE_VALUE &&
               GetConsoleScreenBufferInfo(out_, &info) && GetConsoleMode(in_, &mode);
    }
    void close_ends()
    {
        for (HANDLE *h : {&out_, &in_}) {
            if (*h != INVALID_HANDLE_VALUE) {
                CloseHandle(*h);
                *h = INVALID_HANDLE_VALUE;
            }
        }
    }
    void TearDown() override
    {
        for (FILE *f : {out_file_, in_file_}) {
            if (f) {
                fclose(f); // closes the handle too
            }
        }
        if (!out_file_ && out_ != INVALID_HANDLE_VALUE) {
            CloseHandle(out_);
        }
        if (!in_file_ && in_ != INVALID_HANDLE_VALUE) {
            CloseHandle(in_);
        }
    }
    FILE *stream(HANDLE h, const char *mode, FILE **keep)
    {
        int fd = _open_osfhandle((intptr_t)h, _O_BINARY);
        *keep = fd < 0 ? nullptr : _fdopen(fd, mode);
        return *keep;
    }
    // The characters of the screen buffer's row y, trailing blanks dropped.
    std::wstring row(SHORT y)
    {
        CONSOLE_SCREEN_BUFFER_INFO info;
        EXPECT_TRUE(GetConsoleScreenBufferInfo(out_, &info));
        std::wstring text((size_t)info.dwSize.X, L' ');
        DWORD got = 0;
        COORD at = {0, y};
        EXPECT_TRUE(ReadConsoleOutputCharacterW(out_, &text[0], (DWORD)text.size(), at, &got));
        text.resize(got);
        text.erase(text.find_last_not_of(L' ') + 1);
        return text;
    }
    DWORD run_on_console(const std::wstring &args);
    int rows_showing(SHORT first, const std::wstring &want, std::string *seen);
    SHORT cursor_row()
    {
        CONSOLE_SCREEN_BUFFER_INFO info;
        EXPECT_TRUE(GetConsoleScreenBufferInfo(out_, &info));
        return info.dwCursorPosition.Y;
    }

    HANDLE out_ = INVALID_HANDLE_VALUE;
    HANDLE in_ = INVALID_HANDLE_VALUE;
    FILE *out_file_ = nullptr;
    FILE *in_file_ = nullptr;
};

// The characters of a row without blanks, a wide (CJK) character once even where the console
// repeats it in its second cell.
std::wstring glyphs(const std::wstring &cells)
{
    std::wstring g;
    for (wchar_t c : cells) {
        if (c != L' ' && !(c >= 0x1100 && !g.empty() && g.back() == c)) {
            g.push_back(c);
        }
    }
    return g;
}

std::wstring widen(const std::string &s)
{
    std::wstring w(s.size() + 1, L'\0');
    int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, &w[0], (int)w.size());
    w.resize(n > 0 ? (size_t)n - 1 : 0);
    return w;
}

// Puts text into the console's input queue as if typed ('\r' is Enter).
bool type(HANDLE in, const std::wstring &text)
{
    for (wchar_t c : text) {
        INPUT_RECORD rec[2] = {};
        for (int i = 0; i < 2; i++) {
            rec[i].EventType = KEY_EVENT;
            rec[i].Event.KeyEvent.bKeyDown = i == 0;
            rec[i].Event.KeyEvent.wRepeatCount = 1;
            rec[i].Event.KeyEvent.uChar.UnicodeChar = c;
            rec[i].Event.KeyEvent.wVirtualKeyCode = c == L'\r' ? VK_RETURN : 0;
        }
        DWORD put = 0;
        if (!WriteConsoleInputW(in, rec, 2, &put) || put != 2) {
            return false;
        }
    }
    return true;
}

// greet server on a loopback port, quiet; its port ("" when it did not start).
std::string start_server(greet_test::Process &server)
{
    if (!server.start(
            {greet_test::greet_exe(), "server", "--bind", "127.0.0.1", "--port", "0", "-q"}) ||
        !server.wait_stdout([](const std::string &s) { return s.find('\n') != std::string::npos; },
                            60000)) {
        return "";
    }
    std::string port = server.out_so_far();
    return port.erase(port.find_first_of("\r\n"));
}

// Runs greet.exe with args and the console itself as its stdin, stdout and stderr, as when a
// user runs it there; its exit code (99 when it did not end within a minute).
DWORD Console::run_on_console(const std::wstring &args)
{
    std::wstring cmd = L"\"" + widen(greet_test::greet_exe()) + L"\" " + args;
    STARTUPINFOW si = {};
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_;
    si.hStdOutput = out_;
    si.hStdError = out_;
    SetHandleInformation(in_, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    SetHandleInformation(out_, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    PROCESS_INFORMATION pi = {};
    if (!CreateProcessW(nullptr, &cmd[0], nullptr, nullptr, TRUE, 0, nullptr, nullptr, &si, &pi)) {
        ADD_FAILURE() << "CreateProcessW: " << GetLastError();
        return 99;
    }
    CloseHandle(pi.hThread);
    DWORD code = 99;
    if (WaitForSingleObject(pi.hProcess, 60000) == WAIT_OBJECT_0) {
        GetExitCodeProcess(pi.hProcess, &code);
    } else {
        TerminateProcess(pi.hProcess, 99);
    }
    CloseHandle(pi.hProcess);
    return code;
}

// How many rows from first to the cursor show exactly want (glyphs() of the row); seen lists them.
int Console::rows_showing(SHORT first, const std::wstring &want, std::string *seen)
{
    int found = 0;
    for (SHORT y = first; y <= cursor_row(); y++) {
        std::wstring g = glyphs(row(y));
        found += g == want;
        seen->append(g.begin(), g.end());
        seen->append(" | ");
    }
    return found;
}

} // namespace

TEST_F(Console, Utf8SplitAcrossWritesShowsAsWholeCharacters)
{
    FILE *f = stream(out_, "wb", &out_file_);
    ASSERT_NE(f, nullptr);
    // Whatever the console's code page is: greet neither needs nor sets 65001.
    ASSERT_TRUE(SetConsoleOutputCP(437));
    ASSERT_EQ(gp_text_write(f, "\r\n", 2), GREET_OK);
    SHORT y = cursor_row();
    std::string text = std::string("<") + CHINESE_UTF8 + ">";
    for (char c : text) { // one byte per call: the worst split there is
        ASSERT_EQ(gp_text_write(f, &c, 1), GREET_OK);
    }
    ASSERT_EQ(gp_text_write(f, "\r\n", 2), GREET_OK);
    EXPECT_EQ(glyphs(row(y)), std::wstring(L"<") + CHINESE_WIDE + L">");
    EXPECT_EQ(GetConsoleOutputCP(), 437u);
}

TEST_F(Console, TypedChineseIsReadAsUtf8)
{
    FILE *f = stream(in_, "rb", &in_file_);
    ASSERT_NE(f, nullptr);
    ASSERT_TRUE(FlushConsoleInputBuffer(in_));
    ASSERT_TRUE(type(in_, std::wstring(CHINESE_WIDE) + L"\r"));
    char line[64];
    ASSERT_NE(gp_text_read_line(line, (int)sizeof line, f), nullptr);
    EXPECT_EQ(std::string(line), std::string(CHINESE_UTF8) + "\n");
}

TEST(ConsoleText, FilesAndPipesGetTheExactBytes)
{
    TempDir dir;
    std::string path = dir.file("text.bin");
    FILE *f = gp_fopen(path.c_str(), "wb", nullptr);
    ASSERT_NE(f, nullptr);
    std::string text = std::string(CHINESE_UTF8) + "\r\n\xff\n";
    for (char c : text) {
        ASSERT_EQ(gp_text_write(f, &c, 1), GREET_OK);
    }
    fclose(f);
    f = gp_fopen(path.c_str(), "rb", nullptr);
    ASSERT_NE(f, nullptr);
    char buf[64];
    size_t got = fread(buf, 1, sizeof buf, f);
    EXPECT_EQ(std::string(buf, got), text);
    rewind(f);
    ASSERT_NE(gp_text_read_line(buf, (int)sizeof buf, f), nullptr);
    EXPECT_EQ(std::string(buf), std::string(CHINESE_UTF8) + "\r\n");
    fclose(f);
}

TEST_F(Console, GreetLeavesTheCodePageAlone)
{
    // The child shares this console (its stdout and stderr are pipes, as for a user who
    // redirects); whatever it prints, the console's code pages are the user's afterwards.
    ASSERT_TRUE(SetConsoleOutputCP(437));
    ASSERT_TRUE(SetConsoleCP(437));
    auto r = greet_test::run_process({greet_test::greet_exe(), "--version"}, "", 60000);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(GetConsoleOutputCP(), 437u);
    EXPECT_EQ(GetConsoleCP(), 437u);
}

// The whole way, as a user at a Windows console: a Chinese name typed into `greet client`, sent
// to `greet server`, and the reply shown on the console.
TEST_F(Console, ChineseNameTypedIntoGreetClientComesBackOnTheConsole)
{
    greet_test::Process server;
    std::string port = start_server(server);
    ASSERT_NE(port, "") << server.error();
    ASSERT_TRUE(FlushConsoleInputBuffer(in_));
    ASSERT_TRUE(type(in_, std::wstring(CHINESE_WIDE) + L"\r\x1a\r")); // the name, then Ctrl+Z
    ASSERT_EQ(gp_text_write(stdout, "", 0), GREET_OK);
    SHORT first = cursor_row();

    EXPECT_EQ(run_on_console(L"client --lines 127.0.0.1 --port " + widen(port) + L" -"), 0u);
    std::string seen;
    EXPECT_EQ(rows_showing(first, std::wstring(L"Hello") + CHINESE_WIDE, &seen), 1) << seen;
}

// A server's escape sequences reach a console as visible text (\x1b), not as commands that
// could clear the screen, move the cursor or retitle the window (issue 11, item 10).
TEST_F(Console, ServerControlCharactersShowEscapedOnTheConsole)
{
    greet_test::Process server;
    std::string port = start_server(server);
    ASSERT_NE(port, "") << server.error();
    ASSERT_EQ(gp_text_write(stdout, "\r\n", 2), GREET_OK);
    SHORT first = cursor_row();

    EXPECT_EQ(run_on_console(L"client --lines 127.0.0.1 --port " + widen(port) +
                             L" \"a\x1b[2Jb\" \"c\x1b]0;title\x07\""),
              0u);
    std::string seen;
    EXPECT_EQ(rows_showing(first, L"Helloa\\x1b[2Jb", &seen), 1) << seen;
    EXPECT_EQ(rows_showing(first, L"Helloc\\x1b]0;title\\x07", &seen), 1) << seen;
}

// CON is the console as a file name: `greet fetch -o CON` writes the body there in place, as
// text the console shows (UTF-8 converted, whatever its code page), and never makes a temporary
// file beside it to rename over the device name.
TEST_F(Console, FetchOutputToConShowsTheBodyOnTheConsole)
{
    greet_test::HttpServer server;
    ASSERT_TRUE(server.ok());
    server.on("/", greet_test::ok_reply(std::string("<") + CHINESE_UTF8 + ">\n"));
    ASSERT_TRUE(SetConsoleOutputCP(437));
    ASSERT_EQ(gp_text_write(stdout, "\r\n", 2), GREET_OK);
    SHORT first = cursor_row();
    auto before = list_dir_utf8(".");
    for (const char *con : {"CON", "con"}) {
        auto r = greet_test::run_process(
            {greet_test::greet_exe(), "fetch", "-s", server.url("/"), "-o", con}, "", 60000);
        EXPECT_EQ(r.exit_code, 0) << con << ": " << r.err;
        EXPECT_EQ(r.out, "") << con << ": the body went to stdout, not to the console";
    }
    std::string seen;
    EXPECT_EQ(rows_showing(first, std::wstring(L"<") + CHINESE_WIDE + L">", &seen), 2) << seen;
    EXPECT_EQ(list_dir_utf8("."), before) << "a file was made beside CON";
    EXPECT_EQ(GetConsoleOutputCP(), 437u);
}

#endif
