// `greet fetch -R` and `-z`, run as a user would: the saved file's time from Last-Modified, the
// conditional request the server sees, and what a 304 or an answer that fails the condition
// leaves behind.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gp.h"
#include "support/fetch_cli_fixture.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

using greet_test::FetchCliFixture;
using greet_test::ok_reply;
using greet_test::ProcessResult;
using greet_test::raw_reply;

namespace
{

const int64_t k1994 = 784111777; // Sun, 06 Nov 1994 08:49:37 GMT
const char kLastModified1994[] = "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n";
const char kNotModified[] = "HTTP/1.1 304 Not Modified\r\n\r\n";

int64_t mtime_of(const std::string &path)
{
    int64_t t = -1;
    EXPECT_EQ(gp_file_mtime(path.c_str(), &t), GREET_OK) << path;
    return t;
}

// The value of field name in the last request the server saw, "<none>" without one.
std::string requested(greet_test::HttpServer &server, const std::string &name)
{
    std::vector<std::string> heads = server.requests();
    if (heads.empty()) {
        return "<no request>";
    }
    const std::string &head = heads.back();
    size_t at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) {
        return "<none>";
    }
    at += name.size() + 4;
    return head.substr(at, head.find("\r\n", at) - at);
}

using FetchRemoteTime = FetchCliFixture;
using FetchTimeCond = FetchCliFixture;

} // namespace

TEST_F(FetchRemoteTime, LastModifiedBecomesTheFileTime)
{
    server.on("/f", ok_reply("body", kLastModified1994));
    std::string file = dir.file("f.bin");
    ProcessResult r = greet({"-s", "-R", "-o", file, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "body");
    EXPECT_EQ(mtime_of(file), k1994);
}

TEST_F(FetchRemoteTime, WithoutTheOptionTheFileHasItsWriteTime)
{
    server.on("/f", ok_reply("body", kLastModified1994));
    std::string file = dir.file("f.bin");
    ASSERT_EQ(greet({"-s", "-o", file, server.url("/f")}).exit_code, 0);
    EXPECT_GT(mtime_of(file), k1994 + 86400 * 365 * 20);
}

TEST_F(FetchRemoteTime, AbsentOrGarbageLastModifiedLeavesTheWriteTime)
{
    server.on("/none", ok_reply("a"));
    server.on("/bad", ok_reply("b", "Last-Modified: yesterday-ish\r\n"));
    std::string none = dir.file("none.bin"), bad = dir.file("bad.bin");
    ProcessResult r1 = greet({"-s", "-R", "-o", none, server.url("/none")});
    ProcessResult r2 = greet({"-s", "-R", "-o", bad, server.url("/bad")});
    ASSERT_EQ(r1.exit_code, 0) << r1.err;
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    EXPECT_EQ(r1.err, "");
    EXPECT_EQ(r2.err, "");
    EXPECT_EQ(read_file_utf8(bad), "b");
    EXPECT_GT(mtime_of(none), k1994 + 86400 * 365 * 20);
    EXPECT_GT(mtime_of(bad), k1994 + 86400 * 365 * 20);
}

TEST_F(FetchRemoteTime, EachOfManyFilesGetsItsOwnTime)
{
    server.set_keep_alive(true);
    server.on("/a", ok_reply("a", "Last-Modified: Sunday, 06-Nov-94 08:49:37 GMT\r\n"));
    server.on("/b", ok_reply("b", "Last-Modified: Thu Jan  1 00:16:40 1970\r\n"));
    std::string a = dir.file("a"), b = dir.file("b");
    ProcessResult r = greet({"-s", "-R", "-o", a, "-o", b, server.url("/a"), server.url("/b")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(mtime_of(a), k1994);
    EXPECT_EQ(mtime_of(b), 1000);
}

TEST_F(FetchTimeCond, DateSendsIfModifiedSinceAndA304LeavesTheFile)
{
    server.on("/f", raw_reply(kNotModified));
    std::string file = dir.file("f.bin");
    ASSERT_EQ(write_file_utf8(file, "kept"), GREET_OK);
    ProcessResult r = greet({"-z", "20 Nov 2026", "-o", file, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(requested(server, "If-Modified-Since"), "Fri, 20 Nov 2026 00:00:00 GMT");
    EXPECT_EQ(read_file_utf8(file), "kept");
    EXPECT_NE(r.err.find("not modified (304); " + file + " was left as it was"), std::string::npos)
        << r.err;
}

TEST_F(FetchTimeCond, FileGivesItsModificationTime)
{
    server.on("/f", ok_reply("new"));
    std::string ref = dir.file("ref"), out = dir.file("out");
    ASSERT_EQ(write_file_utf8(ref, "x"), GREET_OK);
    ASSERT_EQ(gp_file_set_mtime(ref.c_str(), k1994), GREET_OK);
    ProcessResult r = greet({"-s", "-z", ref, "-o", out, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(requested(server, "If-Modified-Since"), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(read_file_utf8(out), "new");
}

TEST_F(FetchTimeCond, LeadingDashSendsIfUnmodifiedSince)
{
    server.on("/f", ok_reply("new"));
    ProcessResult r = greet({"-z", "-Sun, 06 Nov 1994 08:49:37 GMT", server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(requested(server, "If-Unmodified-Since"), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(requested(server, "If-Modified-Since"), "<none>");
    EXPECT_EQ(r.out, "new");
}

TEST_F(FetchTimeCond, AnIgnoredConditionWithAnOlderDocumentIsNotWritten)
{
    // The server ignores If-Modified-Since and sends a 200 last modified in 1994: curl drops it
    // ("not new enough"), and so does greet, leaving the file as it was.
    server.on("/f", ok_reply("old body", kLastModified1994));
    std::string file = dir.file("f.bin");
    ASSERT_EQ(write_file_utf8(file, "kept"), GREET_OK);
    ProcessResult r =
        greet({"-z", "20 Nov 2026", "-w", "%{http_code}", "-o", file, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "kept");
    EXPECT_NE(r.err.find("not new enough"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(file + " was left as it was"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("304"), std::string::npos) << r.out;
    ProcessResult quiet = greet({"-s", "-z", "20 Nov 2026", "-o", file, server.url("/f")});
    EXPECT_EQ(quiet.exit_code, 0);
    EXPECT_EQ(quiet.err, "");
}

TEST_F(FetchTimeCond, AnIgnoredConditionWithANewerDocumentIsWritten)
{
    server.on("/f", ok_reply("new body", kLastModified1994));
    std::string file = dir.file("f.bin");
    ProcessResult r = greet({"-s", "-z", "1 Jan 1990", "-o", file, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), "new body");
}

TEST_F(FetchTimeCond, UnmodifiedSinceDropsANewerDocument)
{
    server.on("/f", ok_reply("new body", kLastModified1994));
    ProcessResult r = greet({"-z", "-1 Jan 1990", server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("not old enough"), std::string::npos) << r.err;
}

TEST_F(FetchTimeCond, NeitherFileNorDateIsAUsageError)
{
    ProcessResult r = greet({"-z", dir.file("no-such-file"), server.url("/f")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("is neither an existing file nor a date"), std::string::npos) << r.err;
    EXPECT_TRUE(server.requests().empty());
}
