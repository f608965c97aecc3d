// The device side of a split virtqueue over rings crafted in fake guest
// memory: taking and returning chains, 16-bit index wrap-around, and both
// kinds of notification suppression with and without VIRTIO_F_EVENT_IDX.
#include "virtio/queue/virtqueue.h"

#include <gtest/gtest.h>

#include "tests/unit/virtio/fake_driver_queue.h"
#include "virtio/spec.h"

namespace vmm::virtio {
namespace {

using testing::Buffer;
using testing::FakeDriverQueue;

using testing::kRingBase;
using testing::kData;

class VirtqueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto memory = GuestMemory::create(4 << 20);
    ASSERT_TRUE(memory.ok());
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
  }

  Virtqueue make_queue(FakeDriverQueue& driver, uint64_t features) {
    auto queue = Virtqueue::create(*memory_, driver.layout(), 256, features);
    EXPECT_TRUE(queue.ok()) << queue.error().message;
    return std::move(*queue);
  }

  // Takes one chain, returns it used with `written` bytes, publishes.
  bool round_trip(FakeDriverQueue& driver, Virtqueue& queue, uint32_t written = 0) {
    driver.add_chain({{kData, 64, true}});
    DescriptorChain chain;
    auto popped = queue.pop(chain);
    EXPECT_TRUE(popped.ok() && *popped);
    queue.push_used(chain.head, written);
    return queue.publish_used();
  }

  std::unique_ptr<GuestMemory> memory_;
};

TEST_F(VirtqueueTest, TakesChainsInOrderWithReadableThenWritableSegments) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  uint16_t first = driver.add_chain({{kData, 12, false}, {kData + 0x100, 100, false}});
  uint16_t second = driver.add_chain({{kData + 0x1000, 10, false}, {kData + 0x2000, 2000, true}});
  DescriptorChain chain;
  ASSERT_TRUE(*queue.pop(chain));
  EXPECT_EQ(chain.head, first);
  ASSERT_EQ(chain.readable.size(), 2u);
  EXPECT_EQ(chain.readable[1].gpa, kData + 0x100);
  EXPECT_EQ(chain.readable_bytes, 112u);
  EXPECT_TRUE(chain.writable.empty());
  ASSERT_TRUE(*queue.pop(chain));
  EXPECT_EQ(chain.head, second);
  EXPECT_EQ(chain.readable_bytes, 10u);
  EXPECT_EQ(chain.writable_bytes, 2000u);
  auto empty = queue.pop(chain);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);
}

TEST_F(VirtqueueTest, UsedRingGetsHeadAndLengthOnlyWhenPublished) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  driver.add_chain({{kData, 64, true}});
  uint16_t head = driver.add_chain({{kData + 64, 64, true}});
  DescriptorChain chain;
  ASSERT_TRUE(*queue.pop(chain));
  ASSERT_TRUE(*queue.pop(chain));
  queue.push_used(chain.head, 33);
  EXPECT_EQ(driver.used_idx(), 0);  // not yet visible
  EXPECT_TRUE(queue.publish_used());
  EXPECT_EQ(driver.used_idx(), 1);
  EXPECT_EQ(driver.used_elem(0).id, head);
  EXPECT_EQ(driver.used_elem(0).len, 33u);
}

TEST_F(VirtqueueTest, UnpopGivesChainsBackInOrder) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  uint16_t first = driver.add_chain({{kData, 64, true}});
  driver.add_chain({{kData + 64, 64, true}});
  DescriptorChain chain;
  ASSERT_TRUE(*queue.pop(chain));
  ASSERT_TRUE(*queue.pop(chain));
  queue.unpop(2);
  ASSERT_TRUE(*queue.pop(chain));
  EXPECT_EQ(chain.head, first);
}

TEST_F(VirtqueueTest, IndicesWrapAroundSixteenBits) {
  FakeDriverQueue driver(*memory_, 4, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  constexpr uint32_t kRounds = 65536 + 5;
  for (uint32_t i = 0; i < kRounds; ++i) round_trip(driver, queue, i & 0xff);
  EXPECT_EQ(driver.avail_idx(), static_cast<uint16_t>(kRounds));
  EXPECT_EQ(driver.used_idx(), static_cast<uint16_t>(kRounds));
  EXPECT_EQ(queue.next_avail_idx(), static_cast<uint16_t>(kRounds));
  // The last used element sits at ring position (kRounds - 1) mod 4.
  EXPECT_EQ(driver.used_elem(static_cast<uint16_t>(kRounds - 1)).len, (kRounds - 1) & 0xff);
}

TEST_F(VirtqueueTest, AvailIndexJumpingMoreThanQueueSizeIsAnError) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  driver.set_avail_idx(9);
  DescriptorChain chain;
  auto popped = queue.pop(chain);
  ASSERT_FALSE(popped.ok());
  EXPECT_NE(popped.error().message.find("more than the queue size 8"), std::string::npos);
}

TEST_F(VirtqueueTest, AvailIndexJumpAcrossWrapIsMeasuredModulo16Bits) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  driver.set_avail_idx(0xffff);  // "-1": 65535 entries ahead, not one behind
  DescriptorChain chain;
  EXPECT_FALSE(queue.pop(chain).ok());
}

TEST_F(VirtqueueTest, HeadIndexOutsideTheQueueIsAnError) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  driver.make_available(8);
  DescriptorChain chain;
  auto popped = queue.pop(chain);
  ASSERT_FALSE(popped.ok());
  EXPECT_NE(popped.error().message.find("head 8"), std::string::npos);
}

// ---- device -> driver: used buffer notifications (virtio 1.2 §2.7.7) ----

TEST_F(VirtqueueTest, WithoutEventIdxNoInterruptFlagSuppresses) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  EXPECT_TRUE(round_trip(driver, queue));
  driver.set_avail_flags(kAvailNoInterrupt);
  EXPECT_FALSE(round_trip(driver, queue));
  driver.set_avail_flags(0);
  EXPECT_TRUE(round_trip(driver, queue));
}

TEST_F(VirtqueueTest, PublishingNothingNeverInterrupts) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  EXPECT_FALSE(queue.publish_used());
}

TEST_F(VirtqueueTest, EventIdxInterruptsExactlyWhenUsedIdxPassesUsedEvent) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, kFeatureEventIdx);
  driver.set_avail_flags(kAvailNoInterrupt);  // ignored with EVENT_IDX (§2.7.7.2)
  driver.set_used_event(0);
  EXPECT_TRUE(round_trip(driver, queue));   // used idx 0 -> 1 passes 0
  EXPECT_FALSE(round_trip(driver, queue));  // 1 -> 2: used_event 0 already passed
  driver.set_used_event(3);
  EXPECT_FALSE(round_trip(driver, queue));  // 2 -> 3: entry 3 not yet used
  EXPECT_TRUE(round_trip(driver, queue));   // 3 -> 4
  // A batch: 4 -> 7 passes used_event 5 once.
  driver.set_used_event(5);
  DescriptorChain chain;
  for (int i = 0; i < 3; ++i) {
    driver.add_chain({{kData, 64, true}});
    ASSERT_TRUE(*queue.pop(chain));
    queue.push_used(chain.head, 0);
  }
  EXPECT_TRUE(queue.publish_used());
}

TEST_F(VirtqueueTest, EventIdxThresholdAcrossTheWrap) {
  FakeDriverQueue driver(*memory_, 4, kRingBase);
  Virtqueue queue = make_queue(driver, kFeatureEventIdx);
  driver.set_used_event(0x7fff);  // passed once on the way; results ignored
  for (uint32_t i = 0; i < 0xfffe; ++i) round_trip(driver, queue);
  EXPECT_EQ(driver.used_idx(), 0xfffe);
  driver.set_used_event(0xffff);            // the last entry before the wrap
  EXPECT_FALSE(round_trip(driver, queue));  // uses entry 0xfffe: idx -> 0xffff
  EXPECT_TRUE(round_trip(driver, queue));   // uses entry 0xffff: idx wraps to 0
  driver.set_used_event(0x0000);            // the first entry after it
  EXPECT_TRUE(round_trip(driver, queue));   // uses entry 0: idx -> 1
  EXPECT_FALSE(round_trip(driver, queue));
}

// ---- driver -> device: available buffer notifications (§2.7.10) ----

TEST_F(VirtqueueTest, EventIdxEnableWritesAvailEventAtTheDriversIndex) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, kFeatureEventIdx);
  driver.add_chain({{kData, 64, true}});
  driver.add_chain({{kData, 64, true}});
  DescriptorChain chain;
  ASSERT_TRUE(*queue.pop(chain));
  uint16_t seen = queue.enable_notifications();
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(driver.avail_event(), 2);  // notify when entry 2 is made available
  EXPECT_TRUE(queue.has_available());  // one chain still pending
  EXPECT_FALSE(queue.avail_moved_since(seen));
  driver.add_chain({{kData, 64, true}});
  EXPECT_TRUE(queue.avail_moved_since(seen));
}

TEST_F(VirtqueueTest, WithoutEventIdxNotificationsToggleUsedFlags) {
  FakeDriverQueue driver(*memory_, 8, kRingBase);
  Virtqueue queue = make_queue(driver, 0);
  queue.disable_notifications();
  EXPECT_EQ(driver.used_flags(), kUsedNoNotify);
  queue.enable_notifications();
  EXPECT_EQ(driver.used_flags(), 0);
  EXPECT_EQ(driver.avail_event(), 0);  // untouched without EVENT_IDX
}

}  // namespace
}  // namespace vmm::virtio
