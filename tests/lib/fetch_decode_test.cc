// Compressed bodies through the fetch engine (src/lib/body_chain.c and src/lib/decode/): gzip and
// deflate as content codings with the compressed option, as transfer codings always, chunked or
// not, corrupt, cut short and inflating far beyond their size; and what a build without zlib says.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "greet/fetch.h"
#include "support/http_server.h"

#ifdef GREET_TEST_ZLIB
#include <zlib.h>
#endif

using greet_test::HttpServer;
using greet_test::ok_reply;
using greet_test::raw_reply;
using greet_test::Reply;

namespace
{

struct Sink {
    std::string body;
    uint64_t size = 0;
    size_t biggest_piece = 0;
    uint64_t stop_after = 0; // > 0: stop the fetch once this much body has arrived
    std::string request;

    greet_fetch_sink make()
    {
        greet_fetch_sink s;
        greet_fetch_sink_init(&s);
        s.ctx = this;
        s.on_request = [](void *ctx, const char *head, size_t len) {
            static_cast<Sink *>(ctx)->request.append(head, len);
        };
        s.on_body = [](void *ctx, const void *data, size_t len) -> int {
            auto *k = static_cast<Sink *>(ctx);
            if (k->size < (1u << 20)) {
                k->body.append(static_cast<const char *>(data), len);
            }
            k->size += len;
            k->biggest_piece = std::max(k->biggest_piece, len);
            return k->stop_after && k->size >= k->stop_after ? GREET_ECANCELED : GREET_OK;
        };
        return s;
    }
};

class FetchDecode : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        greet_fetch_options_init(&opt);
        greet_fetch_result_init(&result);
        opt.max_time_ms = 60000;
    }
    int fetch(const std::string &target)
    {
        greet_fetch_sink s = got.make();
        return greet_fetch(server.url(target).c_str(), &opt, &s, &result);
    }
    std::string message() const
    {
        return result.message;
    }

    HttpServer server;
    greet_fetch_options opt;
    greet_fetch_result result;
    Sink got;
};

// Chunked framing of body in pieces of n bytes.
std::string chunked(const std::string &body, size_t n)
{
    std::string out;
    char size[32];
    for (size_t at = 0; at < body.size(); at += n) {
        std::string piece = body.substr(at, n);
        snprintf(size, sizeof size, "%zx\r\n", piece.size());
        out += size + piece + "\r\n";
    }
    return out + "0\r\n\r\n";
}

const std::string kText = [] {
    std::string s;
    for (int i = 0; i < 2000; i++) {
        s += "line " + std::to_string(i) + ": the quick brown fox jumps over the lazy dog\n";
    }
    return s;
}();

} // namespace

#ifdef GREET_TEST_ZLIB

namespace
{

// zlib's deflate with window_bits: 15 + 16 gzip, 15 zlib-wrapped, -15 raw deflate.
std::string compress(const std::string &in, int window_bits, int level = 6)
{
    z_stream z{};
    std::string out;
    unsigned char buf[16384];
    int zrc = deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    EXPECT_EQ(zrc, Z_OK);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    do {
        z.next_out = buf;
        z.avail_out = sizeof buf;
        zrc = deflate(&z, Z_FINISH);
        out.append(reinterpret_cast<char *>(buf), sizeof buf - z.avail_out);
    } while (zrc == Z_OK);
    EXPECT_EQ(zrc, Z_STREAM_END);
    deflateEnd(&z);
    return out;
}

std::string gzip(const std::string &in)
{
    return compress(in, 16 + MAX_WBITS);
}

// `size` zero bytes, gzipped: about a thousandth of their size.
std::string gzip_zeros(uint64_t size)
{
    z_stream z{};
    std::string out, zeros(1 << 20, '\0');
    std::string buf(1 << 16, '\0');
    EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    for (uint64_t left = size; left > 0 || z.avail_in > 0;) {
        if (z.avail_in == 0) {
            uInt take = static_cast<uInt>(std::min<uint64_t>(left, zeros.size()));
            z.next_in = reinterpret_cast<Bytef *>(&zeros[0]);
            z.avail_in = take;
            left -= take;
        }
        do {
            z.next_out = reinterpret_cast<Bytef *>(&buf[0]);
            z.avail_out = static_cast<uInt>(buf.size());
            deflate(&z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
            out.append(buf.data(), buf.size() - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return out;
}

} // namespace

TEST(FetchDecoder, ThisBuildDecodesWithZlib)
{
    ASSERT_NE(greet_fetch_decoder(), nullptr);
    EXPECT_EQ(std::string(greet_fetch_decoder()).rfind("zlib ", 0), 0u) << greet_fetch_decoder();
}

TEST_F(FetchDecode, CompressedAsksForDeflateAndGzipAndDecodesGzip)
{
    server.on("/gz", ok_reply(gzip(kText), "Content-Encoding: gzip\r\n"));
    opt.compressed = 1;
    ASSERT_EQ(fetch("/gz"), GREET_OK) << message();
    EXPECT_NE(got.request.find("\r\nAccept-Encoding: deflate, gzip\r\n"), std::string::npos)
        << got.request;
    EXPECT_EQ(got.body, kText);
    EXPECT_EQ(result.body_size, kText.size());
}

TEST_F(FetchDecode, WithoutCompressedAContentCodingIsLeftAsItCame)
{
    std::string coded = gzip(kText);
    server.on("/gz", ok_reply(coded, "Content-Encoding: gzip\r\n"));
    ASSERT_EQ(fetch("/gz"), GREET_OK) << message();
    EXPECT_EQ(got.request.find("Accept-Encoding"), std::string::npos) << got.request;
    EXPECT_EQ(got.body, coded);
}

TEST_F(FetchDecode, DeflateZlibWrappedAndRawAreBothDecoded)
{
    server.on("/zlib", ok_reply(compress(kText, MAX_WBITS), "Content-Encoding: deflate\r\n"));
    server.on("/raw", ok_reply(compress(kText, -MAX_WBITS), "Content-Encoding: Deflate\r\n"));
    opt.compressed = 1;
    ASSERT_EQ(fetch("/zlib"), GREET_OK) << message();
    EXPECT_EQ(got.body, kText);
    got = Sink();
    ASSERT_EQ(fetch("/raw"), GREET_OK) << message();
    EXPECT_EQ(got.body, kText);
}

TEST_F(FetchDecode, ChunkedGzipSentOneBytePerWrite)
{
    Reply r = raw_reply("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: "
                        "chunked\r\n\r\n" +
                        chunked(gzip(kText.substr(0, 3000)), 7));
    r.piece = 1;
    server.on("/c", r);
    opt.compressed = 1;
    ASSERT_EQ(fetch("/c"), GREET_OK) << message();
    EXPECT_EQ(got.body, kText.substr(0, 3000));
}

TEST_F(FetchDecode, GzipTransferCodingIsDecodedWithOrWithoutCompressed)
{
    // Defect 8: it used to be saved still coded.
    server.on("/te", raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + gzip(kText)));
    server.on("/tec", raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" +
                                chunked(gzip(kText), 1000)));
    ASSERT_EQ(fetch("/te"), GREET_OK) << message();
    EXPECT_EQ(got.body, kText);
    got = Sink();
    ASSERT_EQ(fetch("/tec"), GREET_OK) << message();
    EXPECT_EQ(got.body, kText);
}

TEST_F(FetchDecode, StackedCodingsAreUndoneInReverse)
{
    // deflate applied first, then gzip; then a gzip transfer coding over all of it.
    std::string body = gzip(compress(kText, MAX_WBITS));
    server.on("/ce", ok_reply(body, "Content-Encoding: deflate, gzip\r\n"));
    server.on("/both", raw_reply("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-"
                                 "Encoding: gzip\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" +
                                 chunked(gzip(body), 333)));
    opt.compressed = 1;
    ASSERT_EQ(fetch("/ce"), GREET_OK) << message();
    EXPECT_EQ(got.body, kText);
    got = Sink();
    ASSERT_EQ(fetch("/both"), GREET_OK) << message();
    EXPECT_EQ(got.body, kText);
}

TEST_F(FetchDecode, GzipMembersInARowAreAllDecoded)
{
    server.on("/m", ok_reply(gzip("first ") + gzip("second"), "Content-Encoding: gzip\r\n"));
    opt.compressed = 1;
    ASSERT_EQ(fetch("/m"), GREET_OK) << message();
    EXPECT_EQ(got.body, "first second");
}

TEST_F(FetchDecode, CorruptDataFailsNamingTheCoding)
{
    std::string bad = gzip(kText);
    bad[bad.size() / 2] ^= 0x55;
    bad[bad.size() / 2 + 1] ^= 0x55;
    server.on("/bad", ok_reply(bad, "Content-Encoding: gzip\r\n"));
    server.on("/notgz", ok_reply("plain text, not gzip", "Content-Encoding: gzip\r\n"));
    opt.compressed = 1;
    EXPECT_EQ(fetch("/bad"), GREET_EPROTO);
    EXPECT_NE(message().find("Content-Encoding: corrupt gzip data: "), std::string::npos)
        << message();
    EXPECT_EQ(fetch("/notgz"), GREET_EPROTO);
    EXPECT_EQ(message(), "Content-Encoding: corrupt gzip data: incorrect header check");
}

TEST_F(FetchDecode, CutShortDataFailsEvenWhenTheFramingIsComplete)
{
    std::string whole = gzip(kText);
    server.on("/cut", ok_reply(whole.substr(0, whole.size() - 20), "Content-Encoding: gzip\r\n"));
    server.on("/closed", raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" +
                                   whole.substr(0, whole.size() / 2)));
    opt.compressed = 1;
    EXPECT_EQ(fetch("/cut"), GREET_EPROTO);
    EXPECT_EQ(message(),
              "Content-Encoding: the gzip data ended early (the body is cut short or corrupt)");
    EXPECT_EQ(fetch("/closed"), GREET_EPROTO);
    EXPECT_EQ(message(),
              "Transfer-Encoding: the gzip data ended early (the body is cut short or corrupt)");
}

TEST_F(FetchDecode, UnknownCodingIsRefusedBeforeAnyBody)
{
    server.on("/br", ok_reply("\x0b\x02\x80", "Content-Encoding: br\r\n"));
    server.on("/many", ok_reply("x", "Content-Encoding: gzip, gzip, gzip, gzip, gzip\r\n"));
    opt.compressed = 1;
    EXPECT_EQ(fetch("/br"), GREET_EPROTO);
    EXPECT_EQ(message(), "Content-Encoding br is not supported (greet decodes gzip and deflate)");
    EXPECT_EQ(got.size, 0u);
    EXPECT_EQ(fetch("/many"), GREET_EPROTO);
    EXPECT_NE(message().find("more than 4 codings"), std::string::npos) << message();
}

TEST_F(FetchDecode, EmptyBodiesAndBodilessAnswersNeedNoDecoding)
{
    server.on("/empty", ok_reply("", "Content-Encoding: gzip\r\n"));
    server.on("/304", raw_reply("HTTP/1.1 304 Not Modified\r\nContent-Encoding: gzip\r\n"
                                "Transfer-Encoding: gzip\r\n\r\n"));
    opt.compressed = 1;
    EXPECT_EQ(fetch("/empty"), GREET_OK) << message();
    EXPECT_EQ(fetch("/304"), GREET_OK) << message();
    EXPECT_EQ(got.size, 0u);
}

TEST_F(FetchDecode, ABombStreamsThroughFixedPieces)
{
    // 128 MiB of zeros in about 128 KiB: the sink gets them in pieces of at most 64 KiB as they
    // are made, never the whole at once, and may stop the transfer part way.
    const uint64_t size = 128u << 20;
    server.on("/bomb", ok_reply(gzip_zeros(size), "Content-Encoding: gzip\r\n"));
    opt.compressed = 1;
    ASSERT_EQ(fetch("/bomb"), GREET_OK) << message();
    EXPECT_EQ(got.size, size);
    EXPECT_LE(got.biggest_piece, 64u * 1024);
    got = Sink();
    got.stop_after = 1u << 20;
    EXPECT_EQ(fetch("/bomb"), GREET_ECANCELED);
    EXPECT_LT(got.size, 2u << 20);
}

#else // a build without zlib

TEST(FetchDecoder, ThisBuildHasNoDecoder)
{
    EXPECT_EQ(greet_fetch_decoder(), nullptr);
}

TEST_F(FetchDecode, CompressedIsNotInThisBuild)
{
    server.on("/gz", ok_reply("x"));
    opt.compressed = 1;
    EXPECT_EQ(fetch("/gz"), GREET_EUNSUPPORTED);
    EXPECT_EQ(message(), "compressed bodies are not supported in this build (built without zlib)");
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(FetchDecode, GzipTransferCodingIsRefusedNotSavedEncoded)
{
    server.on("/te", raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b\x08"));
    EXPECT_EQ(fetch("/te"), GREET_EPROTO);
    EXPECT_EQ(message(), "Transfer-Encoding gzip cannot be decoded: this build has no zlib");
    EXPECT_EQ(got.size, 0u);
}

#endif

TEST_F(FetchDecode, ContentCodingWithoutCompressedIsNeverDecoded)
{
    server.on("/x", ok_reply("not really gzip", "Content-Encoding: gzip\r\n"));
    ASSERT_EQ(fetch("/x"), GREET_OK) << message();
    EXPECT_EQ(got.body, "not really gzip");
}
