#include "virtio/queue/virtqueue.h"

#include "virtio/spec.h"
#include "virtio/queue/ring_access.h"

namespace vmm::virtio {

Result<Virtqueue> Virtqueue::create(const GuestMemory& memory, const QueueLayout& layout,
                                    uint32_t max_size, uint64_t features) {
  RingPointers rings = VMM_TRY(map_queue_layout(memory, layout, max_size));
  // map_queue_layout() checked the size: a power of 2 of at most 32768.
  return Virtqueue(memory, rings, static_cast<uint16_t>(layout.size), features);
}

Virtqueue::Virtqueue(const GuestMemory& memory, RingPointers rings, uint16_t size,
                     uint64_t features)
    : memory_(&memory),
      rings_(rings),
      size_(size),
      event_idx_(features & kFeatureEventIdx),
      indirect_(features & kFeatureIndirectDesc) {}

uint16_t Virtqueue::avail_idx() const {
  return ring::load_u16_acquire(rings_.avail + kRingIdxOffset);
}

Result<bool> Virtqueue::pop(DescriptorChain& chain) {
  uint16_t avail = avail_idx();
  uint16_t pending = static_cast<uint16_t>(avail - next_avail_);
  if (pending == 0) return false;
  // The driver can never have more than `size` buffers outstanding.
  if (pending > size_)
    return make_error("available index moved from " + std::to_string(next_avail_) + " to " +
                      std::to_string(avail) + ", more than the queue size " +
                      std::to_string(size_));
  uint16_t head =
      ring::load_u16(rings_.avail + avail_entry_offset(next_avail_ & (size_ - 1)));
  ChainRules rules{*memory_, size_, indirect_};
  VMM_TRY_VOID(read_descriptor_chain(rings_.desc, head, rules, chain));
  ++next_avail_;
  return true;
}

void Virtqueue::unpop(uint16_t count) { next_avail_ = static_cast<uint16_t>(next_avail_ - count); }

void Virtqueue::push_used(uint16_t head, uint32_t written) {
  uint8_t* elem = rings_.used + used_entry_offset(next_used_ & (size_ - 1));
  ring::store_u32(elem, head);
  ring::store_u32(elem + 4, written);
  ++next_used_;
}

bool Virtqueue::publish_used() {
  uint16_t old_idx = used_at_last_check_;
  uint16_t new_idx = next_used_;
  used_at_last_check_ = new_idx;
  ring::store_u16_release(rings_.used + kRingIdxOffset, new_idx);
  if (old_idx == new_idx) return false;
  ring::full_barrier();  // publish idx before reading the driver's wishes
  if (event_idx_) {
    // "The device MUST ignore the lower bit of flags" with EVENT_IDX
    // (virtio 1.2 §2.7.7.2).
    uint16_t used_event = ring::load_u16(rings_.avail + used_event_offset(size_));
    return vring_need_event(used_event, new_idx, old_idx);
  }
  return !(ring::load_u16(rings_.avail + kRingFlagsOffset) & kAvailNoInterrupt);
}

uint16_t Virtqueue::enable_notifications() {
  uint16_t seen = avail_idx();
  if (event_idx_) {
    // "Notify me when you move idx past `seen`": the driver notifies when
    // avail_event lies in [old idx, new idx) (§2.7.10.1).
    ring::store_u16(rings_.used + avail_event_offset(size_), seen);
  } else {
    ring::store_u16(rings_.used + kRingFlagsOffset, 0);
  }
  ring::full_barrier();  // the request is visible before we look again
  return seen;
}

void Virtqueue::disable_notifications() {
  // With EVENT_IDX there is nothing to write: an avail_event left behind is
  // passed again only after 2^16 buffers, which costs one stray notification.
  if (!event_idx_) ring::store_u16(rings_.used + kRingFlagsOffset, kUsedNoNotify);
}

bool Virtqueue::has_available() const { return avail_idx() != next_avail_; }

}  // namespace vmm::virtio
