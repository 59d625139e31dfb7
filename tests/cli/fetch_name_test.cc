// `greet fetch -OJ`: the file name from Content-Disposition (src/cli/fetch_name.c) and, run as a
// user would, where the file goes: only into the current folder, never over an existing file.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gp.h"
#include "support/fetch_cli_fixture.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

extern "C" {
#include "fetch_cli.h"
}

using greet_test::FetchCliFixture;
using greet_test::ok_reply;
using greet_test::ProcessResult;

namespace
{

struct Named {
    int rc;
    std::string name;
};

Named disposition(const std::string &value)
{
    char name[CLI_NAME_MAX] = "";
    const char *why = nullptr;
    int rc = cli_disposition_name(value.data(), value.size(), name, sizeof name, &why);
    EXPECT_EQ(rc == GREET_EINVAL, why != nullptr) << value;
    return {rc, name};
}

// The tests run greet in the test runner's folder (the build tree): every name is unique to
// this process, and removed at the end.
class FetchRemoteHeaderName : public FetchCliFixture
{
  protected:
    void SetUp() override
    {
        FetchCliFixture::SetUp();
        prefix = "greet-J-" + std::to_string(gp_process_id()) + "-";
    }
    void TearDown() override
    {
        for (const std::string &n : made) {
            gp_file_remove(n.c_str());
        }
    }
    std::string name(const std::string &tail)
    {
        made.push_back(prefix + tail);
        return prefix + tail;
    }
    // Serves the Content-Disposition value at /dl/URLNAME and runs greet -OJ on it.
    ProcessResult fetch(const std::string &cd, const std::string &url_name = "urlname")
    {
        std::string extra = cd.empty() ? "" : "Content-Disposition: " + cd + "\r\n";
        server.on("/dl/" + name(url_name), ok_reply("payload", extra));
        return greet({"-s", "-OJ", server.url("/dl/" + prefix + url_name)});
    }

    std::string prefix;
    std::vector<std::string> made;
};

} // namespace

TEST(ContentDisposition, PlainQuotedAndExtendedNames)
{
    EXPECT_EQ(disposition("attachment; filename=plain.txt").name, "plain.txt");
    EXPECT_EQ(disposition("attachment; filename=\"with space;.txt\"").name, "with space;.txt");
    Named escaped = disposition("attachment; filename=\"a\\\"b.txt\""); // a quote: refused
    EXPECT_EQ(escaped.rc, GREET_EINVAL);
    EXPECT_EQ(escaped.name, "a\"b.txt");
    EXPECT_EQ(disposition("attachment;filename = token.bin ; size=3").name, "token.bin");
    EXPECT_EQ(disposition("ATTACHMENT; FILENAME=Up.TXT").name, "Up.TXT");
    EXPECT_EQ(
        disposition("inline; filename=\"x.txt\"; filename*=UTF-8''na%C3%AFve%20file.txt").name,
        "na\xc3\xafve file.txt");
    EXPECT_EQ(disposition("attachment; filename*=utf-8'en'%E2%82%AC.txt; filename=euro.txt").name,
              "\xe2\x82\xac.txt");
    EXPECT_EQ(disposition("attachment; filename*=iso-8859-1''caf%E9.txt").name, "caf\xc3\xa9.txt");
}

TEST(ContentDisposition, UnreadableExtendedNameFallsBackToFilename)
{
    EXPECT_EQ(disposition("attachment; filename*=UTF-8''bad%zz; filename=ok.txt").name, "ok.txt");
    EXPECT_EQ(disposition("attachment; filename*=KOI8-R''x; filename=ok.txt").name, "ok.txt");
    EXPECT_EQ(disposition("attachment; filename*=UTF-8''cut%00.exe; filename=ok.txt").name,
              "ok.txt");
    EXPECT_EQ(disposition("attachment; filename*=UTF-8''bad%zz").rc, GREET_ENOENT);
}

TEST(ContentDisposition, NoNameIsENOENT)
{
    EXPECT_EQ(disposition("attachment").rc, GREET_ENOENT);
    EXPECT_EQ(disposition("inline; size=3").rc, GREET_ENOENT);
    EXPECT_EQ(disposition("").rc, GREET_ENOENT);
    EXPECT_EQ(disposition("attachment; filename=\"unclosed").rc, GREET_ENOENT);
}

TEST(ContentDisposition, FolderPartsAreStripped)
{
    EXPECT_EQ(disposition("attachment; filename=\"../../x\"").name, "x");
    EXPECT_EQ(disposition("attachment; filename=/etc/passwd").name, "passwd");
    EXPECT_EQ(disposition("attachment; filename=\"..\\\\x\"").name, "x");
    EXPECT_EQ(disposition("attachment; filename=..\\x").name, "x");
    EXPECT_EQ(disposition("attachment; filename*=UTF-8''..%2F..%2Fy").name, "y");
    EXPECT_EQ(disposition("attachment; filename=\"C:\\\\Windows\\\\evil.dll\"").name, "evil.dll");
}

TEST(ContentDisposition, UnsafeNamesAreRefused)
{
    const char *bad[] = {
        "attachment; filename=\"\"",          "attachment; filename=\".\"",
        "attachment; filename=\"..\"",        "attachment; filename=\"a/..\"",
        "attachment; filename=\"dir/\"",      "attachment; filename=\"a\tb\"",
        "attachment; filename*=UTF-8''a%0Ab", "attachment; filename*=UTF-8''a%1B%5B31m",
        "attachment; filename=\"c:x\"",       "attachment; filename=\"a?b\"",
        "attachment; filename=\"a*b\"",       "attachment; filename=\"a|b\"",
        "attachment; filename=\"a<b>\"",      "attachment; filename=\"trailing.\"",
        "attachment; filename=\"trailing \"", "attachment; filename=CON",
        "attachment; filename=nul.txt",       "attachment; filename=\"COM1.log\"",
        "attachment; filename=lpt9",
    };
    for (const char *value : bad) {
        EXPECT_EQ(disposition(value).rc, GREET_EINVAL) << value;
    }
    EXPECT_EQ(disposition("attachment; filename=COM10").rc, GREET_OK);
    EXPECT_EQ(disposition("attachment; filename=console.txt").rc, GREET_OK);
    EXPECT_EQ(disposition("attachment; filename=" + std::string(255, 'a')).rc, GREET_OK);
    EXPECT_EQ(disposition("attachment; filename=" + std::string(256, 'a')).rc, GREET_EINVAL);
}

TEST_F(FetchRemoteHeaderName, PlainNameIsUsed)
{
    ProcessResult r = fetch("attachment; filename=" + name("plain.txt"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(prefix + "plain.txt"), "payload");
    EXPECT_FALSE(gp_path_exists((prefix + "urlname").c_str()));
}

TEST_F(FetchRemoteHeaderName, QuotedAndExtendedNamesAreUsed)
{
    ProcessResult r1 = fetch("attachment; filename=\"" + name("quoted name.txt") + "\"", "u1");
    ASSERT_EQ(r1.exit_code, 0) << r1.err;
    EXPECT_EQ(read_file_utf8(prefix + "quoted name.txt"), "payload");
    ProcessResult r2 = fetch("attachment; filename=\"fallback.txt\"; filename*=UTF-8''" + prefix +
                                 "%E6%96%B0%E6%B5%AA.txt",
                             "u2");
    name("\xe6\x96\xb0\xe6\xb5\xaa.txt");
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    EXPECT_EQ(read_file_utf8(prefix + "\xe6\x96\xb0\xe6\xb5\xaa.txt"), "payload");
    EXPECT_FALSE(gp_path_exists("fallback.txt"));
}

TEST_F(FetchRemoteHeaderName, FolderPartsNeverLeaveTheCurrentFolder)
{
    const char *tricks[] = {"../../", "/etc/", "..\\\\", "sub/dir/"};
    int i = 0;
    for (const char *trick : tricks) {
        std::string leaf = "x" + std::to_string(i);
        ProcessResult r = fetch("attachment; filename=\"" + std::string(trick) + name(leaf) + "\"",
                                "u" + std::to_string(i++));
        ASSERT_EQ(r.exit_code, 0) << trick << ": " << r.err;
        EXPECT_EQ(read_file_utf8(prefix + leaf), "payload") << trick;
    }
    EXPECT_FALSE(gp_path_exists(("../../" + prefix + "x0").c_str()));
    EXPECT_FALSE(gp_path_exists(("../" + prefix + "x2").c_str()));
}

TEST_F(FetchRemoteHeaderName, PasswdNameLandsHere)
{
    // A server's "/etc/passwd" is the file "passwd" here; one that exists is never replaced.
    ProcessResult r = fetch("attachment; filename=/etc/" + name("passwd"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(prefix + "passwd"), "payload");
}

TEST_F(FetchRemoteHeaderName, ExistingFileIsRefusedAndUntouched)
{
    std::string existing = name("existing.txt");
    ASSERT_EQ(write_file_utf8(existing, "precious"), GREET_OK);
    ProcessResult r = fetch("attachment; filename=\"" + existing + "\"");
    EXPECT_EQ(r.exit_code, 8) << r.err;
    EXPECT_EQ(read_file_utf8(existing), "precious");
    EXPECT_NE(r.err.find(existing), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("never replaces"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(gp_path_exists((prefix + "urlname").c_str()));
}

TEST_F(FetchRemoteHeaderName, UnsafeNameIsRefusedWithNothingWritten)
{
    ProcessResult r = fetch("attachment; filename*=UTF-8''..%2F%1B%5B31mred");
    EXPECT_EQ(r.exit_code, 8) << r.err;
    EXPECT_NE(r.err.find("control characters"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err; // shown escaped
    EXPECT_FALSE(gp_path_exists((prefix + "urlname").c_str()));
}

TEST_F(FetchRemoteHeaderName, NoContentDispositionFallsBackToTheUrlName)
{
    ProcessResult r = fetch("");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(prefix + "urlname"), "payload");
}

TEST_F(FetchRemoteHeaderName, NeedsRemoteNameAndRefusesContinueAndInclude)
{
    ProcessResult alone = greet({"-J", server.url("/x")});
    EXPECT_EQ(alone.exit_code, 2);
    EXPECT_NE(alone.err.find("-J"), std::string::npos) << alone.err;
    EXPECT_EQ(greet({"-J", "-o", dir.file("x"), server.url("/x")}).exit_code, 2);
    EXPECT_EQ(greet({"-OJ", "-C", "-", server.url("/x")}).exit_code, 2);
    EXPECT_EQ(greet({"-OJi", server.url("/x")}).exit_code, 2);
    EXPECT_TRUE(server.requests().empty());
}
