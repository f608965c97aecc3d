#include "tests/unit/virtio/fake_driver_queue.h"

#include <gtest/gtest.h>

#include "tests/support/test_driver_ring.h"

namespace vmm::virtio::testing {

namespace {

// The rings as the test reaches them; a queue placed outside guest memory
// is the test's own mistake.
uint8_t* rings_in(const GuestMemory& memory, uint64_t base, const ::virtio::SplitRingLayout& layout) {
  auto rings = memory.host_pointer(base, layout.bytes);
  EXPECT_TRUE(rings.ok()) << "test put its rings outside guest memory";
  return rings.ok() ? *rings : nullptr;
}

}  // namespace

FakeDriverQueue::FakeDriverQueue(const GuestMemory& memory, uint16_t size, uint64_t base, bool event_idx)
    : memory_(memory) {
  ::virtio::SplitRingLayout layout = vmm::testing::test_ring_layout(base, size);
  ring_ = ::virtio::DriverRing(rings_in(memory, base, layout), base, layout, event_idx);
}

QueueLayout FakeDriverQueue::layout() const { return vmm::testing::queue_layout_of(ring_); }

uint16_t FakeDriverQueue::write_chain(const std::vector<Buffer>& buffers) {
  uint16_t head = ring_.write_chain(next_free_desc_, buffers.data(), static_cast<uint32_t>(buffers.size()));
  next_free_desc_ = static_cast<uint16_t>((head + buffers.size()) % size());
  return head;
}

void FakeDriverQueue::write_table(uint64_t gpa, const std::vector<VirtqDesc>& table) {
  for (size_t i = 0; i < table.size(); ++i)
    ASSERT_TRUE(memory_.write_obj(gpa + sizeof(VirtqDesc) * i, table[i]).ok()) << "test wrote outside guest memory";
}

void FakeDriverQueue::make_available(uint16_t head) {
  ring_.put_available(head);
  ring_.publish();
}

uint16_t FakeDriverQueue::add_chain(const std::vector<Buffer>& buffers) {
  uint16_t head = write_chain(buffers);
  make_available(head);
  return head;
}

void write_bytes(const GuestMemory& memory, uint64_t gpa, const std::vector<uint8_t>& bytes) {
  ASSERT_TRUE(memory.write(gpa, bytes).ok());
}

std::vector<uint8_t> read_bytes(const GuestMemory& memory, uint64_t gpa, size_t len) {
  std::vector<uint8_t> bytes(len);
  EXPECT_TRUE(memory.read(gpa, bytes).ok());
  return bytes;
}

}  // namespace vmm::virtio::testing
