// Reading descriptor chains a hostile driver wrote: indirect tables, and
// every broken rule that must stop the queue (an Error) instead of crashing,
// hanging or reaching outside guest memory.
#include "virtio/queue/descriptor_chain.h"

#include <gtest/gtest.h>

#include "tests/unit/virtio/fake_driver_queue.h"
#include "virtio/queue/virtqueue.h"
#include "virtio/spec.h"

namespace vmm::virtio {
namespace {

using testing::FakeDriverQueue;

using testing::kRingBase;
constexpr uint64_t kTable = 0x80000;  // indirect tables
using testing::kData;
constexpr uint64_t kMemory = 4 << 20;

class DescriptorChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto memory = GuestMemory::create(kMemory);
    ASSERT_TRUE(memory.ok());
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
    driver_ = std::make_unique<FakeDriverQueue>(*memory_, 16, kRingBase);
  }

  // Makes `head` available and pops it with the given features.
  Result<bool> pop(uint16_t head, uint64_t features = kFeatureIndirectDesc) {
    auto queue = Virtqueue::create(*memory_, driver_->layout(), 256, features);
    EXPECT_TRUE(queue.ok());
    driver_->set_avail_idx(0);  // each pop starts a fresh queue at entry 0
    driver_->make_available(head);
    return queue->pop(chain_);
  }

  // The error message of popping `head`, or "(no error)".
  std::string error_of(uint16_t head, uint64_t features = kFeatureIndirectDesc) {
    auto popped = pop(head, features);
    return popped.ok() ? "(no error)" : popped.error().message;
  }

  void desc(uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next = 0) {
    driver_->set_descriptor(index, VirtqDesc{addr, len, flags, next});
  }

  std::unique_ptr<GuestMemory> memory_;
  std::unique_ptr<FakeDriverQueue> driver_;
  DescriptorChain chain_;
};

#define EXPECT_ERROR_CONTAINS(message, text) \
  EXPECT_NE((message).find(text), std::string::npos) << (message)

TEST_F(DescriptorChainTest, IndirectTableIsFollowed) {
  driver_->write_table(kTable, {{kData, 12, kDescNext, 1},
                                {kData + 0x100, 1000, kDescNext, 2},
                                {kData + 0x1000, 1500, kDescWrite, 0}});
  desc(3, kTable, 3 * 16, kDescIndirect);
  auto popped = pop(3);
  ASSERT_TRUE(popped.ok()) << popped.error().message;
  EXPECT_EQ(chain_.head, 3);
  EXPECT_EQ(chain_.readable.size(), 2u);
  EXPECT_EQ(chain_.readable_bytes, 1012u);
  ASSERT_EQ(chain_.writable.size(), 1u);
  EXPECT_EQ(chain_.writable[0].gpa, kData + 0x1000);
}

TEST_F(DescriptorChainTest, DirectDescriptorsMayPrecedeOneIndirect) {
  // virtio 1.2 §2.7.5.3.2: "zero or more normal chained descriptors followed
  // by a single descriptor with flags&VIRTQ_DESC_F_INDIRECT".
  driver_->write_table(kTable, {{kData + 0x1000, 100, kDescWrite, 0}});
  desc(0, kData, 12, kDescNext, 1);
  desc(1, kTable, 16, kDescIndirect);
  auto popped = pop(0);
  ASSERT_TRUE(popped.ok()) << popped.error().message;
  EXPECT_EQ(chain_.readable_bytes, 12u);
  EXPECT_EQ(chain_.writable_bytes, 100u);
}

TEST_F(DescriptorChainTest, ZeroLengthDescriptorsAreSkipped) {
  desc(0, kData, 0, kDescNext, 1);
  desc(1, kData, 8, 0);
  ASSERT_TRUE(pop(0).ok());
  EXPECT_EQ(chain_.readable.size(), 1u);
}

TEST_F(DescriptorChainTest, LoopIsAnError) {
  desc(0, kData, 8, kDescNext, 1);
  desc(1, kData, 8, kDescNext, 0);
  EXPECT_ERROR_CONTAINS(error_of(0), "a loop");
}

TEST_F(DescriptorChainTest, SelfLoopIsAnError) {
  desc(5, kData, 8, kDescNext, 5);
  EXPECT_ERROR_CONTAINS(error_of(5), "a loop");
}

TEST_F(DescriptorChainTest, LoopInsideAnIndirectTableIsAnError) {
  driver_->write_table(kTable, {{kData, 8, kDescNext, 1}, {kData, 8, kDescNext, 0}});
  desc(0, kTable, 32, kDescIndirect);
  EXPECT_ERROR_CONTAINS(error_of(0), "a loop");
}

TEST_F(DescriptorChainTest, NextOutsideTheTableIsAnError) {
  desc(0, kData, 8, kDescNext, 16);
  EXPECT_ERROR_CONTAINS(error_of(0), "next index 16");
}

TEST_F(DescriptorChainTest, BufferOutsideGuestMemoryIsAnError) {
  desc(0, kMemory - 4, 8, 0);  // straddles the end of RAM
  EXPECT_ERROR_CONTAINS(error_of(0), "outside guest memory");
  desc(1, 0xfec00000, 4, 0);   // the IOAPIC, not RAM
  EXPECT_ERROR_CONTAINS(error_of(1), "outside guest memory");
}

TEST_F(DescriptorChainTest, AddressPlusLengthWrappingIsAnError) {
  desc(0, 0xfffffffffffff000ull, 0x2000, 0);
  EXPECT_ERROR_CONTAINS(error_of(0), "outside guest memory");
}

TEST_F(DescriptorChainTest, ChainOfFourGibibytesOrMoreIsAnError) {
  // Each buffer is in guest memory; together they exceed what a 32-bit used
  // length can describe (virtio 1.2 §2.7.5.2). An indirect table of 4097
  // one-MiB descriptors over the same buffer needs a queue of 8192.
  FakeDriverQueue big(*memory_, 8192, kRingBase);
  std::vector<VirtqDesc> table;
  for (uint16_t i = 0; i < 4097; ++i) table.push_back({kData, 1 << 20, kDescNext, uint16_t(i + 1)});
  table.back().flags = 0;
  big.write_table(0x200000, table);
  big.set_descriptor(0, VirtqDesc{0x200000, uint32_t(table.size() * 16), kDescIndirect, 0});
  big.make_available(0);
  auto queue = Virtqueue::create(*memory_, big.layout(), 8192, kFeatureIndirectDesc);
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  auto popped = queue->pop(chain_);
  ASSERT_FALSE(popped.ok());
  EXPECT_ERROR_CONTAINS(popped.error().message, "4 GiB");
}

TEST_F(DescriptorChainTest, ReadableAfterWritableIsAnError) {
  desc(0, kData, 8, kDescWrite | kDescNext, 1);
  desc(1, kData, 8, 0);
  EXPECT_ERROR_CONTAINS(error_of(0), "device-readable buffer after a device-writable one");
}

TEST_F(DescriptorChainTest, IndirectInsideIndirectIsAnError) {
  driver_->write_table(kTable + 0x100, {{kData, 8, 0, 0}});
  driver_->write_table(kTable, {{kTable + 0x100, 16, kDescIndirect, 0}});
  desc(0, kTable, 16, kDescIndirect);
  EXPECT_ERROR_CONTAINS(error_of(0), "indirect table inside an indirect table");
}

TEST_F(DescriptorChainTest, IndirectWithBadLengthIsAnError) {
  desc(0, kTable, 0, kDescIndirect);
  EXPECT_ERROR_CONTAINS(error_of(0), "not a non-zero multiple of 16");
  desc(1, kTable, 24, kDescIndirect);
  EXPECT_ERROR_CONTAINS(error_of(1), "not a non-zero multiple of 16");
  desc(2, kTable, 16 * 17, kDescIndirect);  // more entries than the queue of 16 allows
  EXPECT_ERROR_CONTAINS(error_of(2), "exceeds the queue size 16");
}

TEST_F(DescriptorChainTest, IndirectTableOutsideGuestMemoryIsAnError) {
  desc(0, kMemory - 16, 32, kDescIndirect);
  EXPECT_ERROR_CONTAINS(error_of(0), "indirect table");
}

TEST_F(DescriptorChainTest, IndirectWithNextIsAnError) {
  driver_->write_table(kTable, {{kData, 8, 0, 0}});
  desc(0, kTable, 16, kDescIndirect | kDescNext, 1);
  EXPECT_ERROR_CONTAINS(error_of(0), "INDIRECT together with NEXT");
}

TEST_F(DescriptorChainTest, IndirectWithoutTheFeatureIsAnError) {
  driver_->write_table(kTable, {{kData, 8, 0, 0}});
  desc(0, kTable, 16, kDescIndirect);
  EXPECT_ERROR_CONTAINS(error_of(0, 0), "without VIRTIO_F_INDIRECT_DESC");
}

}  // namespace
}  // namespace vmm::virtio
