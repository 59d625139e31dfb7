// Threads, mutexes, condition variables and atomic counters from the platform contract.
#include <gtest/gtest.h>

#include <cstring>

#include "gp.h"

namespace
{

// A flag guarded by a mutex and announced by a condition variable.
struct Signal {
    gp_mutex *m = nullptr;
    gp_cond *c = nullptr;
    int value = 0;

    Signal()
    {
        EXPECT_EQ(gp_mutex_create(&m), GREET_OK);
        EXPECT_EQ(gp_cond_create(&c), GREET_OK);
    }
    ~Signal()
    {
        gp_cond_destroy(c);
        gp_mutex_destroy(m);
    }
    void set(int v)
    {
        gp_mutex_lock(m);
        value = v;
        gp_cond_broadcast(c);
        gp_mutex_unlock(m);
    }
    // Waits until value == want, at most timeout_ms in total; returns whether it got there.
    bool wait_for(int want, int timeout_ms)
    {
        gp_deadline deadline = gp_deadline_in(timeout_ms);
        gp_mutex_lock(m);
        while (value != want && !gp_deadline_passed(deadline)) {
            gp_cond_wait(c, m, deadline);
        }
        bool ok = value == want;
        gp_mutex_unlock(m);
        return ok;
    }
};

void set_to_42(void *arg)
{
    static_cast<Signal *>(arg)->set(42);
}

TEST(Thread, StartedThreadRunsAndJoins)
{
    Signal s;
    gp_thread *t = nullptr;

    ASSERT_EQ(gp_thread_start(&t, set_to_42, &s, 0), GREET_OK);
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(gp_thread_join(t), GREET_OK);
    EXPECT_EQ(s.value, 42);
}

TEST(Thread, DetachedThreadRunsWithoutJoin)
{
    Signal s;

    ASSERT_EQ(gp_thread_start(nullptr, set_to_42, &s, 0), GREET_OK);
    EXPECT_TRUE(s.wait_for(42, 10000));
}

void count_one(void *arg)
{
    gp_atomic_add(static_cast<gp_atomic *>(arg), 1);
}

TEST(Thread, ManyDetachedThreadsAllRun)
{
    const long kThreads = 50;
    gp_atomic done;

    gp_atomic_store(&done, 0);
    for (long i = 0; i < kThreads; i++) {
        ASSERT_EQ(gp_thread_start(nullptr, count_one, &done, 64 * 1024), GREET_OK);
    }
    uint64_t start = gp_clock_ms();
    while (gp_atomic_load(&done) < kThreads && gp_clock_ms() - start < 10000) {
        gp_sleep_ms(1);
    }
    EXPECT_EQ(gp_atomic_load(&done), kThreads);
}

struct StackJob {
    unsigned sum = 0;
};

// Fills a buffer on the stack and sums it, as a connection handler's buffer would be.
template <size_t Bytes> void use_stack(void *arg)
{
    volatile unsigned char buf[Bytes];
    unsigned sum = 0;

    for (size_t i = 0; i < Bytes; i++) {
        buf[i] = static_cast<unsigned char>(i);
    }
    for (size_t i = 0; i < Bytes; i++) {
        sum += buf[i];
    }
    static_cast<StackJob *>(arg)->sum = sum;
}

TEST(Thread, SmallStackOf64KiBWorks)
{
    StackJob job;
    gp_thread *t = nullptr;

    ASSERT_EQ(gp_thread_start(&t, use_stack<16 * 1024>, &job, 64 * 1024), GREET_OK);
    ASSERT_EQ(gp_thread_join(t), GREET_OK);
    EXPECT_EQ(job.sum, 64u * (255u * 256u / 2u)); // 64 runs of 0..255
}

TEST(Thread, TinyStackSizeIsRoundedUpToWhatTheOsNeeds)
{
    StackJob job;
    gp_thread *t = nullptr;

    ASSERT_EQ(gp_thread_start(&t, use_stack<256>, &job, 1), GREET_OK);
    ASSERT_EQ(gp_thread_join(t), GREET_OK);
    EXPECT_EQ(job.sum, 255u * 256u / 2u);
}

// Ping-pong: the main thread hands out odd numbers, the worker answers each with the next even.
struct PingPong {
    Signal s;
    int rounds = 0;
};

void pong(void *arg)
{
    PingPong *p = static_cast<PingPong *>(arg);

    for (int i = 1; i < 2 * p->rounds; i += 2) {
        if (!p->s.wait_for(i, 10000)) {
            return;
        }
        p->s.set(i + 1);
    }
}

TEST(Thread, MutexAndConditionHandOffInTurn)
{
    PingPong p;
    gp_thread *t = nullptr;

    p.rounds = 500;
    ASSERT_EQ(gp_thread_start(&t, pong, &p, 0), GREET_OK);
    bool ok = true;
    for (int i = 1; i < 2 * p.rounds && ok; i += 2) {
        p.s.set(i);
        ok = p.s.wait_for(i + 1, 10000);
    }
    ASSERT_EQ(gp_thread_join(t), GREET_OK);
    EXPECT_TRUE(ok);
    EXPECT_EQ(p.s.value, 2 * p.rounds);
}

TEST(Thread, CondWaitTimesOut)
{
    Signal s;

    gp_mutex_lock(s.m);
    uint64_t start = gp_clock_ms();
    int rc = gp_cond_wait(s.c, s.m, gp_deadline_in(100));
    uint64_t took = gp_clock_ms() - start;
    gp_mutex_unlock(s.m);
    EXPECT_EQ(rc, GREET_ETIMEDOUT);
    EXPECT_GE(took, 90u);
    EXPECT_LT(took, 5000u);
}

struct Counter {
    gp_atomic adds;
    gp_atomic cas;
    long plain = 0; // guarded by m
    gp_mutex *m = nullptr;
};

const int kIncrements = 20000;

void hammer(void *arg)
{
    Counter *c = static_cast<Counter *>(arg);

    for (int i = 0; i < kIncrements; i++) {
        gp_atomic_add(&c->adds, 1);
        long seen;
        do {
            seen = gp_atomic_load(&c->cas);
        } while (!gp_atomic_cas(&c->cas, seen, seen + 2));
        if (i % 64 == 0) {
            gp_mutex_lock(c->m);
            c->plain++;
            gp_mutex_unlock(c->m);
        }
    }
}

TEST(Thread, AtomicsCountExactlyUnderContention)
{
    const int kThreads = 4;
    Counter c;
    gp_thread *t[kThreads];

    gp_atomic_store(&c.adds, 0);
    gp_atomic_store(&c.cas, 0);
    ASSERT_EQ(gp_mutex_create(&c.m), GREET_OK);
    for (int i = 0; i < kThreads; i++) {
        ASSERT_EQ(gp_thread_start(&t[i], hammer, &c, 0), GREET_OK);
    }
    for (int i = 0; i < kThreads; i++) {
        ASSERT_EQ(gp_thread_join(t[i]), GREET_OK);
    }
    gp_mutex_destroy(c.m);
    EXPECT_EQ(gp_atomic_load(&c.adds), kThreads * kIncrements);
    EXPECT_EQ(gp_atomic_load(&c.cas), 2L * kThreads * kIncrements);
    EXPECT_EQ(c.plain, kThreads * ((kIncrements + 63) / 64));
}

TEST(Thread, AtomicAddReturnsTheNewValueAndCasChecksExpected)
{
    gp_atomic a;

    gp_atomic_store(&a, 5);
    EXPECT_EQ(gp_atomic_add(&a, 3), 8);
    EXPECT_EQ(gp_atomic_add(&a, -10), -2);
    EXPECT_FALSE(gp_atomic_cas(&a, 7, 1));
    EXPECT_EQ(gp_atomic_load(&a), -2);
    EXPECT_TRUE(gp_atomic_cas(&a, -2, 1));
    EXPECT_EQ(gp_atomic_load(&a), 1);
}

} // namespace
