#include "tests/unit/virtio/fake_driver_queue.h"

#include <gtest/gtest.h>

namespace vmm::virtio::testing {

namespace {

uint64_t align_up(uint64_t v, uint64_t align) { return (v + align - 1) / align * align; }

template <typename T>
void put(const GuestMemory& memory, uint64_t gpa, const T& value) {
  ASSERT_TRUE(memory.write_obj(gpa, value).ok()) << "test wrote outside guest memory";
}

template <typename T>
T get(const GuestMemory& memory, uint64_t gpa) {
  auto value = memory.read_obj<T>(gpa);
  EXPECT_TRUE(value.ok());
  return value.ok() ? *value : T{};
}

}  // namespace

FakeDriverQueue::FakeDriverQueue(const GuestMemory& memory, uint16_t size, uint64_t base)
    : memory_(memory), size_(size) {
  layout_.size = size;
  layout_.desc_gpa = base;
  layout_.avail_gpa = align_up(base + desc_table_bytes(size), kAvailRingAlign);
  layout_.used_gpa = align_up(layout_.avail_gpa + avail_ring_bytes(size), 4096);
}

void FakeDriverQueue::set_descriptor(uint16_t index, const VirtqDesc& desc) {
  put(memory_, layout_.desc_gpa + sizeof(VirtqDesc) * index, desc);
}

uint16_t FakeDriverQueue::write_chain(const std::vector<Buffer>& buffers) {
  uint16_t head = next_free_desc_;
  for (size_t i = 0; i < buffers.size(); ++i) {
    uint16_t index = static_cast<uint16_t>((head + i) % size_);
    uint16_t next = static_cast<uint16_t>((index + 1) % size_);
    uint16_t flags = (buffers[i].device_writable ? kDescWrite : 0) |
                     (i + 1 < buffers.size() ? kDescNext : 0);
    set_descriptor(index, VirtqDesc{buffers[i].gpa, buffers[i].len, flags, next});
  }
  next_free_desc_ = static_cast<uint16_t>((head + buffers.size()) % size_);
  return head;
}

void FakeDriverQueue::write_table(uint64_t gpa, const std::vector<VirtqDesc>& table) {
  for (size_t i = 0; i < table.size(); ++i) put(memory_, gpa + sizeof(VirtqDesc) * i, table[i]);
}

void FakeDriverQueue::make_available(uint16_t head) {
  put(memory_, layout_.avail_gpa + avail_entry_offset(avail_idx_ % size_), head);
  set_avail_idx(static_cast<uint16_t>(avail_idx_ + 1));
}

uint16_t FakeDriverQueue::add_chain(const std::vector<Buffer>& buffers) {
  uint16_t head = write_chain(buffers);
  make_available(head);
  return head;
}

void FakeDriverQueue::set_avail_idx(uint16_t idx) {
  avail_idx_ = idx;
  put(memory_, layout_.avail_gpa + kRingIdxOffset, idx);
}

void FakeDriverQueue::set_avail_flags(uint16_t flags) {
  put(memory_, layout_.avail_gpa + kRingFlagsOffset, flags);
}

void FakeDriverQueue::set_used_event(uint16_t idx) {
  put(memory_, layout_.avail_gpa + used_event_offset(size_), idx);
}

uint16_t FakeDriverQueue::used_idx() const {
  return get<uint16_t>(memory_, layout_.used_gpa + kRingIdxOffset);
}

VirtqUsedElem FakeDriverQueue::used_elem(uint16_t ring_position) const {
  return get<VirtqUsedElem>(memory_, layout_.used_gpa + used_entry_offset(ring_position % size_));
}

uint16_t FakeDriverQueue::used_flags() const {
  return get<uint16_t>(memory_, layout_.used_gpa + kRingFlagsOffset);
}

uint16_t FakeDriverQueue::avail_event() const {
  return get<uint16_t>(memory_, layout_.used_gpa + avail_event_offset(size_));
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
