// The log-once set is bounded whatever keys a guest makes the VMM use
// (issue 15): a register offset in every key is a key per offset.
#include "hv/core/log_once.h"

#include <gtest/gtest.h>

#include <string>

namespace vmm::virtio {
namespace {

TEST(LogOnce, EachKeyOnce) {
  LogOnce log;
  EXPECT_TRUE(log.first_time("width"));
  EXPECT_FALSE(log.first_time("width"));
  EXPECT_TRUE(log.first_time("notify"));
}

TEST(LogOnce, EndlesslyNewKeysAreRememberedOnlyUpToTheBound) {
  LogOnce log;
  size_t logged = 0;
  for (int i = 0; i < 100000; ++i) logged += log.first_time("read " + std::to_string(i));
  EXPECT_EQ(logged, LogOnce::kMaxKeys);
  EXPECT_FALSE(log.first_time("read 0"));       // remembered: still once
  EXPECT_FALSE(log.first_time("a new mistake"));  // past the bound: not logged
}

}  // namespace
}  // namespace vmm::virtio
