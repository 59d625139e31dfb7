// The protocol's framing without sockets: bytes in as receives, replies out, byte for byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "greet/error.h"
#include "proto.h"

namespace
{

class Proto : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_EQ(gi_proto_init(&p_, 0), GREET_OK);
    }
    void TearDown() override
    {
        gi_proto_free(&p_);
    }

    // Feeds one receive's bytes; the replies it produced are appended to replies_.
    int feed(const std::string &bytes)
    {
        return gi_proto_feed(&p_, bytes.data(), bytes.size(), record, this);
    }

    static int record(void *ctx, const void *data, size_t len)
    {
        auto *self = static_cast<Proto *>(ctx);
        if (self->fail_emit_) {
            return GREET_EPIPE;
        }
        self->replies_.emplace_back(static_cast<const char *>(data), len);
        return 0;
    }

    gi_proto p_;
    std::vector<std::string> replies_;
    bool fail_emit_ = false;
};

using Replies = std::vector<std::string>;

} // namespace

TEST_F(Proto, RawReplyIsHelloFollowedByExactlyTheBytes)
{
    EXPECT_EQ(feed("guoxiang"), GI_PROTO_MORE);
    EXPECT_EQ(feed("a b\r"), GI_PROTO_MORE);
    EXPECT_EQ(replies_, (Replies{"Hello guoxiang", "Hello a b\r"}));
    EXPECT_EQ(p_.mode, GI_MODE_RAW);
}

TEST_F(Proto, RawExitClosesOnlyWhenItIsTheWholeMessage)
{
    EXPECT_EQ(feed("exit now"), GI_PROTO_MORE);
    EXPECT_EQ(feed("exit\n"), GI_PROTO_MORE);
    EXPECT_EQ(feed("exit"), GI_PROTO_EXIT);
    EXPECT_EQ(replies_, (Replies{"Hello exit now", "Hello exit\n"}));
}

TEST_F(Proto, RawModeStaysRawWhenLaterMessagesEndInNewline)
{
    EXPECT_EQ(feed("one"), GI_PROTO_MORE);
    EXPECT_EQ(feed("two\nthree\n"), GI_PROTO_MORE);
    EXPECT_EQ(replies_, (Replies{"Hello one", "Hello two\nthree\n"}));
}

TEST_F(Proto, NulBytesAndInvalidUtf8AreEchoedWhole)
{
    std::string odd("a\0b\xff\xfe\xc3", 6);
    EXPECT_EQ(feed(odd), GI_PROTO_MORE);
    EXPECT_EQ(feed(odd + "\n"), GI_PROTO_MORE);
    ASSERT_EQ(replies_.size(), 2u);
    EXPECT_EQ(replies_[0], "Hello " + odd);
    EXPECT_EQ(replies_[1], "Hello " + odd + "\n");
}

TEST_F(Proto, FirstMessageEndingInNewlineLatchesLineMode)
{
    EXPECT_EQ(feed("alice\n"), GI_PROTO_MORE);
    EXPECT_EQ(p_.mode, GI_MODE_LINE);
    EXPECT_EQ(feed("bob\r\n"), GI_PROTO_MORE);
    EXPECT_EQ(replies_, (Replies{"Hello alice\n", "Hello bob\n"}));
}

TEST_F(Proto, FirstReceiveOfOneByteIsRawUnlessItIsANewline)
{
    EXPECT_EQ(feed("a"), GI_PROTO_MORE);
    EXPECT_EQ(p_.mode, GI_MODE_RAW);
    EXPECT_EQ(replies_, (Replies{"Hello a"}));

    gi_proto line;
    ASSERT_EQ(gi_proto_init(&line, 0), GREET_OK);
    EXPECT_EQ(gi_proto_latch(&line, "\n", 1), GI_MODE_LINE);
    gi_proto_free(&line);
}

// `seq 10 1000 | nc`: the first receive holds many lines and ends inside one.
TEST_F(Proto, NewlineAnywhereInTheFirstReceiveLatchesLineMode)
{
    EXPECT_EQ(feed("10\n11\n12"), GI_PROTO_MORE);
    EXPECT_EQ(p_.mode, GI_MODE_LINE);
    EXPECT_EQ(feed("3\n"), GI_PROTO_MORE);
    EXPECT_EQ(replies_, (Replies{"Hello 10\n", "Hello 11\n", "Hello 123\n"}));
}

TEST_F(Proto, SeqTenToAThousandInFullReceivesGetsEveryLine)
{
    std::string all;
    for (int i = 10; i <= 1000; i++) {
        all += std::to_string(i) + "\n";
    }
    for (size_t i = 0; i < all.size(); i += GI_PROTO_RECV_MAX) {
        ASSERT_EQ(feed(all.substr(i, GI_PROTO_RECV_MAX)), GI_PROTO_MORE);
    }
    ASSERT_EQ(replies_.size(), 991u);
    EXPECT_EQ(replies_.front(), "Hello 10\n");
    EXPECT_EQ(replies_.back(), "Hello 1000\n");
}

// A first receive that fills the buffer is the start of a line longer than it, not a message.
TEST_F(Proto, FirstReceiveThatFillsTheBufferLatchesLineMode)
{
    std::string full(GI_PROTO_RECV_MAX, 'x');
    EXPECT_EQ(feed(full), GI_PROTO_MORE);
    EXPECT_EQ(p_.mode, GI_MODE_LINE);
    EXPECT_TRUE(replies_.empty());
    EXPECT_EQ(feed("y\n"), GI_PROTO_MORE);
    EXPECT_EQ(replies_, (Replies{"Hello " + full + "y\n"}));
}

TEST_F(Proto, FirstReceiveOneByteShortOfTheBufferWithoutNewlineIsRaw)
{
    std::string name(GI_PROTO_RECV_MAX - 1, 'n');
    EXPECT_EQ(feed(name), GI_PROTO_MORE);
    EXPECT_EQ(p_.mode, GI_MODE_RAW);
    EXPECT_EQ(replies_, (Replies{"Hello " + name}));
}

TEST_F(Proto, SplitLineIsReassembled)
{
    EXPECT_EQ(feed("a\n"), GI_PROTO_MORE);
    EXPECT_EQ(feed("wang"), GI_PROTO_MORE);
    EXPECT_EQ(feed("zi"), GI_PROTO_MORE);
    EXPECT_EQ(feed("peng\r"), GI_PROTO_MORE);
    EXPECT_EQ(feed("\n"), GI_PROTO_MORE);
    EXPECT_EQ(replies_, (Replies{"Hello a\n", "Hello wangzipeng\n"}));
}

TEST_F(Proto, SeveralLinesInOneReceiveGetOneReplyEach)
{
    EXPECT_EQ(feed("x\ny\r\n\nz\n"), GI_PROTO_MORE);
    EXPECT_EQ(replies_, (Replies{"Hello x\n", "Hello y\n", "Hello \n", "Hello z\n"}));
}

TEST_F(Proto, ExitLineClosesAndLaterLinesAreIgnored)
{
    EXPECT_EQ(feed("a\nexit\r\nb\n"), GI_PROTO_EXIT);
    EXPECT_EQ(replies_, (Replies{"Hello a\n"}));
}

TEST_F(Proto, OnlyTheExactExitLineCloses)
{
    EXPECT_EQ(feed("exit \n EXIT\nexits\n"), GI_PROTO_MORE);
    EXPECT_EQ(replies_, (Replies{"Hello exit \n", "Hello  EXIT\n", "Hello exits\n"}));
}

TEST_F(Proto, LineAtTheLimitIsAnswered)
{
    std::string line(GI_PROTO_LINE_MAX, 'q');
    EXPECT_EQ(feed("go\n"), GI_PROTO_MORE);
    for (size_t i = 0; i < line.size(); i += GI_PROTO_RECV_MAX) {
        EXPECT_EQ(feed(line.substr(i, GI_PROTO_RECV_MAX)), GI_PROTO_MORE);
    }
    EXPECT_EQ(feed("\r\n"), GI_PROTO_MORE);
    ASSERT_EQ(replies_.size(), 2u);
    EXPECT_EQ(replies_[1], "Hello " + line + "\n");
}

TEST_F(Proto, LineOverTheLimitGetsTheErrorReplyAndCloses)
{
    std::string chunk(GI_PROTO_RECV_MAX, 'q');
    int rc = feed("go\n");
    for (int i = 0; rc == GI_PROTO_MORE && i < 10; i++) {
        rc = feed(chunk);
    }
    EXPECT_EQ(rc, GI_PROTO_OVERLONG);
    EXPECT_EQ(replies_, (Replies{"Hello go\n", GI_PROTO_TOO_LONG_REPLY}));
}

TEST_F(Proto, LineOneByteOverTheLimitIsRefusedAtItsNewline)
{
    std::string line(GI_PROTO_LINE_MAX + 1, 'q');
    int rc = feed("go\n");
    for (size_t i = 0; rc == GI_PROTO_MORE && i < line.size(); i += GI_PROTO_RECV_MAX) {
        rc = feed(line.substr(i, GI_PROTO_RECV_MAX));
    }
    EXPECT_EQ(rc, GI_PROTO_MORE);
    EXPECT_EQ(feed("\n"), GI_PROTO_OVERLONG);
    EXPECT_EQ(replies_.back(), GI_PROTO_TOO_LONG_REPLY);
}

TEST_F(Proto, SmallLimitsAreRaisedSoARawMessageFits)
{
    gi_proto small;
    ASSERT_EQ(gi_proto_init(&small, 10), GREET_OK);
    EXPECT_EQ(small.max_line, (size_t)GI_PROTO_LINE_MIN);
    gi_proto_free(&small);
}

TEST_F(Proto, ReceiveLargerThanTheRawMaximumIsRejected)
{
    std::string big(GI_PROTO_RECV_MAX + 1, 'x');
    EXPECT_EQ(feed(big), GREET_EINVAL);
    EXPECT_TRUE(replies_.empty());
}

TEST_F(Proto, UnterminatedLastLineIsAnsweredAtEndOfStream)
{
    EXPECT_EQ(feed("a\n"), GI_PROTO_MORE);
    EXPECT_EQ(feed("last"), GI_PROTO_MORE);
    EXPECT_EQ(gi_proto_finish(&p_, record, this), GREET_OK);
    EXPECT_EQ(replies_, (Replies{"Hello a\n", "Hello last\n"}));
}

TEST_F(Proto, EndOfStreamInRawModeAddsNothing)
{
    EXPECT_EQ(feed("a"), GI_PROTO_MORE);
    EXPECT_EQ(gi_proto_finish(&p_, record, this), GREET_OK);
    EXPECT_EQ(replies_, (Replies{"Hello a"}));
}

TEST_F(Proto, EmitFailureStopsTheFeedInLineMode)
{
    fail_emit_ = true;
    EXPECT_EQ(feed("a\nb\n"), GREET_EPIPE);
}

TEST_F(Proto, EmitFailureStopsTheFeedInRawMode)
{
    fail_emit_ = true;
    EXPECT_EQ(feed("raw"), GREET_EPIPE);
}

namespace
{

int record_into(void *ctx, const void *data, size_t len)
{
    static_cast<Replies *>(ctx)->emplace_back(static_cast<const char *>(data), len);
    return 0;
}

int feed_shared(gi_proto *p, const std::string &bytes, Replies *out)
{
    return gi_proto_feed(p, bytes.data(), bytes.size(), record_into, out);
}

} // namespace

// Two connections of one event loop share the buffer replies are built in; unfinished lines
// are kept apart and come back whole.
TEST(ProtoShared, ConnectionsSharingABufferKeepTheirOwnUnfinishedLines)
{
    std::vector<unsigned char> shared(gi_proto_shared_size(0));
    gi_proto a, b;
    Replies ra, rb;
    ASSERT_EQ(gi_proto_init_shared(&a, 0, shared.data()), GREET_OK);
    ASSERT_EQ(gi_proto_init_shared(&b, 0, shared.data()), GREET_OK);
    EXPECT_EQ(feed_shared(&a, "al\n", &ra), GI_PROTO_MORE);
    EXPECT_EQ(feed_shared(&b, "bo\n", &rb), GI_PROTO_MORE);
    EXPECT_EQ(feed_shared(&a, "ic", &ra), GI_PROTO_MORE);
    EXPECT_EQ(feed_shared(&b, "b-", &rb), GI_PROTO_MORE);
    EXPECT_EQ(feed_shared(&a, "e\nx", &ra), GI_PROTO_MORE);
    EXPECT_EQ(feed_shared(&b, "raw?\n", &rb), GI_PROTO_MORE);
    EXPECT_EQ(gi_proto_finish(&a, record_into, &ra), GREET_OK);
    EXPECT_EQ(ra, (Replies{"Hello al\n", "Hello ice\n", "Hello x\n"}));
    EXPECT_EQ(rb, (Replies{"Hello bo\n", "Hello b-raw?\n"}));
    gi_proto_free(&a);
    gi_proto_free(&b);
}

TEST(ProtoShared, RawRepliesNeedNoMemoryOfTheirOwn)
{
    std::vector<unsigned char> shared(gi_proto_shared_size(2048));
    gi_proto p;
    Replies r;
    ASSERT_EQ(gi_proto_init_shared(&p, 2048, shared.data()), GREET_OK);
    EXPECT_EQ(feed_shared(&p, "guoxiang", &r), GI_PROTO_MORE);
    EXPECT_EQ(feed_shared(&p, "exit", &r), GI_PROTO_EXIT);
    EXPECT_EQ(r, (Replies{"Hello guoxiang"}));
    EXPECT_EQ(p.pending, nullptr);
    EXPECT_EQ(p.max_line, 2048u);
    gi_proto_free(&p);
}

TEST_F(Proto, HeldRepliesAreCutOneAtATime)
{
    EXPECT_EQ(feed("a\nbb\n"), GI_PROTO_MORE);
    std::string all = replies_[0] + replies_[1];
    EXPECT_EQ(gi_proto_reply_len(&p_, all.data(), all.size()), replies_[0].size());
    gi_proto raw;
    ASSERT_EQ(gi_proto_init(&raw, 0), GREET_OK);
    const char reply[] = "Hello two\nlines\n";
    ASSERT_EQ(gi_proto_latch(&raw, "first", 5), GI_MODE_RAW); // later raw messages may hold "\n"
    EXPECT_EQ(gi_proto_reply_len(&raw, reply, sizeof reply - 1), sizeof reply - 1);
    gi_proto_free(&raw);
}
