// greet_http_disposition_filename: the name a Content-Disposition value suggests, as received.
#include <gtest/gtest.h>

#include <string>

#include "greet/error.h"
#include "greet/http.h"

namespace
{

struct Found {
    int rc;
    std::string name;
};

Found filename(const std::string &value, size_t size = 256)
{
    std::string buf(size, '#');
    int rc = greet_http_disposition_filename(value.data(), value.size(), &buf[0], size);
    return {rc, rc == GREET_OK ? std::string(buf.c_str()) : std::string()};
}

} // namespace

TEST(HttpDisposition, TokenQuotedAndExtendedValues)
{
    EXPECT_EQ(filename("attachment; filename=a.txt").name, "a.txt");
    EXPECT_EQ(filename("attachment; filename=\"x \\\"y\\\".txt\"").name, "x \"y\".txt");
    EXPECT_EQ(filename("inline; filename=b.txt; filename*=UTF-8''%E4%B8%AD.txt").name,
              "\xe4\xb8\xad.txt");
    EXPECT_EQ(filename("attachment; filename*=ISO-8859-1''%E9t%E9").name, "\xc3\xa9t\xc3\xa9");
}

TEST(HttpDisposition, FolderPartsAreKeptForTheCallerToJudge)
{
    EXPECT_EQ(filename("attachment; filename=\"../../etc/passwd\"").name, "../../etc/passwd");
    EXPECT_EQ(filename("attachment; filename*=UTF-8''a%2Fb").name, "a/b");
}

TEST(HttpDisposition, AnEmptyNameIsANameAndNoneIsENOENT)
{
    Found empty = filename("attachment; filename=\"\"");
    EXPECT_EQ(empty.rc, GREET_OK);
    EXPECT_EQ(empty.name, "");
    EXPECT_EQ(filename("attachment").rc, GREET_ENOENT);
    EXPECT_EQ(filename("").rc, GREET_ENOENT);
    EXPECT_EQ(filename("attachment; filename*=UTF-8''%zz").rc, GREET_ENOENT);
    EXPECT_EQ(filename("attachment; filename*=UTF-8''a%00b").rc, GREET_ENOENT);
    EXPECT_EQ(filename("attachment; filename=\"open").rc, GREET_ENOENT);
}

TEST(HttpDisposition, ANameThatDoesNotFitIsETOOBIG)
{
    EXPECT_EQ(filename("attachment; filename=abcdefgh", 8).rc, GREET_ETOOBIG);
    EXPECT_EQ(filename("attachment; filename=abcdefgh", 9).name, "abcdefgh");
    // Latin-1 doubles in UTF-8: four characters, eight bytes.
    EXPECT_EQ(filename("attachment; filename*=iso-8859-1''%E9%E9%E9%E9", 8).rc, GREET_ETOOBIG);
    EXPECT_EQ(filename("attachment; filename*=iso-8859-1''%E9%E9%E9%E9", 9).name,
              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
}
