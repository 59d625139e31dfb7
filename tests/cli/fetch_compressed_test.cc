// `greet fetch --compressed` as a user runs it: the file gets the decoded body; a corrupt or cut
// short one is exit 6 with one line naming the cause, and leaves no file (an old one untouched).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/fetch_cli_fixture.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

#ifdef GREET_TEST_ZLIB
#include <zlib.h>
#endif

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::ProcessResult;
using greet_test::raw_reply;

namespace
{

class FetchCompressedCli : public greet_test::FetchCliFixture
{
};

const std::string kText = [] {
    std::string s;
    for (int i = 0; i < 500; i++) {
        s += "row " + std::to_string(i) + ", compressible text\n";
    }
    return s;
}();

} // namespace

TEST_F(FetchCompressedCli, ResumeAndCompressedExcludeEachOther)
{
    ProcessResult r = greet({"--compressed", "-C", "-", "-o", dir.file("x"), server.url("/")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("-C and --compressed cannot be used together"), std::string::npos)
        << r.err;
}

#ifdef GREET_TEST_ZLIB

namespace
{

std::string gzip(const std::string &in)
{
    uLongf cap = compressBound(static_cast<uLong>(in.size())) + 32;
    std::string out(cap, '\0');
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef *>(&out[0]);
    z.avail_out = static_cast<uInt>(cap);
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

} // namespace

TEST_F(FetchCompressedCli, FileGetsTheDecodedBody)
{
    server.on("/t.txt", ok_reply(gzip(kText), "Content-Encoding: gzip\r\n"));
    ProcessResult r = greet({"-s", "--compressed", "-o", dir.file("t.txt"), server.url("/t.txt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("t.txt")), kText);
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_NE(server.requests()[0].find("Accept-Encoding: deflate, gzip\r\n"), std::string::npos);
}

TEST_F(FetchCompressedCli, WithoutCompressedTheBodyIsSavedAsItCame)
{
    std::string coded = gzip(kText);
    server.on("/t.gz", ok_reply(coded, "Content-Encoding: gzip\r\n"));
    ProcessResult r = greet({"-s", "-o", dir.file("t.gz"), server.url("/t.gz")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("t.gz")), coded);
}

TEST_F(FetchCompressedCli, CorruptOrCutShortIsExitSixAndTheOldFileStays)
{
    std::string bad = gzip(kText), cut = bad.substr(0, bad.size() / 2);
    bad[bad.size() / 3] ^= 0x5a;
    bad[bad.size() / 3 + 1] ^= 0x5a;
    server.on("/bad", ok_reply(bad, "Content-Encoding: gzip\r\n"));
    server.on("/cut", raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + cut));
    ASSERT_EQ(write_file_utf8(dir.file("old"), "old content"), 0);
    ProcessResult r = greet({"-s", "--compressed", "-o", dir.file("old"), server.url("/bad")});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("Content-Encoding: corrupt gzip data"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
    r = greet({"-s", "-o", dir.file("old"), server.url("/cut")});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("Transfer-Encoding: the gzip data ended early"), std::string::npos)
        << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("old")), "old content");
    r = greet({"-s", "--compressed", "-o", dir.file("new"), server.url("/bad")});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(read_file_utf8(dir.file("new")), "<missing>");
}

#else

TEST_F(FetchCompressedCli, CompressedSaysItIsNotInThisBuild)
{
    server.on("/", ok_reply("x"));
    ProcessResult r = greet({"--compressed", server.url("/")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("not supported in this build (built without zlib)"), std::string::npos)
        << r.err;
}

#endif
