#include "virtq.h"

#include "hw.h"
#include "layout.h"

namespace hg {

using virtio::VirtqDesc;
using virtio::VirtqUsedElem;

namespace {

// Offsets inside the available and used rings (virtio 1.2 §2.7.6, §2.7.8):
// flags u16, idx u16, then the entries.
constexpr uint32_t kIdx = 2;
constexpr uint32_t kEntries = 4;

}  // namespace

void Virtq::init(uint16_t queue_index, uint16_t entries) {
  queue = queue_index;
  size = entries;
  next_avail = 0;
  last_used = 0;
  volatile uint32_t* rings = phys<uint32_t>(kQueueRingsGpa[queue]);
  for (uint32_t i = 0; i < 3 * kRingPartStride / 4; ++i) rings[i] = 0;
  // No interrupts wanted: the guest polls (VIRTQ_AVAIL_F_NO_INTERRUPT, §2.7.7).
  *phys<volatile uint16_t>(avail_gpa()) = virtio::kAvailNoInterrupt;
}

uint64_t Virtq::desc_gpa() const { return kQueueRingsGpa[queue]; }
uint64_t Virtq::avail_gpa() const { return kQueueRingsGpa[queue] + kRingPartStride; }
uint64_t Virtq::used_gpa() const { return kQueueRingsGpa[queue] + 2 * kRingPartStride; }

void Virtq::set_desc(uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
  volatile VirtqDesc* d = phys<VirtqDesc>(desc_gpa()) + (index % size);
  d->addr = addr;
  d->len = len;
  d->flags = flags;
  d->next = next;
}

void Virtq::publish(uint16_t head) {
  *phys<volatile uint16_t>(avail_gpa() + kEntries + 2u * (next_avail % size)) = head;
  barrier();  // the entry before the index that exposes it (§2.7.13)
  ++next_avail;
  *phys<volatile uint16_t>(avail_gpa() + kIdx) = next_avail;
  barrier();
}

uint16_t Virtq::used_idx() const { return *phys<volatile uint16_t>(used_gpa() + kIdx); }

VirtqUsedElem Virtq::used_elem(uint16_t position) const {
  const volatile VirtqUsedElem* e =
      phys<VirtqUsedElem>(used_gpa() + kEntries) + (position % size);
  return {e->id, e->len};
}

bool Virtq::take_used(VirtqUsedElem* out) {
  if (used_idx() == last_used) return false;
  barrier();  // idx before the entry it covers (§2.7.14)
  *out = used_elem(last_used);
  ++last_used;
  return true;
}

}  // namespace hg
