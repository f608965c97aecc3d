// The driver's side of one split virtqueue for tests where the driver runs on
// its own thread, concurrently with the device thread, as a guest's vCPU
// does: the abi driver ring's atomic loads, stores and barriers (virtio 1.2
// §2.7.13, §2.7.10, §2.7.7), with notifications decided the way Linux's
// virtio_ring does.
#pragma once

#include <cstdint>
#include <optional>

#include "tests/unit/virtio/fake_driver_queue.h"

namespace vmm::virtio::testing {

class RacingDriverQueue {
 public:
  RacingDriverQueue(const GuestMemory& memory, uint16_t size, uint64_t base, bool event_idx)
      : queue_(memory, size, base, event_idx) {}

  QueueLayout layout() const { return queue_.layout(); }
  uint16_t size() const { return queue_.size(); }
  uint16_t avail_idx() const { return queue_.avail_idx(); }
  uint16_t last_used() const { return last_used_; }

  // Before the chain is made available; the release store of avail idx
  // publishes it.
  void set_descriptor(uint16_t index, const VirtqDesc& desc) { queue_.set_descriptor(index, desc); }

  // Makes `head` available (entry, then idx with release).
  void offer(uint16_t head) { queue_.make_available(head); }

  // After offering since `old_idx`: must the device be notified? The full
  // barrier between our idx store and reading the device's request is the
  // driver's half of the race the device closes from its side.
  bool notification_needed(uint16_t old_idx) const { return queue_.ring().needs_notify(old_idx); }

  // The next used element the device published, if any.
  std::optional<VirtqUsedElem> next_used() {
    if (queue_.used_idx() == last_used_) return std::nullopt;
    return queue_.used_elem(last_used_++);
  }

  // Before sleeping: ask for an interrupt at the next used element, then
  // look again (true: something was used meanwhile, do not sleep). Without
  // EVENT_IDX interrupts are never suppressed, so there is nothing to ask.
  bool arm_interrupt_and_recheck() {
    if (queue_.ring().event_idx()) queue_.set_used_event(last_used_);
    ::virtio::DriverRing::full_barrier();
    return queue_.used_idx() != last_used_;
  }

 private:
  FakeDriverQueue queue_;
  uint16_t last_used_ = 0;
};

}  // namespace vmm::virtio::testing
