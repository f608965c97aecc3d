// The driver's side of one split virtqueue for tests where the driver runs on
// its own thread, concurrently with the device thread, as a guest's vCPU
// does: the fields both sides touch go through the same atomic loads and
// stores and barriers as the device's (virtio 1.2 §2.7.13, §2.7.10, §2.7.7),
// and the driver decides notifications the way Linux's virtio_ring does.
#pragma once

#include <cstdint>
#include <optional>

#include "tests/unit/virtio/fake_driver_queue.h"
#include "virtio/spec.h"
#include "virtio/queue/ring_access.h"

namespace vmm::virtio::testing {

class RacingDriverQueue {
 public:
  RacingDriverQueue(const GuestMemory& memory, uint16_t size, uint64_t base, bool event_idx)
      : layout_queue_(memory, size, base), size_(size), event_idx_(event_idx) {
    avail_ = *memory.host_pointer(layout().avail_gpa, avail_ring_bytes(size) + 2);
    used_ = *memory.host_pointer(layout().used_gpa, used_ring_bytes(size) + 2);
  }

  QueueLayout layout() const { return layout_queue_.layout(); }
  uint16_t size() const { return size_; }
  uint16_t avail_idx() const { return avail_idx_; }
  uint16_t last_used() const { return last_used_; }

  // Before the chain is made available; the release store of avail idx
  // publishes it.
  void set_descriptor(uint16_t index, const VirtqDesc& desc) {
    layout_queue_.set_descriptor(index, desc);
  }

  // Makes `head` available (entry, then idx with release).
  void offer(uint16_t head) {
    ring::store_u16(avail_ + avail_entry_offset(avail_idx_ % size_), head);
    ++avail_idx_;
    ring::store_u16_release(avail_ + kRingIdxOffset, avail_idx_);
  }

  // After offering since `old_idx`: must the device be notified? The full
  // barrier between our idx store and reading the device's request is the
  // driver's half of the race the device closes from its side.
  bool notification_needed(uint16_t old_idx) const {
    ring::full_barrier();
    if (event_idx_)
      return vring_need_event(ring::load_u16(used_ + avail_event_offset(size_)), avail_idx_, old_idx);
    return !(ring::load_u16(used_ + kRingFlagsOffset) & kUsedNoNotify);
  }

  // The next used element the device published, if any.
  std::optional<VirtqUsedElem> next_used() {
    if (ring::load_u16_acquire(used_ + kRingIdxOffset) == last_used_) return std::nullopt;
    uint8_t* elem = used_ + used_entry_offset(last_used_ % size_);
    VirtqUsedElem used{__atomic_load_n(reinterpret_cast<uint32_t*>(elem), __ATOMIC_RELAXED),
                       __atomic_load_n(reinterpret_cast<uint32_t*>(elem + 4), __ATOMIC_RELAXED)};
    ++last_used_;
    return used;
  }

  // Before sleeping: ask for an interrupt at the next used element, then
  // look again (true: something was used meanwhile, do not sleep). Without
  // EVENT_IDX interrupts are never suppressed, so there is nothing to ask.
  bool arm_interrupt_and_recheck() {
    if (event_idx_) ring::store_u16(avail_ + used_event_offset(size_), last_used_);
    ring::full_barrier();
    return ring::load_u16_acquire(used_ + kRingIdxOffset) != last_used_;
  }

 private:
  FakeDriverQueue layout_queue_;  // layout and descriptor writes only
  uint16_t size_;
  bool event_idx_;
  uint8_t* avail_ = nullptr;
  uint8_t* used_ = nullptr;
  uint16_t avail_idx_ = 0;
  uint16_t last_used_ = 0;
};

}  // namespace vmm::virtio::testing
