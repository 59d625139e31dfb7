// `greet fetch -C`: an interrupted download keeps its bytes in FILE.part, the next run asks for
// the rest (Range, If-Range) and appends a 206, starts over on a 200, and takes a 416 for a file
// that is already whole as success; FILE appears only when complete.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gp.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::ProcessResult;
using greet_test::raw_reply;
using greet_test::Reply;

namespace
{

const std::string kWhole = "0123456789";
const Reply kCut = raw_reply("HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Length: 10\r\n\r\n01234");
const Reply kRest =
    raw_reply("HTTP/1.1 206 Partial Content\r\nETag: \"v1\"\r\nContent-Range: bytes "
              "5-9/10\r\nContent-Length: 5\r\n\r\n56789");

std::string field(const std::string &head, const std::string &name)
{
    size_t at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) {
        return "<none>";
    }
    at += name.size() + 4;
    return head.substr(at, head.find("\r\n", at) - at);
}

std::vector<std::string> names_in(const std::string &dir)
{
    std::vector<std::string> names;
    for (const auto &e : std::filesystem::directory_iterator(std::filesystem::u8path(dir))) {
        names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

class FetchResume : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        file = dir.file("f.bin");
    }
    ProcessResult greet(std::vector<std::string> args)
    {
        args.insert(args.begin(), {greet_test::greet_exe(), "fetch", "-s"});
        return greet_test::run_process(args, "", 60000);
    }

    HttpServer server;
    TempDir dir;
    std::string file;
};

} // namespace

TEST_F(FetchResume, InterruptedDownloadIsResumedWithRangeAndIfRange)
{
    server.on("/f", std::vector<Reply>{kCut, kRest});
    ProcessResult first = greet({"-C", "-", "-o", file, server.url("/f")});
    EXPECT_EQ(first.exit_code, 6) << first.err;
    EXPECT_NE(first.err.find("5 bytes kept in " + file + ".part (-C - resumes)"), std::string::npos)
        << first.err;
    EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"f.bin.part", "f.bin.part.meta"}));
    EXPECT_EQ(read_file_utf8(file + ".part"), "01234");

    ProcessResult second = greet({"-C", "-", "-o", file, server.url("/f")});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(read_file_utf8(file), kWhole);
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"f.bin"});
    std::string req = server.requests().at(1);
    EXPECT_EQ(field(req, "Range"), "bytes=5-") << req;
    EXPECT_EQ(field(req, "If-Range"), "\"v1\"") << req;
    EXPECT_EQ(field(server.requests().at(0), "Range"), "<none>");
}

TEST_F(FetchResume, AFullAnswerStartsOver)
{
    ASSERT_EQ(write_file_utf8(file + ".part", "stale"), GREET_OK);
    server.on("/f", ok_reply(kWhole));
    ProcessResult r = greet({"-C", "-", "-o", file, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), kWhole);
    EXPECT_EQ(field(server.requests().at(0), "Range"), "bytes=5-");
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"f.bin"});
}

TEST_F(FetchResume, RangeNotSatisfiableForAWholeFileIsSuccess)
{
    ASSERT_EQ(write_file_utf8(file + ".part", kWhole), GREET_OK);
    server.on("/f", raw_reply("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */10\r\n"
                              "Content-Length: 9\r\n\r\nnot there"));
    ProcessResult r = greet({"-f", "-C", "-", "-o", file, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), kWhole);
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"f.bin"});
}

TEST_F(FetchResume, ResumesFromAnExistingTargetWithoutSideFile)
{
    ASSERT_EQ(write_file_utf8(file, "01234"), GREET_OK);
    server.on("/f", kRest);
    ProcessResult r = greet({"-C", "-", "-o", file, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), kWhole);
    EXPECT_EQ(field(server.requests().at(0), "Range"), "bytes=5-");
}

TEST_F(FetchResume, AnswerForOtherBytesIsRefusedAndThePartKept)
{
    ASSERT_EQ(write_file_utf8(file + ".part", "012"), GREET_OK);
    server.on("/f", kRest); // bytes 5-9, but 3 were asked for
    ProcessResult r = greet({"-C", "-", "-o", file, server.url("/f")});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("cannot resume at byte 3"), std::string::npos) << r.err;
    EXPECT_EQ(read_file_utf8(file + ".part"), "012");
    EXPECT_FALSE(gp_path_exists(file.c_str()));
}

TEST_F(FetchResume, RetryResumesWhereTheCutLeftOff)
{
    server.on("/f", std::vector<Reply>{kCut, kRest});
    ProcessResult r =
        greet({"-C", "-", "--retry", "1", "--retry-delay", "0.01", "-o", file, server.url("/f")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file_utf8(file), kWhole);
    EXPECT_EQ(field(server.requests().at(1), "Range"), "bytes=5-");
}

TEST_F(FetchResume, ExplicitOffsetMustMatchAndNeedsAFile)
{
    ASSERT_EQ(write_file_utf8(file + ".part", "012"), GREET_OK);
    ProcessResult wrong = greet({"-C", "7", "-o", file, server.url("/f")});
    EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
    EXPECT_NE(wrong.err.find("holds 3 bytes"), std::string::npos) << wrong.err;
    EXPECT_EQ(greet({"-C", "-", server.url("/f")}).exit_code, 2);
    EXPECT_EQ(greet({"-C", "x", "-o", file, server.url("/f")}).exit_code, 2);
    server.on("/f", kRest);
    ProcessResult right = greet({"-C", "5", "-o", dir.file("g.bin"), server.url("/f")});
    EXPECT_EQ(right.exit_code, 2) << "g.bin.part does not exist: 0 bytes, not 5";
}
