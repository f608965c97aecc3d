// One split virtqueue in guest RAM (virtio 1.2 §2.7), driver side: the abi
// driver ring (abi/virtio/driver_ring.h, the bundled guest's) over the place
// layout.h gives the queue, with the guest's own bookkeeping always a ring of
// `size` entries; a hostile case may tell the device another size (QueueNum)
// without changing this.
#pragma once

#include <stdint.h>

#include "abi/virtio/driver_ring.h"
#include "abi/virtio/split_ring.h"

namespace hg {

struct Virtq {
  uint16_t queue = 0;      // 0 receive, 1 transmit (virtio 1.2 §5.1.2)
  uint16_t size = 0;       // entries the guest uses, a power of 2
  uint16_t last_used = 0;  // used entries the driver has consumed
  virtio::DriverRing ring;

  // Zeroes the three parts (after a reset both sides start at index 0).
  void init(uint16_t queue_index, uint16_t entries);
  uint64_t desc_gpa() const { return ring.desc_gpa(); }
  uint64_t avail_gpa() const { return ring.avail_gpa(); }
  uint64_t used_gpa() const { return ring.used_gpa(); }
  // The driver's copy of avail->idx.
  uint16_t next_avail() const { return ring.avail_idx(); }

  void set_desc(uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
  // Puts `head` in the available ring, then publishes the new idx.
  void publish(uint16_t head);
  uint16_t used_idx() const { return ring.used_idx(); }
  virtio::VirtqUsedElem used_elem(uint16_t position) const { return ring.used_elem(position); }
  // True (and the element in *out) when the device returned a chain not
  // consumed yet.
  bool take_used(virtio::VirtqUsedElem* out);
};

}  // namespace hg
