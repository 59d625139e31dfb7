// The HTTP/1.1 response parser: framing per RFC 9112, limits, broken responses, and every valid
// response fed in every possible split.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "greet/error.h"
#include "greet/http.h"

namespace
{

// Everything the callbacks reported, as text, so tests compare whole outcomes.
struct Events {
    std::vector<int> statuses;
    std::string reasons;
    std::string headers;  // "name=value\n" per field
    std::string trailers; // same, for trailer fields
    std::string body;
    std::string heads; // the raw header sections seen at on_headers_end
    int headers_ends = 0;
    int message_ends = 0;
    int stop_at_body = 0; // a callback error to return from on_body
};

int on_status(void *ctx, int, int status, const char *reason, size_t len)
{
    auto *e = static_cast<Events *>(ctx);
    EXPECT_EQ(strlen(reason), len);
    e->statuses.push_back(status);
    e->reasons += std::string(reason, len) + "\n";
    return 0;
}

int on_header(void *ctx, const char *name, size_t nlen, const char *value, size_t vlen)
{
    EXPECT_EQ(strlen(name), nlen);
    EXPECT_EQ(strlen(value), vlen);
    static_cast<Events *>(ctx)->headers += std::string(name) + "=" + value + "\n";
    return 0;
}

int on_trailer(void *ctx, const char *name, size_t, const char *value, size_t)
{
    static_cast<Events *>(ctx)->trailers += std::string(name) + "=" + value + "\n";
    return 0;
}

int on_body(void *ctx, const char *data, size_t len)
{
    auto *e = static_cast<Events *>(ctx);
    EXPECT_GT(len, 0u);
    e->body.append(data, len);
    return e->stop_at_body;
}

int on_message_end(void *ctx, const greet_http_response *r)
{
    auto *e = static_cast<Events *>(ctx);
    EXPECT_EQ(r->complete, 1);
    e->message_ends++;
    return 0;
}

greet_http_callbacks make_callbacks()
{
    greet_http_callbacks cb;
    greet_http_callbacks_init(&cb);
    cb.on_status = on_status;
    cb.on_header = on_header;
    cb.on_body = on_body;
    cb.on_trailer = on_trailer;
    cb.on_message_end = on_message_end;
    return cb;
}

const greet_http_callbacks callbacks = make_callbacks();

struct Outcome {
    int feed = 0;   // first error from feed
    int finish = 0; // finish's result (not called when feed failed)
    std::string reason;
    Events events;
    greet_http_response resp{};
    size_t consumed = 0;
};

// Feeds text in pieces of at most `piece` bytes (0: all at once), optionally starting with a
// first piece of `first` bytes, then finishes.
Outcome parse(const std::string &text, unsigned flags = 0, size_t piece = 0, size_t first = 0)
{
    Outcome o;
    greet_http_callbacks cb = callbacks;
    cb.on_headers_end = [](void *ctx, const greet_http_response *) {
        static_cast<Events *>(ctx)->headers_ends++;
        return 0;
    };
    greet_http_parser *p = nullptr;
    EXPECT_EQ(greet_http_parser_new(&p, &cb, &o.events, flags), GREET_OK);
    size_t pos = 0;
    while (pos < text.size() && o.feed == 0) {
        size_t n = text.size() - pos;
        if (pos == 0 && first > 0) {
            n = std::min(n, first);
        } else if (piece > 0) {
            n = std::min(n, piece);
        }
        size_t used = 0;
        o.feed = greet_http_parser_feed(p, text.data() + pos, n, &used);
        o.consumed += used;
        pos += n;
    }
    o.finish = o.feed == 0 ? greet_http_parser_finish(p) : o.feed;
    o.reason = greet_http_parser_reason(p);
    o.resp = *greet_http_parser_response(p);
    greet_http_parser_free(p);
    return o;
}

// A valid response and what the parser must make of it.
struct Valid {
    const char *name;
    std::string text;
    unsigned flags;
    int status;
    std::string headers;
    std::string body;
    std::string trailers;
};

std::vector<Valid> valid_responses()
{
    std::string big(5000, 'x');
    for (size_t i = 0; i < big.size(); i++) {
        big[i] = static_cast<char>(i * 7 + 3);
    }
    return {
        {"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0, 200,
         "Content-Length=5\n", "hello", ""},
        {"binary body", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + big, 0, 200,
         "Content-Length=5000\n", big, ""},
        {"lf only", "HTTP/1.1 200 OK\nA: 1\nContent-Length: 2\n\nhi", 0, 200,
         "A=1\nContent-Length=2\n", "hi", ""},
        {"chunked",
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5\r\nhello\r\n1;ext=1;x=\"y\"\r\n,\r\nA \r\n world, 12\r\n0\r\nX-T: 1\r\n\r\n",
         0, 200, "Transfer-Encoding=chunked\n", "hello, world, 12", "X-T=1\n"},
        {"chunked lf only", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n", 0, 200,
         "Transfer-Encoding=chunked\n", "abc", ""},
        {"chunked wins over content-length",
         "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: identity, Chunked\r\n\r\n"
         "00002\r\nab\r\n000\r\n\r\n",
         0, 200, "Content-Length=100\nTransfer-Encoding=identity, Chunked\n", "ab", ""},
        {"close delimited", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil the end\r\n\r\n", 0, 200,
         "Server=x\n", "until the end\r\n\r\n", ""},
        {"not chunked last means close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nzz",
         0, 200, "Transfer-Encoding=identity\n", "zz", ""},
        {"100 continue skipped",
         "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
         "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
         0, 200, "X=y\nContent-Length=2\n", "ok", ""},
        {"204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 0, 204,
         "Content-Length=10\n", "", ""},
        {"304 has no body", "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
         304, "Transfer-Encoding=chunked\n", "", ""},
        {"head has no body", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", GREET_HTTP_HEAD,
         200, "Content-Length=1000\n", "", ""},
        {"zero length", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 200,
         "Content-Length=0\n", "", ""},
        {"equal content-length list and repeat",
         "HTTP/1.1 200 OK\r\nContent-Length: 3, 3,,3\r\nContent-Length: 003\r\n\r\nabc", 0, 200,
         "Content-Length=3, 3,,3\nContent-Length=003\n", "abc", ""},
        {"obs-fold unfolded",
         "HTTP/1.1 200 OK\r\nX-F: a\r\n  b\r\n\tc \r\nContent-Length: 0\r\n\r\n", 0, 200,
         "X-F=a    b  \tc\nContent-Length=0\n", "", ""},
        {"value whitespace trimmed, empty value",
         "HTTP/1.1 404 Not Found\r\nA:   spaced out \t\r\nB:\r\nContent-Length: 1\r\n\r\n!", 0, 404,
         "A=spaced out\nB=\nContent-Length=1\n", "!", ""},
        {"no reason phrase", "HTTP/1.1 200\r\nContent-Length: 1\r\n\r\n.", 0, 200,
         "Content-Length=1\n", ".", ""},
        {"obs-text in reason and value", "HTTP/1.1 200 \xc3\xa9t\xc3\xa9\r\nV: \xff\r\n\r\n", 0,
         200, "V=\xff\n", "", ""},
    };
}

} // namespace

TEST(HttpParse, ValidResponsesFedWhole)
{
    for (const Valid &v : valid_responses()) {
        Outcome o = parse(v.text, v.flags);
        EXPECT_EQ(o.feed, GREET_OK) << v.name << ": " << o.reason;
        EXPECT_EQ(o.finish, GREET_OK) << v.name << ": " << o.reason;
        EXPECT_EQ(o.events.headers, v.headers) << v.name;
        EXPECT_EQ(o.events.body, v.body) << v.name;
        EXPECT_EQ(o.events.trailers, v.trailers) << v.name;
        EXPECT_EQ(o.events.message_ends, 1) << v.name;
        EXPECT_EQ(o.resp.status, v.status) << v.name;
        EXPECT_EQ(o.resp.body_received, v.body.size()) << v.name;
        EXPECT_EQ(o.reason, "") << v.name;
    }
}

TEST(HttpParse, ValidResponsesSplitAtEveryPosition)
{
    for (const Valid &v : valid_responses()) {
        for (size_t cut = 1; cut < v.text.size(); cut++) {
            Outcome o = parse(v.text, v.flags, 0, cut);
            ASSERT_EQ(o.finish, GREET_OK) << v.name << " cut " << cut << ": " << o.reason;
            ASSERT_EQ(o.events.headers, v.headers) << v.name << " cut " << cut;
            ASSERT_EQ(o.events.body, v.body) << v.name << " cut " << cut;
            ASSERT_EQ(o.events.trailers, v.trailers) << v.name << " cut " << cut;
            ASSERT_EQ(o.events.message_ends, 1) << v.name << " cut " << cut;
        }
    }
}

TEST(HttpParse, ValidResponsesFedOneByteAtATime)
{
    for (const Valid &v : valid_responses()) {
        for (size_t piece : {size_t(1), size_t(2), size_t(3), size_t(7)}) {
            Outcome o = parse(v.text, v.flags, piece);
            ASSERT_EQ(o.finish, GREET_OK) << v.name << " piece " << piece << ": " << o.reason;
            ASSERT_EQ(o.events.headers, v.headers) << v.name;
            ASSERT_EQ(o.events.body, v.body) << v.name;
            ASSERT_EQ(o.events.trailers, v.trailers) << v.name;
            ASSERT_EQ(o.events.message_ends, 1) << v.name;
        }
    }
}

TEST(HttpParse, StatusLineIsReported)
{
    Outcome o = parse("HTTP/1.0 404 Not  Found \r\n\r\n");
    EXPECT_EQ(o.finish, GREET_OK);
    EXPECT_EQ(o.events.statuses, std::vector<int>{404});
    EXPECT_EQ(o.events.reasons, "Not  Found \n");
    EXPECT_EQ(o.resp.version_minor, 0);
    EXPECT_EQ(o.resp.until_close, 1);
}

TEST(HttpParse, InterimResponsesAreReportedAndCounted)
{
    Outcome o = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: <a>\r\n\r\n"
                      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(o.finish, GREET_OK);
    EXPECT_EQ(o.events.statuses, (std::vector<int>{100, 103, 200}));
    EXPECT_EQ(o.events.headers_ends, 3);
    EXPECT_EQ(o.events.message_ends, 1);
    EXPECT_EQ(o.resp.interim_count, 2u);
    EXPECT_EQ(o.resp.status, 200);
}

TEST(HttpParse, InterimFieldsDoNotFrameTheFinalResponse)
{
    Outcome o = parse("HTTP/1.1 100 Continue\r\nContent-Length: 5\r\nLocation: /x\r\n\r\n"
                      "HTTP/1.1 200 OK\r\n\r\nrest");
    EXPECT_EQ(o.finish, GREET_OK);
    EXPECT_EQ(o.resp.has_content_length, 0);
    EXPECT_EQ(o.resp.until_close, 1);
    EXPECT_EQ(o.events.body, "rest");
}

TEST(HttpParse, SwitchingProtocolsIsAnError)
{
    Outcome o = parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n");
    EXPECT_EQ(o.feed, GREET_EPROTO);
    EXPECT_EQ(o.reason, "unexpected 101 Switching Protocols");
}

TEST(HttpParse, ResponseFieldsTheFetchLayerNeeds)
{
    Outcome o = parse("HTTP/1.1 301 Moved\r\nLocation: /new?x=1\r\nLocation: /other\r\n"
                      "Content-Length: 3\r\n\r\nabc");
    EXPECT_EQ(o.finish, GREET_OK);
    EXPECT_EQ(o.resp.status, 301);
    EXPECT_EQ(o.resp.has_content_length, 1);
    EXPECT_EQ(o.resp.content_length, 3u);
    EXPECT_EQ(o.resp.chunked, 0);
    EXPECT_EQ(o.resp.headers_done, 1);
    EXPECT_EQ(o.resp.complete, 1);

    Outcome c = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    EXPECT_EQ(c.resp.chunked, 1);
    EXPECT_EQ(c.resp.has_content_length, 0);
}

// Location means nothing to the parser (the fetch engine's redirects keep it): a long one is a
// field like any other, handed to on_header whole.
TEST(HttpParse, LongLocationIsAnOrdinaryField)
{
    std::string loc(10000, 'a');
    Outcome o = parse("HTTP/1.1 302 Found\r\nLocation: " + loc + "\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(o.finish, GREET_OK);
    EXPECT_EQ(o.events.headers, "Location=" + loc + "\nContent-Length=0\n");
}

TEST(HttpParse, RawHeaderSectionIsAvailableAtHeadersEnd)
{
    struct Ctx {
        greet_http_parser *p = nullptr;
        std::string seen;
    } ctx;
    greet_http_callbacks cb;
    greet_http_callbacks_init(&cb);
    cb.on_headers_end = [](void *c, const greet_http_response *) {
        auto *x = static_cast<Ctx *>(c);
        size_t len = 0;
        const char *h = greet_http_parser_head(x->p, &len);
        x->seen.assign(h, len);
        return 0;
    };
    ASSERT_EQ(greet_http_parser_new(&ctx.p, &cb, &ctx, 0), GREET_OK);
    const std::string head = "HTTP/1.1 200 OK\r\nA: 1\r\n B\r\nContent-Length: 1\r\n\r\n";
    const std::string text = head + "z";
    for (char ch : text) {
        ASSERT_EQ(greet_http_parser_feed(ctx.p, &ch, 1, nullptr), GREET_OK);
    }
    EXPECT_EQ(ctx.seen, head);
    EXPECT_EQ(greet_http_parser_response(ctx.p)->complete, 1);
    greet_http_parser_free(ctx.p);
}

TEST(HttpParse, BytesAfterTheMessageAreNotConsumed)
{
    Outcome o = parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabEXTRA");
    EXPECT_EQ(o.finish, GREET_OK);
    EXPECT_EQ(o.events.body, "ab");
    EXPECT_EQ(o.consumed, strlen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"));
}

TEST(HttpParse, ResetReusesTheParser)
{
    Events e;
    greet_http_parser *p = nullptr;
    ASSERT_EQ(greet_http_parser_new(&p, &callbacks, &e, GREET_HTTP_HEAD), GREET_OK);
    const std::string a = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";
    ASSERT_EQ(greet_http_parser_feed(p, a.data(), a.size(), nullptr), GREET_OK);
    EXPECT_EQ(greet_http_parser_response(p)->complete, 1);
    greet_http_parser_reset(p, 0);
    EXPECT_EQ(greet_http_parser_response(p)->complete, 0);
    const std::string b = a + "xyz";
    ASSERT_EQ(greet_http_parser_feed(p, b.data(), b.size(), nullptr), GREET_OK);
    EXPECT_EQ(e.body, "xyz");
    EXPECT_EQ(e.message_ends, 2);
    greet_http_parser_free(p);
}

TEST(HttpParse, CallbackErrorStopsTheParser)
{
    greet_http_parser *p = nullptr;
    Events e;
    e.stop_at_body = GREET_EIO;
    ASSERT_EQ(greet_http_parser_new(&p, &callbacks, &e, 0), GREET_OK);
    const std::string t = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    EXPECT_EQ(greet_http_parser_feed(p, t.data(), t.size(), nullptr), GREET_EIO);
    EXPECT_STREQ(greet_http_parser_reason(p), "stopped by callback");
    EXPECT_EQ(greet_http_parser_feed(p, "x", 1, nullptr), GREET_EIO);
    EXPECT_EQ(greet_http_parser_finish(p), GREET_EIO);
    EXPECT_EQ(e.message_ends, 0);
    greet_http_parser_free(p);
}

TEST(HttpParse, FreeAcceptsNull)
{
    greet_http_parser_free(nullptr);
}

// ---- Broken responses (issue 4's list and RFC 9112's error cases) ---------------------------

namespace
{

// The error and reason a broken response must produce, whole and one byte at a time.
void expect_broken(const std::string &text, int err, const std::string &reason, unsigned flags = 0)
{
    for (size_t piece : {size_t(0), size_t(1)}) {
        Outcome o = parse(text, flags, piece);
        EXPECT_EQ(o.finish, err) << reason << " (piece " << piece << ") got: " << o.reason;
        EXPECT_EQ(o.reason, reason) << "piece " << piece;
        EXPECT_EQ(o.events.message_ends, 0) << reason;
    }
}

} // namespace

TEST(HttpParseBroken, TruncatedBodyIsClosedEarly)
{
    expect_broken("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", GREET_ECLOSED,
                  "connection closed after 10 of 100 body bytes");
}

TEST(HttpParseBroken, TruncatedChunkedBodyIsClosedEarly)
{
    const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    const char *cuts[] = {"", "5", "5\r\n", "5\r\nhel", "5\r\nhello", "5\r\nhello\r\n", "5;e=1"};
    for (const char *cut : cuts) {
        expect_broken(head + cut, GREET_ECLOSED, "connection closed before the last chunk");
    }
    expect_broken(head + "0\r\n", GREET_ECLOSED, "connection closed in the chunked trailers");
    expect_broken(head + "0\r\nX-T: 1\r\n", GREET_ECLOSED,
                  "connection closed in the chunked trailers");
}

TEST(HttpParseBroken, TruncatedOrMissingHeaderSection)
{
    expect_broken("", GREET_ECLOSED, "connection closed without a response");
    expect_broken("HTTP/1.1 200 OK\r\nContent-Le", GREET_ECLOSED,
                  "connection closed in the header section");
    expect_broken("HTTP/1.1 100 Continue\r\n\r\n", GREET_ECLOSED,
                  "connection closed in the header section");
}

TEST(HttpParseBroken, ConflictingContentLength)
{
    expect_broken("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
                  GREET_EPROTO, "conflicting Content-Length values");
    expect_broken("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello", GREET_EPROTO,
                  "conflicting Content-Length values");
}

TEST(HttpParseBroken, MalformedContentLength)
{
    const std::string h = "HTTP/1.1 200 OK\r\nContent-Length:";
    expect_broken(h + " +5\r\n\r\n", GREET_EPROTO, "signed Content-Length");
    expect_broken(h + " -1\r\n\r\n", GREET_EPROTO, "signed Content-Length");
    expect_broken(h + " 5x\r\n\r\n", GREET_EPROTO, "invalid Content-Length");
    expect_broken(h + " 5 5\r\n\r\n", GREET_EPROTO, "invalid Content-Length");
    expect_broken(h + " 0x10\r\n\r\n", GREET_EPROTO, "invalid Content-Length");
    expect_broken(h + " abc\r\n\r\n", GREET_EPROTO, "invalid Content-Length");
    expect_broken(h + "\r\n\r\n", GREET_EPROTO, "empty Content-Length");
    expect_broken(h + " , \r\n\r\n", GREET_EPROTO, "empty Content-Length");
    expect_broken(h + " 18446744073709551616\r\n\r\n", GREET_EPROTO, "Content-Length too large");
    expect_broken(h + " 99999999999999999999999\r\n\r\n", GREET_EPROTO, "Content-Length too large");
}

TEST(HttpParseBroken, LargestContentLengthIsAccepted)
{
    Outcome o = parse("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nab");
    EXPECT_EQ(o.feed, GREET_OK);
    EXPECT_EQ(o.resp.content_length, UINT64_MAX);
    EXPECT_EQ(o.finish, GREET_ECLOSED);
}

TEST(HttpParseBroken, ChunkSizeOverflow)
{
    const std::string h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    expect_broken(h + "10000000000000000\r\n", GREET_EPROTO, "chunk size too large");
    expect_broken(h + "fffffffffffffffff\r\n", GREET_EPROTO, "chunk size too large");
    // Leading zeros are not an overflow.
    Outcome o = parse(h + "00000000000000000000001\r\nx\r\n0\r\n\r\n");
    EXPECT_EQ(o.finish, GREET_OK) << o.reason;
    EXPECT_EQ(o.events.body, "x");
}

TEST(HttpParseBroken, MalformedChunks)
{
    const std::string h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    expect_broken(h + "g\r\n", GREET_EPROTO, "invalid chunk size");
    expect_broken(h + " 5\r\n", GREET_EPROTO, "invalid chunk size");
    expect_broken(h + "\r\n", GREET_EPROTO, "invalid chunk size");
    expect_broken(h + "5 x\r\n", GREET_EPROTO, "invalid chunk size");
    expect_broken(h + "-5\r\n", GREET_EPROTO, "invalid chunk size");
    expect_broken(h + "5\rx", GREET_EPROTO, "bare CR in chunk size line");
    expect_broken(h + "5;a\x01\r\n", GREET_EPROTO, "control character in chunk extension");
    expect_broken(h + "5\r\nhelloX", GREET_EPROTO, "missing CRLF after chunk data");
    expect_broken(h + "5\r\nhello\r\r", GREET_EPROTO, "missing CRLF after chunk data");
    expect_broken(h + "1;" + std::string(GREET_HTTP_CHUNK_LINE_MAX, 'e') + "\r\n", GREET_ETOOBIG,
                  "chunk size line longer than 4096 bytes");
}

TEST(HttpParseBroken, ChunkedTwiceIsRefused)
{
    expect_broken("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n",
                  GREET_EPROTO, "chunked transfer coding applied twice");
    expect_broken("HTTP/1.1 200 OK\r\nTransfer-Encoding: ,\r\n\r\n", GREET_EPROTO,
                  "empty Transfer-Encoding");
    expect_broken("HTTP/1.1 200 OK\r\nTransfer-Encoding: @\r\n\r\n", GREET_EPROTO,
                  "invalid Transfer-Encoding");
}

TEST(HttpParseBroken, OversizedHeaderSection)
{
    std::string big = "HTTP/1.1 200 OK\r\n";
    while (big.size() < GREET_HTTP_HEADER_MAX) {
        big += "X-Filler: " + std::string(1000, 'f') + "\r\n";
    }
    expect_broken(big + "\r\n", GREET_ETOOBIG, "header section larger than 65536 bytes");
    // One endless line, too.
    expect_broken("HTTP/1.1 200 OK\r\nX: " + std::string(GREET_HTTP_HEADER_MAX, 'a'), GREET_ETOOBIG,
                  "header section larger than 65536 bytes");
}

TEST(HttpParseBroken, HeaderSectionAtTheLimitIsAccepted)
{
    std::string text = "HTTP/1.1 200 OK\r\nX: ";
    text += std::string(GREET_HTTP_HEADER_MAX - text.size() - 4, 'a') + "\r\n\r\n";
    ASSERT_EQ(text.size(), size_t(GREET_HTTP_HEADER_MAX));
    Outcome o = parse(text);
    EXPECT_EQ(o.finish, GREET_OK) << o.reason;
}

TEST(HttpParseBroken, TooManyFields)
{
    std::string text = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < GREET_HTTP_FIELDS_MAX; i++) {
        text += "F: v\r\n";
    }
    EXPECT_EQ(parse(text + "\r\n").finish, GREET_OK);
    expect_broken(text + "G: w\r\n\r\n", GREET_ETOOBIG, "more than 100 header fields");
}

TEST(HttpParse, FieldLimitIsPerHeadAndTrailersCountOnTheirOwn)
{
    std::string fields;
    for (int i = 0; i < GREET_HTTP_FIELDS_MAX * 2 / 3; i++) {
        fields += "F: v\r\n";
    }
    Outcome interim = parse("HTTP/1.1 103 Early Hints\r\n" + fields + "\r\nHTTP/1.1 200 OK\r\n" +
                            fields + "Content-Length: 2\r\n\r\nok");
    EXPECT_EQ(interim.finish, GREET_OK) << interim.reason;
    EXPECT_EQ(interim.events.body, "ok");
    Outcome trailers =
        parse("HTTP/1.1 200 OK\r\n" + fields +
              "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n" + fields + "\r\n");
    EXPECT_EQ(trailers.finish, GREET_OK) << trailers.reason;
    EXPECT_EQ(trailers.events.body, "ok");
    std::string too_many;
    for (int i = 0; i <= GREET_HTTP_FIELDS_MAX; i++) {
        too_many += "T: v\r\n";
    }
    expect_broken("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + too_many + "\r\n",
                  GREET_ETOOBIG, "more than 100 header fields");
}

TEST(HttpParseBroken, TransferCodingsOtherThanChunkedAreRefused)
{
    expect_broken("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b", GREET_EPROTO,
                  "Transfer-Encoding gzip is not supported (the body would stay encoded)");
    expect_broken("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nzz\r\n0\r\n\r\n",
                  GREET_EPROTO,
                  "Transfer-Encoding gzip is not supported (the body would stay encoded)");
    expect_broken(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: deflate\r\n\r\n",
        GREET_EPROTO, "Transfer-Encoding deflate is not supported (the body would stay encoded)");
    // No body, nothing encoded to hand out.
    EXPECT_EQ(parse("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: gzip\r\n\r\n").finish,
              GREET_OK);
}

TEST(HttpParse, TransferCodingsAreFramedForACallerThatDecodesThem)
{
    // GREET_HTTP_TRANSFER_CODINGS: the body is handed out still coded, chunk framing removed, or
    // up to the close when chunked is not last.
    Outcome o = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nzz\r\n"
                      "0\r\n\r\n",
                      GREET_HTTP_TRANSFER_CODINGS);
    EXPECT_EQ(o.finish, GREET_OK) << o.reason;
    EXPECT_EQ(o.events.body, "zz");
    EXPECT_EQ(o.resp.chunked, 1);
    o = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 1\r\n\r\nabc",
              GREET_HTTP_TRANSFER_CODINGS);
    EXPECT_EQ(o.finish, GREET_OK) << o.reason;
    EXPECT_EQ(o.events.body, "abc");
    EXPECT_EQ(o.resp.until_close, 1);
}

TEST(HttpParseBroken, InterimSectionsCountTowardsTheLimits)
{
    std::string text;
    while (text.size() < GREET_HTTP_HEADER_MAX) {
        text += "HTTP/1.1 100 Continue\r\n\r\n";
    }
    expect_broken(text, GREET_ETOOBIG, "header section larger than 65536 bytes");
}

TEST(HttpParseBroken, ForbiddenBytesInTheHeaderSection)
{
    expect_broken(std::string("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 26), GREET_EPROTO,
                  "NUL byte in header section");
    expect_broken(std::string("HTTP/1.1 200 OK\0\r\n\r\n", 20), GREET_EPROTO,
                  "NUL byte in header section");
    expect_broken("HTTP/1.1 200 OK\r\nX: a\x01\r\n\r\n", GREET_EPROTO,
                  "control character in header section");
    expect_broken("HTTP/1.1 200 OK\r\nX: a\x7f\r\n\r\n", GREET_EPROTO,
                  "control character in header section");
    expect_broken("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", GREET_EPROTO, "bare CR in header section");
    expect_broken("HTTP/1.1 200 OK\r\r\n\r\n", GREET_EPROTO, "bare CR in header section");
}

TEST(HttpParseBroken, MalformedFields)
{
    const std::string h = "HTTP/1.1 200 OK\r\n";
    expect_broken(h + "NoColon\r\n\r\n", GREET_EPROTO, "header field without a colon");
    expect_broken(h + ": v\r\n\r\n", GREET_EPROTO, "empty header field name");
    expect_broken(h + "Name : v\r\n\r\n", GREET_EPROTO,
                  "whitespace between header field name and colon");
    expect_broken(h + "Na(me: v\r\n\r\n", GREET_EPROTO, "invalid character in header field name");
    expect_broken(h + " Folded: v\r\n\r\n", GREET_EPROTO,
                  "whitespace at the start of the header section");
    const std::string t = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
    expect_broken(t + " x\r\n\r\n", GREET_EPROTO, "whitespace at the start of the header section");
    expect_broken(t + "bad trailer\r\n\r\n", GREET_EPROTO, "header field without a colon");
}

TEST(HttpParseBroken, MalformedStatusLines)
{
    expect_broken("HTTP/1.1 20 OK\r\n\r\n", GREET_EPROTO, "malformed status line");
    expect_broken("HTTP/1.1 2000 OK\r\n\r\n", GREET_EPROTO, "malformed status line");
    expect_broken("HTTP/1.1  200 OK\r\n\r\n", GREET_EPROTO, "malformed status line");
    expect_broken("HTTP/1.1\r\n\r\n", GREET_EPROTO, "malformed status line");
    expect_broken("HTTP/11 200 OK\r\n\r\n", GREET_EPROTO, "malformed status line");
    expect_broken("HTTP/1.1 099 Low\r\n\r\n", GREET_EPROTO, "invalid status code");
    expect_broken("HTTP/2.0 200 OK\r\n\r\n", GREET_EPROTO,
                  "unsupported HTTP version (not HTTP/1.x)");
    expect_broken("<html>hello</html>", GREET_EPROTO, "not an HTTP/1.x response");
    expect_broken("\r\nHTTP/1.1 200 OK\r\n\r\n", GREET_EPROTO, "not an HTTP/1.x response");
    expect_broken("http/1.1 200 OK\r\n\r\n", GREET_EPROTO, "not an HTTP/1.x response");
}
