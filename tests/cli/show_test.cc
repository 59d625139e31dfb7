// What the program shows of a peer's bytes on a terminal and in messages (src/cli/show.c).
#include <gtest/gtest.h>

#include <string>

extern "C" {
#include "cli.h"
}

namespace
{

std::string escaped(const std::string &in, int keep_lines = 1, size_t size = 4096,
                    size_t *used_out = nullptr)
{
    std::string out(size, '\0');
    size_t used = 0;
    size_t n = cli_escape(in.data(), in.size(), &used, &out[0], size, keep_lines);
    EXPECT_EQ(out[n], '\0');
    if (used_out) {
        *used_out = used;
    } else {
        EXPECT_EQ(used, in.size());
    }
    return out.substr(0, n);
}

} // namespace

TEST(Show, TextAndUtf8AreShownAsTheyAre)
{
    EXPECT_EQ(escaped("Hello guoxiang"), "Hello guoxiang");
    EXPECT_EQ(escaped("Hello \xe7\x8e\x8b\xe5\xad\x90\xe9\xb9\x8f \xf0\x9f\x91\x8b"),
              "Hello \xe7\x8e\x8b\xe5\xad\x90\xe9\xb9\x8f \xf0\x9f\x91\x8b");
    EXPECT_EQ(escaped("back\\slash"), "back\\slash");
}

TEST(Show, ControlCharactersAreEscaped)
{
    EXPECT_EQ(escaped("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07");
    EXPECT_EQ(escaped(std::string("a\0b\x7f", 4)), "a\\x00b\\x7f");
    EXPECT_EQ(escaped("over\rwrite"), "over\\rwrite");
    // C1 controls (U+009B is CSI to a terminal) and bytes that are not UTF-8.
    EXPECT_EQ(escaped("\xc2\x9b"
                      "31m \xc2\xa0"),
              "\\xc2\\x9b31m \xc2\xa0");
    EXPECT_EQ(escaped("\x9b\xff\xc0\xaf"), "\\x9b\\xff\\xc0\\xaf");
    EXPECT_EQ(escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");          // a surrogate
    EXPECT_EQ(escaped("\xe7\x8e"), "\\xe7\\x8e");                   // cut short
    EXPECT_EQ(escaped("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"); // past U+10FFFF
}

TEST(Show, NewlineAndTabStayOnATerminalButNotInAMessage)
{
    EXPECT_EQ(escaped("a\tb\nc", 1), "a\tb\nc");
    EXPECT_EQ(escaped("a\tb\nc", 0), "a\\tb\\nc");
}

TEST(Show, StopsBeforeWhatDoesNotFit)
{
    size_t used = 0;
    EXPECT_EQ(escaped("ab\x1b", 1, 5, &used), "ab"); // "\x1b" needs 4 more, with the NUL
    EXPECT_EQ(used, 2u);
    EXPECT_EQ(escaped("a\xe7\x8e\x8b", 1, 4, &used), "a"); // a character is never cut
    EXPECT_EQ(used, 1u);
    EXPECT_EQ(escaped("abc", 1, 1, &used), "");
    EXPECT_EQ(used, 0u);
}
