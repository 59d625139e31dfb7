// `greet fetch --limit-rate RATE`: how RATE is read (suffixes, fractions, 0, junk, overflow), and
// the program limited as a user runs it: exit code, the file byte for byte, at least the time the
// rate implies (lower bounds only: a loaded machine is slow, never fast), --max-time within a
// pause, and -Z limiting each transfer. Ctrl+C during a pause is in fetch_stop_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/dir_list.h"
#include "support/fetch_cli_fixture.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

extern "C" {
#include "fetch_cli.h"
}

using greet_test::FetchCliFixture;
using greet_test::GeneratedBody;
using greet_test::ProcessResult;
using greet_test::Reply;

namespace
{

int64_t rate_of(const char *text)
{
    int64_t v = -1;
    EXPECT_EQ(cli_rate_parse(text, &v), GREET_OK) << text;
    return v;
}

int rate_error(const char *text)
{
    int64_t v = 12345;
    int rc = cli_rate_parse(text, &v);
    EXPECT_EQ(v, 12345) << text << ": changed on failure";
    return rc;
}

} // namespace

TEST(FetchRateOption, WholeNumbersAreBytesPerSecond)
{
    EXPECT_EQ(rate_of("1"), 1);
    EXPECT_EQ(rate_of("100"), 100);
    EXPECT_EQ(rate_of("0"), 0); // no limit
    EXPECT_EQ(rate_of("000"), 0);
    EXPECT_EQ(rate_of("007"), 7);
}

TEST(FetchRateOption, SuffixesArePowersOf1024InAnyCase)
{
    EXPECT_EQ(rate_of("200K"), 200 * 1024);
    EXPECT_EQ(rate_of("200k"), 200 * 1024);
    EXPECT_EQ(rate_of("1m"), 1024 * 1024);
    EXPECT_EQ(rate_of("3M"), 3 * 1024 * 1024);
    EXPECT_EQ(rate_of("1g"), INT64_C(1) << 30);
    EXPECT_EQ(rate_of("5G"), INT64_C(5) << 30);
    EXPECT_EQ(rate_of("0K"), 0);
}

TEST(FetchRateOption, FractionsAreCutToWholeBytes)
{
    EXPECT_EQ(rate_of("1.5M"), 1572864);
    EXPECT_EQ(rate_of("1.5m"), 1572864);
    EXPECT_EQ(rate_of("0.5K"), 512);
    EXPECT_EQ(rate_of("0.1K"), 102); // 102.4
    EXPECT_EQ(rate_of("2.75"), 2);
    EXPECT_EQ(rate_of("1.25G"), (INT64_C(5) << 30) / 4);
    EXPECT_EQ(rate_of("10."), 10);
    EXPECT_EQ(rate_of("1.000000000000000001K"), 1024); // digits past the 9th do not matter
    EXPECT_EQ(rate_of("0.0"), 0);
    // Above 0 but below a byte per second is the slowest limit, never "no limit".
    EXPECT_EQ(rate_of("0.5"), 1);
    EXPECT_EQ(rate_of("0.0000000000001"), 1);
}

TEST(FetchRateOption, AnythingElseIsRefused)
{
    const char *junk[] = {"",     "-1",  "+1",  " 1",    "1 ",          "K",   ".5",
                          "1KB",  "1e3", "1T",  "1.5.K", "1..5",        "abc", "0x10",
                          "1,5K", "1K1", "1/s", "1 K",   "\xef\xbc\x91" /* a full-width 1 */};
    for (const char *j : junk) {
        EXPECT_EQ(rate_error(j), GREET_EINVAL) << "'" << j << "'";
    }
}

TEST(FetchRateOption, MoreThanInt64IsTooBig)
{
    EXPECT_EQ(rate_of("9223372036854775807"), INT64_MAX);
    EXPECT_EQ(rate_error("9223372036854775808"), GREET_ETOOBIG);
    EXPECT_EQ(rate_error("99999999999999999999999"), GREET_ETOOBIG);
    EXPECT_EQ(rate_of("8589934591G"), (INT64_C(8589934591) << 30));
    EXPECT_EQ(rate_error("8589934592G"), GREET_ETOOBIG); // 2^63
    EXPECT_EQ(rate_error("9007199254740992K"), GREET_ETOOBIG);
    EXPECT_EQ(rate_of("8589934591.999999999G"), INT64_MAX - 1); // just below 2^63 - 1
}

using FetchRateCli = FetchCliFixture;

namespace
{

std::string generated_bytes(size_t size)
{
    std::string s(size, '\0');
    GeneratedBody gen;
    gen.fill(reinterpret_cast<unsigned char *>(&s[0]), size);
    return s;
}

Reply generated(uint64_t size)
{
    Reply r;
    r.bytes = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
    r.generated = size;
    return r;
}

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

TEST_F(FetchRateCli, BadRateIsAUsageErrorBeforeAnyRequest)
{
    ProcessResult r = greet({"--limit-rate", "fast", server.url("/x")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("greet fetch: --limit-rate: 'fast' is not a rate"), std::string::npos)
        << r.err;
    r = greet({"--limit-rate=99999999999G", server.url("/x")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("'99999999999G' is more than 9223372036854775807 bytes per second"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(FetchRateCli, LimitedDownloadTakesAtLeastItsTimeAndIsExact)
{
    const size_t size = 256 * 1024;
    server.on("/f.bin", generated(size));
    std::string file = dir.file("f.bin");
    auto t0 = std::chrono::steady_clock::now();
    ProcessResult r = greet({"-s", "--limit-rate", "256K", "-o", file, server.url("/f.bin")});
    double took = seconds_since(t0);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(read_file_utf8(file) == generated_bytes(size)) << "the file differs";
    EXPECT_GE(took, 1.0);
}

TEST_F(FetchRateCli, ZeroIsNoLimit)
{
    server.on("/f.bin", generated(64 * 1024));
    std::string file = dir.file("f.bin");
    ProcessResult r = greet({"-s", "--limit-rate", "0", "-o", file, server.url("/f.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(read_file_utf8(file) == generated_bytes(64 * 1024));
}

TEST_F(FetchRateCli, MaxTimeEndsAPauseWithExitFiveAndNoFile)
{
    server.on("/f.bin", generated(100000));
    std::string file = dir.file("f.bin");
    ProcessResult r =
        greet({"-s", "--limit-rate", "1K", "-m", "0.5", "-o", file, server.url("/f.bin")});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("max time of 500 ms reached"), std::string::npos) << r.err;
    EXPECT_EQ(list_dir_utf8(dir.path()), std::vector<std::string>{}) << "a file was left";
}

TEST_F(FetchRateCli, BelowTheSpeedLimitIsNoStall)
{
    // The limit is below --speed-limit, but the server is fast: the pauses are greet's own.
    server.on("/f.bin", generated(3000));
    std::string file = dir.file("f.bin");
    ProcessResult r = greet({"-s", "--limit-rate", "3000", "--speed-limit", "100000",
                             "--speed-time", "0.5", "-o", file, server.url("/f.bin")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(read_file_utf8(file) == generated_bytes(3000));
}

TEST_F(FetchRateCli, EachParallelTransferHasItsOwnLimit)
{
    const size_t size = 128 * 1024;
    server.set_concurrent(true);
    server.on("/a", generated(size));
    server.on("/b", generated(size));
    std::string a = dir.file("a"), b = dir.file("b");
    ProcessResult r = greet({"-s", "-Z", "--limit-rate", "128K", "-w", "%{time_total}\\n", "-o", a,
                             server.url("/a"), "-o", b, server.url("/b")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(read_file_utf8(a) == generated_bytes(size));
    EXPECT_TRUE(read_file_utf8(b) == generated_bytes(size));
    // Each transfer alone takes the second its 128 KiB need at 128 KiB/s.
    std::vector<double> times;
    size_t at = 0, nl = r.out.find('\n');
    while (nl != std::string::npos) {
        times.push_back(std::strtod(r.out.substr(at, nl - at).c_str(), nullptr));
        at = nl + 1;
        nl = r.out.find('\n', at);
    }
    ASSERT_EQ(times.size(), 2u) << r.out;
    EXPECT_GE(times[0], 1.0) << r.out;
    EXPECT_GE(times[1], 1.0) << r.out;
}
