// The adaptive policy's schedule as a pure function: spin, then PAUSE, then
// sleeps that grow but never exceed the configured maximum latency.
#include <gtest/gtest.h>

#include "devices/shmem/poll_policy.h"

namespace vmm {
namespace {

using namespace std::chrono_literals;
using Kind = IdleAction::Kind;

TEST(PollPolicy, BusyAlwaysSpins) {
  PollSettings busy{PollPolicy::kBusy, 100us};
  for (uint64_t n : {uint64_t{0}, uint64_t{1}, kSpinPolls, kSpinPolls + kPausePolls, uint64_t{1} << 40, UINT64_MAX})
    EXPECT_EQ(idle_action(busy, n).kind, Kind::kSpin) << n;
}

TEST(PollPolicy, AdaptiveSpinsThenPausesThenSleeps) {
  PollSettings adaptive{PollPolicy::kAdaptive, 100us};
  EXPECT_EQ(idle_action(adaptive, 0).kind, Kind::kSpin);
  EXPECT_EQ(idle_action(adaptive, kSpinPolls - 1).kind, Kind::kSpin);
  EXPECT_EQ(idle_action(adaptive, kSpinPolls).kind, Kind::kPause);
  EXPECT_EQ(idle_action(adaptive, kSpinPolls + kPausePolls - 1).kind, Kind::kPause);
  IdleAction first = idle_action(adaptive, kSpinPolls + kPausePolls);
  EXPECT_EQ(first.kind, Kind::kSleep);
  EXPECT_EQ(first.sleep, kFirstSleep);
  EXPECT_EQ(idle_action(adaptive, kSpinPolls + kPausePolls + 1).sleep, 2 * kFirstSleep);
}

TEST(PollPolicy, SleepsGrowToAndNeverPastTheMaximumLatency) {
  for (auto max : {std::chrono::nanoseconds(1us), std::chrono::nanoseconds(3us), std::chrono::nanoseconds(100us),
                   std::chrono::nanoseconds(1ms), std::chrono::nanoseconds(100ms)}) {
    PollSettings adaptive{PollPolicy::kAdaptive, max};
    std::chrono::nanoseconds previous{0};
    bool reached = false;
    for (uint64_t n = kSpinPolls + kPausePolls; n < kSpinPolls + kPausePolls + 100'000; ++n) {
      IdleAction a = idle_action(adaptive, n);
      ASSERT_EQ(a.kind, Kind::kSleep);
      ASSERT_LE(a.sleep, max) << n;
      ASSERT_GE(a.sleep, previous) << n;
      ASSERT_GT(a.sleep.count(), 0);
      previous = a.sleep;
      reached |= a.sleep == max;
    }
    EXPECT_TRUE(reached) << max.count();
    for (uint64_t n : {uint64_t{1} << 32, uint64_t{1} << 63, UINT64_MAX - 1, UINT64_MAX})
      EXPECT_EQ(idle_action(adaptive, n).sleep, max) << n;
  }
}

TEST(PollPolicy, OutOfRangeLatencyIsClamped) {
  EXPECT_EQ(idle_action({PollPolicy::kAdaptive, 0ns}, UINT64_MAX).sleep, 1ns);
  EXPECT_EQ(idle_action({PollPolicy::kAdaptive, -5ms}, UINT64_MAX).sleep, 1ns);
  EXPECT_EQ(idle_action({PollPolicy::kAdaptive, 10s}, UINT64_MAX).sleep, kMaxMaxLatency);
}

}  // namespace
}  // namespace vmm
