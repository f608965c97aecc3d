// The driver's side of one split virtqueue in fake guest memory: the abi
// driver ring (abi/virtio/driver_ring.h, the bundled guest's) over the
// GuestMemory the device reads. Tests build descriptor chains (well-formed
// or hostile), make them available, and read back what the device put in
// the used ring.
#pragma once

#include <cstdint>
#include <vector>

#include "abi/virtio/driver_ring.h"
#include "hv/memory/guest_memory.h"
#include "virtio/queue/queue_layout.h"
#include "virtio/spec.h"

namespace vmm::virtio::testing {

// Where the queue tests put the rings and the buffers in their fake guest
// memory: apart, and inside the few MiB the tests allocate.
inline constexpr uint64_t kRingBase = 0x10000;
inline constexpr uint64_t kData = 0x100000;

// {gpa, len, device_writable}
using Buffer = ::virtio::ChainBuffer;

class FakeDriverQueue {
 public:
  // The descriptor table at `base`, the available ring after it, the used
  // ring on the next 4 KiB boundary, each aligned as virtio 1.2 §2.7 requires.
  // `event_idx`: the driver negotiated VIRTIO_F_EVENT_IDX (needs_notify).
  FakeDriverQueue(const GuestMemory& memory, uint16_t size, uint64_t base, bool event_idx = false);

  QueueLayout layout() const;
  uint16_t size() const { return ring_.size(); }
  ::virtio::DriverRing& ring() { return ring_; }
  const ::virtio::DriverRing& ring() const { return ring_; }

  void set_descriptor(uint16_t index, const VirtqDesc& desc) { ring_.write_descriptor(index, desc); }
  // Writes `buffers` as a chain into the next free descriptor slots; returns
  // the head index.
  uint16_t write_chain(const std::vector<Buffer>& buffers);
  // Writes an indirect table at `gpa` (the NEXT links are the caller's).
  void write_table(uint64_t gpa, const std::vector<VirtqDesc>& table);
  // Puts `head` in the next available ring entry and publishes the index.
  void make_available(uint16_t head);
  uint16_t add_chain(const std::vector<Buffer>& buffers);  // write_chain + make_available

  void set_avail_idx(uint16_t idx) { ring_.set_avail_idx(idx); }
  uint16_t avail_idx() const { return ring_.avail_idx(); }
  void set_avail_flags(uint16_t flags) { ring_.set_avail_flags(flags); }
  void set_used_event(uint16_t idx) { ring_.set_used_event(idx); }

  uint16_t used_idx() const { return ring_.used_idx(); }
  VirtqUsedElem used_elem(uint16_t ring_position) const { return ring_.used_elem(ring_position); }
  uint16_t used_flags() const { return ring_.used_flags(); }
  uint16_t avail_event() const { return ring_.avail_event(); }

 private:
  const GuestMemory& memory_;
  ::virtio::DriverRing ring_;
  uint16_t next_free_desc_ = 0;
};

// Fills guest memory at `gpa` with `bytes`, and reads it back.
void write_bytes(const GuestMemory& memory, uint64_t gpa, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> read_bytes(const GuestMemory& memory, uint64_t gpa, size_t len);

}  // namespace vmm::virtio::testing
