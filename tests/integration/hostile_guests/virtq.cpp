#include "virtq.h"

#include "hw.h"
#include "layout.h"

namespace hg {

void Virtq::init(uint16_t queue_index, uint16_t entries) {
  queue = queue_index;
  size = entries;
  last_used = 0;
  uint64_t base = kQueueRingsGpa[queue];
  volatile uint32_t* rings = phys<uint32_t>(base);
  for (uint32_t i = 0; i < 3 * kRingPartStride / 4; ++i) rings[i] = 0;
  // Each part on its own page (layout.h), not packed as split_ring_layout()
  // would place them.
  virtio::SplitRingLayout parts{entries, kRingPartStride, 2 * kRingPartStride, 3 * kRingPartStride};
  ring = virtio::DriverRing(phys<uint8_t>(base), base, parts, false);
  // No interrupts wanted: the guest polls (VIRTQ_AVAIL_F_NO_INTERRUPT, §2.7.7).
  ring.set_avail_flags(virtio::kAvailNoInterrupt);
}

void Virtq::set_desc(uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
  ring.write_descriptor(static_cast<uint16_t>(index % size), virtio::VirtqDesc{addr, len, flags, next});
}

void Virtq::publish(uint16_t head) {
  ring.put_available(head);
  ring.publish();  // the entry before the index that exposes it (§2.7.13)
  barrier();       // and both before the MMIO write that may announce them
}

bool Virtq::take_used(virtio::VirtqUsedElem* out) {
  if (used_idx() == last_used) return false;  // acquire: idx before the entry it covers (§2.7.14)
  *out = used_elem(last_used);
  ++last_used;
  return true;
}

}  // namespace hg
