// The driver's side of one split virtqueue, written by hand into fake guest
// memory: tests build descriptor chains (well-formed or hostile), make them
// available, and read back what the device put in the used ring.
#pragma once

#include <cstdint>
#include <vector>

#include "virtio/queue/queue_layout.h"
#include "virtio/spec.h"
#include "hv/memory/guest_memory.h"

namespace vmm::virtio::testing {

// Where the queue tests put the rings and the buffers in their fake guest
// memory: apart, and inside the few MiB the tests allocate.
inline constexpr uint64_t kRingBase = 0x10000;
inline constexpr uint64_t kData = 0x100000;

struct Buffer {
  uint64_t gpa;
  uint32_t len;
  bool device_writable;
};

class FakeDriverQueue {
 public:
  // The descriptor table at `base`, the available ring after it, the used
  // ring after that, each aligned as virtio 1.2 §2.7 requires.
  FakeDriverQueue(const GuestMemory& memory, uint16_t size, uint64_t base);

  QueueLayout layout() const { return layout_; }
  uint16_t size() const { return size_; }

  void set_descriptor(uint16_t index, const VirtqDesc& desc);
  // Writes `buffers` as a chain into the next free descriptor slots; returns
  // the head index.
  uint16_t write_chain(const std::vector<Buffer>& buffers);
  // Writes an indirect table at `gpa` (the NEXT links are the caller's).
  void write_table(uint64_t gpa, const std::vector<VirtqDesc>& table);
  // Puts `head` in the next available ring entry and publishes the index.
  void make_available(uint16_t head);
  uint16_t add_chain(const std::vector<Buffer>& buffers);  // write_chain + make_available

  void set_avail_idx(uint16_t idx);
  uint16_t avail_idx() const { return avail_idx_; }
  void set_avail_flags(uint16_t flags);
  void set_used_event(uint16_t idx);

  uint16_t used_idx() const;
  VirtqUsedElem used_elem(uint16_t ring_position) const;  // position = idx modulo size
  uint16_t used_flags() const;
  uint16_t avail_event() const;

 private:
  const GuestMemory& memory_;
  uint16_t size_;
  QueueLayout layout_;
  uint16_t next_free_desc_ = 0;
  uint16_t avail_idx_ = 0;
};

// Fills guest memory at `gpa` with `bytes`, and reads it back.
void write_bytes(const GuestMemory& memory, uint64_t gpa, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> read_bytes(const GuestMemory& memory, uint64_t gpa, size_t len);

}  // namespace vmm::virtio::testing
