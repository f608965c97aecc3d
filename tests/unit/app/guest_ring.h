// The driver's side of one split virtqueue in the mocked guest's RAM: the
// abi driver ring (abi/virtio/driver_ring.h, the bundled guest's) over the
// RAM the script reaches directly. The script writes descriptors,
// well-formed or hostile, makes chains available and watches the used ring.
#pragma once

#include <cstdint>

#include "abi/virtio/driver_ring.h"
#include "tests/support/test_driver_ring.h"
#include "tests/unit/app/guest_ram.h"
#include "virtio/queue/queue_layout.h"
#include "virtio/spec.h"

namespace vmm::testing {

class GuestRing {
 public:
  // Descriptor table at `base` (16-aligned), available ring after it, used
  // ring on the next 4 KiB boundary.
  GuestRing(GuestRam ram, uint16_t size, uint64_t base) {
    ::virtio::SplitRingLayout layout = test_ring_layout(base, size);
    ring_ = ::virtio::DriverRing(ram.pointer(base, layout.bytes), base, layout, false);
  }

  virtio::QueueLayout layout() const { return queue_layout_of(ring_); }
  uint16_t size() const { return ring_.size(); }

  void set_descriptor(uint16_t index, const virtio::VirtqDesc& desc) const { ring_.write_descriptor(index, desc); }
  // Puts `head` in the next available entry, then publishes the index.
  void make_available(uint16_t head) {
    ring_.put_available(head);
    ring_.publish();
  }
  uint16_t avail_idx() const { return ring_.avail_idx(); }
  uint16_t used_idx() const { return ring_.used_idx(); }
  virtio::VirtqUsedElem used_elem(uint16_t position) const { return ring_.used_elem(position); }

 private:
  ::virtio::DriverRing ring_;
};

}  // namespace vmm::testing
