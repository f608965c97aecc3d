#include <gtest/gtest.h>

#include "guest/net/tcp_reassembly.h"

namespace net {
namespace {

TEST(Reassembly, MergesOverlappingAndAdjacentRanges) {
  Reassembly r;
  EXPECT_TRUE(r.add(100, 200));
  EXPECT_TRUE(r.add(300, 400));
  EXPECT_EQ(r.count(), 2);
  EXPECT_TRUE(r.add(200, 300));  // adjacent to both
  ASSERT_EQ(r.count(), 1);
  EXPECT_EQ(r.begin(0), 100u);
  EXPECT_EQ(r.end(0), 400u);
  EXPECT_TRUE(r.add(150, 450));  // overlap
  EXPECT_EQ(r.end(0), 450u);
}

TEST(Reassembly, TakeContiguousAdvancesOverFilledHoles) {
  Reassembly r;
  r.add(10, 20);
  r.add(30, 40);
  EXPECT_EQ(r.take_contiguous(5), 5u);  // hole at 5..10 remains
  EXPECT_EQ(r.take_contiguous(10), 20u);
  EXPECT_EQ(r.count(), 1);
  EXPECT_EQ(r.take_contiguous(35), 40u);  // partly covered range
  EXPECT_TRUE(r.empty());
}

TEST(Reassembly, BoundedNumberOfRanges) {
  Reassembly r;
  for (int i = 0; i < Reassembly::kMaxRanges; ++i) EXPECT_TRUE(r.add(i * 10, i * 10 + 5));
  EXPECT_FALSE(r.add(1000, 1005));     // would need a new range
  EXPECT_TRUE(r.add(5, 10));           // merges two: fits
  EXPECT_EQ(r.count(), Reassembly::kMaxRanges - 1);
}

TEST(Reassembly, WorksAcrossSequenceWrap) {
  Reassembly r;
  uint32_t base = 0xfffffff0u;
  EXPECT_TRUE(r.add(base + 0x20, base + 0x30));  // past the wrap
  EXPECT_TRUE(r.add(base + 0x08, base + 0x18));
  EXPECT_EQ(r.begin(0), base + 0x08);  // ordered by sequence, not by value
  EXPECT_EQ(r.take_contiguous(base + 0x08), base + 0x18);
  EXPECT_EQ(r.take_contiguous(base + 0x20), base + 0x30);
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace net
