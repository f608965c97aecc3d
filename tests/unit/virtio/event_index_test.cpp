// vring_need_event's arithmetic (virtio 1.2 §2.7.7.2, §2.7.10.2): the event
// index must lie in [old, new) modulo 2^16.
#include "virtio/spec.h"

#include <gtest/gtest.h>

namespace vmm::virtio {
namespace {

TEST(NeedEvent, TrueExactlyWhenTheEventIndexWasPassed) {
  EXPECT_TRUE(vring_need_event(0, 1, 0));
  EXPECT_FALSE(vring_need_event(1, 1, 0));   // entry 1 not yet used
  EXPECT_TRUE(vring_need_event(4, 7, 3));    // batch 3..6 includes 4
  EXPECT_TRUE(vring_need_event(6, 7, 3));
  EXPECT_FALSE(vring_need_event(7, 7, 3));
  EXPECT_FALSE(vring_need_event(2, 7, 3));   // already passed before this batch
  EXPECT_FALSE(vring_need_event(5, 5, 5));   // nothing moved
}

TEST(NeedEvent, HoldsAcrossTheSixteenBitWrap) {
  EXPECT_TRUE(vring_need_event(0xffff, 0x0002, 0xfffe));  // batch fffe, ffff, 0, 1
  EXPECT_TRUE(vring_need_event(0x0000, 0x0002, 0xfffe));
  EXPECT_TRUE(vring_need_event(0x0001, 0x0002, 0xfffe));
  EXPECT_FALSE(vring_need_event(0x0002, 0x0002, 0xfffe));
  EXPECT_FALSE(vring_need_event(0xfffd, 0x0002, 0xfffe));
  EXPECT_TRUE(vring_need_event(0xffff, 0x0000, 0xffff));  // the single step 0xffff -> 0
  EXPECT_FALSE(vring_need_event(0x0000, 0x0000, 0xffff));
}

}  // namespace
}  // namespace vmm::virtio
