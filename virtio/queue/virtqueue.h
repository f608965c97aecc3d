// The device's side of one split virtqueue (virtio 1.2 §2.7): takes chains
// from the available ring, returns them through the used ring, and decides
// both kinds of notification with or without VIRTIO_F_EVENT_IDX.
//
// Not thread-safe: a queue belongs to the one thread that runs its device
// (the device thread). The driver runs concurrently in the guest; every
// index it writes is re-validated here.
#pragma once

#include <cstdint>

#include "virtio/queue/descriptor_chain.h"
#include "virtio/queue/queue_layout.h"
#include "hv/core/result.h"
#include "hv/memory/guest_memory.h"

namespace vmm::virtio {

class Virtqueue {
 public:
  // `features` are the negotiated ones (EVENT_IDX, INDIRECT_DESC matter).
  static Result<Virtqueue> create(const GuestMemory& memory, const QueueLayout& layout,
                                  uint32_t max_size, uint64_t features);

  uint16_t size() const { return size_; }

  // Takes the next available chain into `chain`: true if there was one,
  // false if the ring is empty, an Error if the driver broke a rule (the
  // queue must not be used again until reset).
  Result<bool> pop(DescriptorChain& chain);
  // Gives back the last `count` popped chains unused, so that pop() returns
  // them again (a receive that found too little buffer space). `count` is at
  // most the chains popped since they were last given back or used, so at
  // most the queue size.
  void unpop(uint16_t count);
  // Records that chain `head` is done, with `written` bytes written into it.
  // The driver sees it once publish_used() runs.
  void push_used(uint16_t head, uint32_t written);
  // Publishes the pushed elements; true when the driver asked to be
  // interrupted for them (virtio 1.2 §2.7.7.2).
  bool publish_used();

  // Available buffer notifications (virtio 1.2 §2.7.10). Enabling asks the
  // driver to notify once it makes available more than it has now, and
  // returns the available index that request covers. The driver may have
  // added buffers before it could see the request, so the caller must then
  // look again: has_available() (anything not yet taken) or
  // avail_moved_since() (anything added after the request).
  uint16_t enable_notifications();
  void disable_notifications();
  bool has_available() const;
  bool avail_moved_since(uint16_t avail_idx_seen) const { return avail_idx() != avail_idx_seen; }

  uint16_t next_avail_idx() const { return next_avail_; }
  uint16_t next_used_idx() const { return next_used_; }

 private:
  Virtqueue(const GuestMemory& memory, RingPointers rings, uint16_t size, uint64_t features);
  uint16_t avail_idx() const;

  const GuestMemory* memory_;
  RingPointers rings_;
  uint16_t size_;
  bool event_idx_;
  bool indirect_;
  // Both indices start at 0 when the driver enables a queue.
  uint16_t next_avail_ = 0;          // next available ring entry to take
  uint16_t next_used_ = 0;           // next used ring entry to fill
  uint16_t used_at_last_check_ = 0;  // used idx when publish_used() last decided
};

}  // namespace vmm::virtio
