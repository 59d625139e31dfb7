// HTTP-dates: the three RFC 9110 forms, the looser forms of `greet fetch -z`, the IMF-fixdate
// written back, and malformed input refused without touching the result.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "greet/error.h"
#include "greet/http.h"

namespace
{

const int64_t kRfcExample = 784111777; // Sun, 06 Nov 1994 08:49:37 GMT

int parse(const std::string &text, int64_t *t)
{
    return greet_http_date_parse(text.data(), text.size(), t);
}

int64_t parsed(const std::string &text)
{
    int64_t t = -1;
    EXPECT_EQ(parse(text, &t), GREET_OK) << text;
    return t;
}

std::string format(int64_t t)
{
    char buf[GREET_HTTP_DATE_SIZE];
    EXPECT_EQ(greet_http_date_format(t, buf, sizeof buf), GREET_OK) << t;
    return buf;
}

} // namespace

TEST(HttpDate, ReadsTheThreeFormsOfRfc9110)
{
    EXPECT_EQ(parsed("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
    EXPECT_EQ(parsed("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExample);
    EXPECT_EQ(parsed("Sun Nov  6 08:49:37 1994"), kRfcExample);
}

TEST(HttpDate, ReadsTheLooserFormsAUserTypes)
{
    EXPECT_EQ(parsed("20 Nov 2026"), parsed("Fri, 20 Nov 2026 00:00:00 GMT"));
    EXPECT_EQ(parsed("2026-11-20 10:00"), parsed("Fri, 20 Nov 2026 10:00:00 GMT"));
    EXPECT_EQ(parsed("20261120"), parsed("20 november 2026"));
    EXPECT_EQ(parsed("nov 20 2026 10:00:00 UTC"), parsed("20 Nov 2026 10:00:00 Z"));
    EXPECT_EQ(parsed("Sun, 06 Nov 1994 10:49:37 +0200"), kRfcExample);
    EXPECT_EQ(parsed("Sun, 06 Nov 1994 01:49:37 -0700"), kRfcExample);
}

TEST(HttpDate, TwoDigitYearsAreRead1970To2069AsCurlDoes)
{
    EXPECT_EQ(parsed("01-Jan-70 00:00:00 GMT"), 0);
    EXPECT_EQ(parsed("Thursday, 01-Jan-69 00:00:00 GMT"), parsed("1 Jan 2069"));
}

TEST(HttpDate, CalendarEdges)
{
    EXPECT_EQ(parsed("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
    EXPECT_EQ(parsed("29 Feb 2000"), 951782400);
    EXPECT_EQ(parsed("Tue, 19 Jan 2038 03:14:08 GMT"), INT64_C(2147483648)); // past 32 bits
    EXPECT_EQ(parsed("31 Dec 1969 23:59:59"), -1);
    EXPECT_EQ(parsed("30 Jun 2015 23:59:60"), parsed("30 Jun 2015 23:59:59")); // leap second
}

TEST(HttpDate, RefusesMalformedDatesAndLeavesTheResult)
{
    const char *bad[] = {
        "",
        "   ",
        "garbage",
        "Sun, 06 Nov 08:49:37 GMT", // no year
        "06 1994 08:49:37",         // no month
        "Nov 1994",                 // no day
        "31 Feb 2026",              // a day February lacks
        "29 Feb 2100",              // not a leap year
        "0 Jan 2026",               // day 0
        "32 Jan 2026",
        "20 Nov 2026 24:00:00",    // hour 24
        "20 Nov 2026 10:60",       // minute 60
        "20 Nov 2026 10:00:61",    // second 61
        "20 Nov 2026 1:00",        // one-digit hour
        "20 Nov 2026 Nov",         // two months
        "20 Nov 2026 2027",        // two years
        "20 Nov 2026 10:00 11:00", // two times
        "20 Nov 2026 GMT UTC",     // two zones
        "Mon Tue 20 Nov 2026",     // two weekdays
        "20 Nov 2026 +2400",       // offset out of range
        "20 Nov 2026 +02",         // offset too short
        "20 Nov 1600",             // before the range
        "20 Nov 10000",            // five digits
        "20 Nov 2026 PST",         // zones other than UTC's names are not guessed
        "20 Nov 2026x",
        "06-Nov-1994x 08:49:37",
        "2026-13-01",
        "2026-1-01",
        "-",
        "--",
        "Sun,, 06 Nov 1994 08:49:37 GMT GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT\x01",
        "123456789012345678901234567890123 Nov 2026",
    };
    for (const char *text : bad) {
        int64_t t = 42;
        EXPECT_EQ(parse(text, &t), GREET_EINVAL) << "'" << text << "'";
        EXPECT_EQ(t, 42) << text;
    }
    EXPECT_EQ(parsed("Sun, 06 Nov 1994"), parsed("06 Nov 1994 00:00:00 GMT")); // midnight
}

TEST(HttpDate, ReadsOnlyTheGivenLength)
{
    std::string text = "Sun, 06 Nov 1994 08:49:37 GMT garbage";
    int64_t t = 0;
    EXPECT_EQ(greet_http_date_parse(text.data(), 29, &t), GREET_OK);
    EXPECT_EQ(t, kRfcExample);
    EXPECT_EQ(greet_http_date_parse(text.data(), text.size(), &t), GREET_EINVAL);
}

TEST(HttpDate, FormatsAnImfFixdate)
{
    EXPECT_EQ(format(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(format(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(format(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
    EXPECT_EQ(format(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
    EXPECT_EQ(format(INT64_C(253402300799)), "Fri, 31 Dec 9999 23:59:59 GMT");
}

TEST(HttpDate, FormatRefusesSmallBuffersAndYearsOutOfRange)
{
    char buf[GREET_HTTP_DATE_SIZE];
    EXPECT_EQ(greet_http_date_format(0, buf, sizeof buf - 1), GREET_ETOOBIG);
    EXPECT_EQ(greet_http_date_format(INT64_C(253402300800), buf, sizeof buf), GREET_EINVAL);
    EXPECT_EQ(greet_http_date_format(INT64_C(-20000000000), buf, sizeof buf), GREET_EINVAL);
}

TEST(HttpDate, FormatAndParseAgreeAcrossTheRange)
{
    for (int64_t t = INT64_C(-11644473600); t < INT64_C(253402300800); t += INT64_C(86399) * 997) {
        int64_t back = 0;
        std::string text = format(t);
        ASSERT_EQ(parse(text, &back), GREET_OK) << text;
        ASSERT_EQ(back, t) << text;
    }
}
