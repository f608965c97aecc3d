// The driver's side of one split virtqueue in the mocked guest's RAM (virtio
// 1.2 §2.7): the script writes descriptors, well-formed or hostile, makes
// chains available and watches the used ring.
#pragma once

#include <cstdint>

#include "tests/unit/app/guest_ram.h"
#include "virtio/queue/queue_layout.h"
#include "virtio/spec.h"

namespace vmm::testing {

class GuestRing {
 public:
  // Descriptor table at `base` (16-aligned), available ring after it, used
  // ring on the next 4 KiB boundary.
  GuestRing(GuestRam ram, uint16_t size, uint64_t base)
      : ram_(ram), size_(size), layout_{size, base, base + virtio::desc_table_bytes(size), 0} {
    layout_.used_gpa = (layout_.avail_gpa + virtio::avail_ring_bytes(size) + 4095) / 4096 * 4096;
  }

  const virtio::QueueLayout& layout() const { return layout_; }
  uint16_t size() const { return size_; }

  void set_descriptor(uint16_t index, const virtio::VirtqDesc& desc) const {
    ram_.put(layout_.desc_gpa + sizeof desc * index, desc);
  }
  // Puts `head` in the next available entry, then publishes the index.
  void make_available(uint16_t head) {
    ram_.put(layout_.avail_gpa + virtio::avail_entry_offset(avail_idx_ % size_), head);
    ++avail_idx_;
    ram_.store_u16_release(layout_.avail_gpa + virtio::kRingIdxOffset, avail_idx_);
  }
  uint16_t avail_idx() const { return avail_idx_; }
  uint16_t used_idx() const { return ram_.load_u16_acquire(layout_.used_gpa + virtio::kRingIdxOffset); }
  virtio::VirtqUsedElem used_elem(uint16_t position) const {
    return ram_.get<virtio::VirtqUsedElem>(layout_.used_gpa +
                                           virtio::used_entry_offset(position % size_));
  }

 private:
  GuestRam ram_;
  uint16_t size_;
  virtio::QueueLayout layout_;
  uint16_t avail_idx_ = 0;
};

}  // namespace vmm::testing
