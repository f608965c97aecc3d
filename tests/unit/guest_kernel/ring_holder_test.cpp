// Who holds shm0's rings (guest/dev/shm/ring_holder.h): the kernel, or one
// user process at a time until it ends (shm_take(2), issue 18). The kernel
// calls give_back from its process-end hook, which runs for a normal exit
// and for a crash alike (guest/proc/process.h); the integration test
// ShmemNet.Shm0RingsGoToOneProcessAtATimeAndComeBackAfterItsEndOrCrash runs
// both under KVM.
#include "guest/dev/shm/ring_holder.h"

#include <gtest/gtest.h>

namespace shm {
namespace {

TEST(RingHolder, TheKernelHoldsTheRingsUntilAProcessTakesThem) {
  RingHolder holder;
  EXPECT_FALSE(holder.held_by_process());
  EXPECT_EQ(holder.take(7), RingHolder::Take::kTaken);
  EXPECT_TRUE(holder.held_by_process());
  EXPECT_EQ(holder.holder(), 7u);
}

TEST(RingHolder, ASecondTakerIsRefusedTheHolderItselfIncluded) {
  RingHolder holder;
  ASSERT_EQ(holder.take(7), RingHolder::Take::kTaken);
  EXPECT_EQ(holder.take(8), RingHolder::Take::kBusy);
  EXPECT_EQ(holder.take(7), RingHolder::Take::kBusy);
  EXPECT_EQ(holder.holder(), 7u);
}

TEST(RingHolder, TheEndOfAnotherProcessLeavesTheHolderAlone) {
  RingHolder holder;
  ASSERT_EQ(holder.take(7), RingHolder::Take::kTaken);
  EXPECT_FALSE(holder.give_back(8));
  EXPECT_EQ(holder.holder(), 7u);
}

TEST(RingHolder, TheHoldersEndGivesTheRingsBackForTheNextTaker) {
  RingHolder holder;
  ASSERT_EQ(holder.take(7), RingHolder::Take::kTaken);
  EXPECT_TRUE(holder.give_back(7));
  EXPECT_FALSE(holder.held_by_process());
  EXPECT_FALSE(holder.give_back(7));  // once
  EXPECT_EQ(holder.take(9), RingHolder::Take::kTaken);
}

TEST(RingHolder, NoProcessIdZeroTakesOrGivesBack) {
  RingHolder holder;
  EXPECT_EQ(holder.take(RingHolder::kKernel), RingHolder::Take::kNoProcess);
  EXPECT_FALSE(holder.held_by_process());
  EXPECT_FALSE(holder.give_back(RingHolder::kKernel));
}

}  // namespace
}  // namespace shm
