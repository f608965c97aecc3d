// The adapter's queue of frames for the guest: order, capacity, and frames
// too long for the ring, which keep their place and only their length.
#include <gtest/gtest.h>

#include <vector>

#include "devices/shmem/held_frames.h"

namespace vmm {
namespace {

std::vector<uint8_t> bytes(size_t n, uint8_t fill) { return std::vector<uint8_t>(n, fill); }

TEST(HeldFrames, FirstInFirstOutAcrossTheWrap) {
  HeldFrames held(3);
  std::vector<uint8_t> buffer(shmem::kMaxFrameSize);
  uint8_t next_in = 0, next_out = 0;
  for (int round = 0; round < 10; ++round) {
    while (!held.full()) {
      ASSERT_TRUE(held.push(bytes(10 + next_in, next_in)));
      ++next_in;
    }
    EXPECT_FALSE(held.push(bytes(1, 0xff)));
    EXPECT_EQ(held.size(), 3u);
    for (int i = 0; i < 2; ++i, ++next_out) {
      ASSERT_EQ(held.pop(buffer), 10u + next_out);
      EXPECT_EQ(buffer[0], next_out);
      EXPECT_EQ(buffer[9 + next_out], next_out);
    }
  }
  while (!held.empty()) ASSERT_EQ(held.pop(buffer), 10u + next_out++);
  EXPECT_EQ(held.pop(buffer), 0u);
}

TEST(HeldFrames, AFrameTooLongKeepsItsPlaceButNotItsBytes) {
  HeldFrames held(4);
  std::vector<uint8_t> buffer(shmem::kMaxFrameSize);
  ASSERT_TRUE(held.push(bytes(60, 1)));
  ASSERT_TRUE(held.push(bytes(9000, 2)));
  ASSERT_TRUE(held.push(bytes(shmem::kMaxFrameSize, 3)));
  EXPECT_EQ(held.pop(buffer), 60u);
  EXPECT_EQ(held.pop(buffer), 9000u);  // above buffer.size(): discarded
  EXPECT_EQ(held.pop(buffer), shmem::kMaxFrameSize);
  EXPECT_EQ(buffer[shmem::kMaxFrameSize - 1], 3);
}

TEST(HeldFrames, ABufferTooSmallDiscardsTheFrame) {
  HeldFrames held(2);
  ASSERT_TRUE(held.push(bytes(100, 7)));
  std::vector<uint8_t> small(50, 0);
  EXPECT_GT(held.pop(small), small.size());
  EXPECT_EQ(small[0], 0);  // nothing written
  EXPECT_TRUE(held.empty());
}

}  // namespace
}  // namespace vmm
