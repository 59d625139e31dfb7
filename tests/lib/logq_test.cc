// The bounded log queue (src/lib/logq.h): lines reach the log function in order and one at a
// time; a blocked log function never blocks gi_logq_put, a full queue drops and counts, the
// next line that gets in is preceded by the count, and stop waits for the writer only so long.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logq.h"

namespace
{

using Clock = std::chrono::steady_clock;

long ms_since(Clock::time_point t0)
{
    return (long)std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

// A log function that records every line and can be held shut, as a stalled pipe would. Lives
// as long as the process: a writer abandoned by stop may still be inside it.
struct Sink {
    std::mutex m;
    std::condition_variable cv;
    std::vector<std::string> lines;
    bool held = false;
    int inside = 0;  // calls running now
    int overlap = 0; // times a call began while another was running
    int entered = 0; // calls begun

    static void fn(void *user, int level, const char *line)
    {
        auto *s = static_cast<Sink *>(user);
        std::unique_lock<std::mutex> lock(s->m);
        s->overlap += s->inside > 0;
        s->inside++;
        s->entered++;
        s->cv.notify_all();
        s->cv.wait(lock, [s] { return !s->held; });
        s->lines.push_back((level == GREET_LOG_WARN ? "W " : "I ") + std::string(line));
        s->inside--;
        s->cv.notify_all();
    }

    void hold()
    {
        std::lock_guard<std::mutex> lock(m);
        held = true;
    }
    void release()
    {
        std::lock_guard<std::mutex> lock(m);
        held = false;
        cv.notify_all();
    }
    // Waits until at least n calls have begun.
    bool wait_entered(int n)
    {
        std::unique_lock<std::mutex> lock(m);
        return cv.wait_for(lock, std::chrono::seconds(20), [&] { return entered >= n; });
    }
    bool wait_lines(size_t n)
    {
        std::unique_lock<std::mutex> lock(m);
        return cv.wait_for(lock, std::chrono::seconds(20), [&] { return lines.size() >= n; });
    }
    std::vector<std::string> snapshot()
    {
        std::lock_guard<std::mutex> lock(m);
        return lines;
    }
};

} // namespace

TEST(LogQueue, LinesFromManyThreadsArriveOneAtATimeAndInEachThreadsOrder)
{
    static Sink sink;
    gi_logq *q = nullptr;
    ASSERT_EQ(gi_logq_start(&q, 64, Sink::fn, &sink), GREET_OK);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([q, t] {
            for (int i = 0; i < 10; i++) {
                gi_logq_put(q, GREET_LOG_INFO,
                            (std::to_string(t) + ":" + std::to_string(i)).c_str());
            }
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    gi_logq_stop(q, 10000);
    auto lines = sink.snapshot();
    ASSERT_EQ(lines.size(), 40u);
    std::lock_guard<std::mutex> lock(sink.m);
    EXPECT_EQ(sink.overlap, 0);
    for (int t = 0; t < 4; t++) {
        int next = 0;
        for (const auto &l : lines) {
            if (l.rfind("I " + std::to_string(t) + ":", 0) == 0) {
                EXPECT_EQ(l, "I " + std::to_string(t) + ":" + std::to_string(next));
                next++;
            }
        }
        EXPECT_EQ(next, 10);
    }
}

TEST(LogQueue, FullQueueDropsAndCountsAndTheNextLineSaysHowMany)
{
    static Sink sink;
    gi_logq *q = nullptr;
    ASSERT_EQ(gi_logq_start(&q, 4, Sink::fn, &sink), GREET_OK);
    sink.hold();
    gi_logq_put(q, GREET_LOG_INFO, "first");
    ASSERT_TRUE(sink.wait_entered(1)); // the writer took it and is stuck in the log function
    for (int i = 0; i < 4; i++) {
        gi_logq_put(q, GREET_LOG_INFO, ("queued " + std::to_string(i)).c_str());
    }
    for (int i = 0; i < 7; i++) {
        gi_logq_put(q, GREET_LOG_INFO, "dropped");
    }
    EXPECT_EQ(gi_logq_dropped(q), 7u);
    sink.release();
    ASSERT_TRUE(sink.wait_lines(5));
    gi_logq_put(q, GREET_LOG_INFO, "after");
    gi_logq_stop(q, 10000);
    EXPECT_EQ(
        sink.snapshot(),
        (std::vector<std::string>{"I first", "I queued 0", "I queued 1", "I queued 2", "I queued 3",
                                  "W 7 log lines dropped: the log could not keep up", "I after"}));
}

TEST(LogQueue, PutNeverWaitsForABlockedLog)
{
    static Sink sink;
    gi_logq *q = nullptr;
    ASSERT_EQ(gi_logq_start(&q, GI_LOGQ_SLOTS, Sink::fn, &sink), GREET_OK);
    sink.hold();
    gi_logq_put(q, GREET_LOG_INFO, "stuck");
    ASSERT_TRUE(sink.wait_entered(1));
    auto t0 = Clock::now();
    for (int i = 0; i < 20000; i++) {
        gi_logq_put(q, GREET_LOG_INFO, "connection with 127.0.0.1:50000");
    }
    EXPECT_LT(ms_since(t0), 5000);
    EXPECT_EQ(gi_logq_dropped(q), 20000u - GI_LOGQ_SLOTS);
    sink.release();
    gi_logq_stop(q, 10000);
    auto lines = sink.snapshot();
    // The stuck line, every queued one, and at stop the count of the lines dropped at the end.
    ASSERT_EQ(lines.size(), 1u + GI_LOGQ_SLOTS + 1u);
    EXPECT_EQ(lines.back(), "W " + std::to_string(20000 - GI_LOGQ_SLOTS) +
                                " log lines dropped: the log could not keep up");
}

TEST(LogQueue, StopGivesUpOnABlockedLogAfterTheBoundAndNeverCallsItAgain)
{
    static Sink sink;
    gi_logq *q = nullptr;
    ASSERT_EQ(gi_logq_start(&q, 16, Sink::fn, &sink), GREET_OK);
    sink.hold();
    gi_logq_put(q, GREET_LOG_INFO, "stuck");
    ASSERT_TRUE(sink.wait_entered(1));
    gi_logq_put(q, GREET_LOG_INFO, "never written");
    auto t0 = Clock::now();
    gi_logq_stop(q, 100);
    long took = ms_since(t0);
    EXPECT_GE(took, 90);
    EXPECT_LT(took, 2000);
    // The blocked call comes back later; the writer then ends (and frees the queue: ASan would
    // see a leak or a use after free) without calling the log again.
    sink.release();
    ASSERT_TRUE(sink.wait_lines(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(sink.snapshot(), (std::vector<std::string>{"I stuck"}));
    std::lock_guard<std::mutex> lock(sink.m);
    EXPECT_EQ(sink.entered, 1);
}

TEST(LogQueue, StopWritesWhatIsQueuedFirst)
{
    static Sink sink;
    gi_logq *q = nullptr;
    ASSERT_EQ(gi_logq_start(&q, 64, Sink::fn, &sink), GREET_OK);
    for (int i = 0; i < 50; i++) {
        gi_logq_put(q, GREET_LOG_INFO, "x");
    }
    gi_logq_stop(q, 10000);
    EXPECT_EQ(sink.snapshot().size(), 50u);
}

TEST(LogQueue, LongLinesAreCutNotOverrun)
{
    static Sink sink;
    gi_logq *q = nullptr;
    ASSERT_EQ(gi_logq_start(&q, 4, Sink::fn, &sink), GREET_OK);
    gi_logq_put(q, GREET_LOG_INFO, std::string(3000, 'L').c_str());
    gi_logq_stop(q, 10000);
    auto lines = sink.snapshot();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "I " + std::string(GI_LOGQ_LINE_MAX - 1, 'L'));
}
