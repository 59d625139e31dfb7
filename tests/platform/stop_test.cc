// The stop signal: a request (from Ctrl+C, SIGTERM or gp_stop_raise) ends a blocking wait.
#include <gtest/gtest.h>

#include <csignal>

#include "gp.h"

namespace
{

// The stop state is per process; each test starts and ends with no pending request.
class Stop : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        gp_stop_reset();
    }
    void TearDown() override
    {
        gp_stop_reset();
    }
};

void raise_later(void *arg)
{
    (void)arg;
    gp_sleep_ms(50);
    gp_stop_raise();
}

TEST_F(Stop, RaiseFromAnotherThreadEndsABlockingWait)
{
    gp_thread *t = nullptr;

    ASSERT_EQ(gp_thread_start(&t, raise_later, nullptr, 0), GREET_OK);
    uint64_t start = gp_clock_ms();
    EXPECT_EQ(gp_stop_wait(GP_DEADLINE_NONE), GREET_OK);
    EXPECT_LT(gp_clock_ms() - start, 5000u);
    EXPECT_TRUE(gp_stop_requested());
    ASSERT_EQ(gp_thread_join(t), GREET_OK);
}

TEST_F(Stop, WaitWithoutRequestTimesOut)
{
    uint64_t start = gp_clock_ms();
    EXPECT_EQ(gp_stop_wait(gp_deadline_in(100)), GREET_ETIMEDOUT);
    EXPECT_GE(gp_clock_ms() - start, 90u);
    EXPECT_FALSE(gp_stop_requested());
}

TEST_F(Stop, PendingRequestEndsWaitAtOnceForEveryWaiter)
{
    gp_stop_raise();
    EXPECT_EQ(gp_stop_wait(gp_deadline_in(0)), GREET_OK);
    EXPECT_EQ(gp_stop_wait(GP_DEADLINE_NONE), GREET_OK);
}

struct Waiter {
    int rc = -1;
};

void wait_for_stop(void *arg)
{
    static_cast<Waiter *>(arg)->rc = gp_stop_wait(gp_deadline_in(10000));
}

TEST_F(Stop, OneRequestWakesEveryWaitingThread)
{
    Waiter w[3];
    gp_thread *t[3];

    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(gp_thread_start(&t[i], wait_for_stop, &w[i], 0), GREET_OK);
    }
    gp_sleep_ms(30); // let them block; a request that comes first must end their waits too
    gp_stop_raise();
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(gp_thread_join(t[i]), GREET_OK);
        EXPECT_EQ(w[i].rc, GREET_OK);
    }
}

TEST_F(Stop, ResetForgetsARequest)
{
    gp_stop_raise();
    ASSERT_TRUE(gp_stop_requested());
    gp_stop_reset();
    EXPECT_FALSE(gp_stop_requested());
    EXPECT_EQ(gp_stop_wait(gp_deadline_in(50)), GREET_ETIMEDOUT);
    gp_stop_raise();
    EXPECT_EQ(gp_stop_wait(gp_deadline_in(5000)), GREET_OK);
}

TEST_F(Stop, InstallIsIdempotent)
{
    EXPECT_EQ(gp_stop_install(), GREET_OK);
    EXPECT_EQ(gp_stop_install(), GREET_OK);
    EXPECT_FALSE(gp_stop_requested());
}

// Windows delivers Ctrl+C through the console control handler, not through raise(); the win32
// side tests that path its own way.
#if defined(SIGINT) && !defined(_WIN32)
void raise_signal_later(void *arg)
{
    gp_sleep_ms(50);
    std::raise(*static_cast<int *>(arg));
}

void expect_signal_ends_wait(int sig)
{
    gp_thread *t = nullptr;

    ASSERT_EQ(gp_stop_install(), GREET_OK);
    ASSERT_EQ(gp_thread_start(&t, raise_signal_later, &sig, 0), GREET_OK);
    uint64_t start = gp_clock_ms();
    EXPECT_EQ(gp_stop_wait(gp_deadline_in(10000)), GREET_OK);
    EXPECT_LT(gp_clock_ms() - start, 5000u);
    EXPECT_TRUE(gp_stop_requested());
    ASSERT_EQ(gp_thread_join(t), GREET_OK);
}

TEST_F(Stop, RealSigintEndsABlockingWait)
{
    expect_signal_ends_wait(SIGINT);
}

TEST_F(Stop, RealSigtermEndsABlockingWait)
{
    expect_signal_ends_wait(SIGTERM);
}
#endif

} // namespace
