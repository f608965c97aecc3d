// A split virtqueue, driver side (virtio 1.2 §2.7): the three rings in
// physically contiguous zeroed frames, a free-descriptor list, publishing
// available buffers, notification and interrupt suppression (with or
// without VIRTIO_F_EVENT_IDX), and a validating reader of the used ring.
//
// Buffers are single descriptors (no chains, no indirect tables): the net
// driver puts header and frame in one buffer, which VIRTIO_F_VERSION_1
// allows (§2.7.4, "Message Framing"). The caller picks the descriptor id
// first (alloc) and so can tie a buffer to each id.
//
// Not thread-safe: one user at a time (the net driver runs under the
// glue's lock).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dev/virtio/virtio_spec.h"
#include "lib/status.h"

namespace virtio {

class Virtqueue {
 public:
  static constexpr uint16_t kMaxSize = 256;
  static constexpr uint16_t kNoDescriptor = 0xffff;

  enum class UsedResult : uint8_t { kEmpty, kBuffer, kBad };
  struct Used {
    uint16_t id;
    uint32_t len;  // bytes the device wrote, <= the buffer's length
  };

  // Allocates and zeroes the rings for `size` entries (a power of 2, at
  // most kMaxSize; §2.7: "Queue Size value is always a power of 2").
  Status init(uint16_t size, bool event_idx);
  // Returns the ring frames (only once the device can no longer use them:
  // after a reset, or before the queue was made ready).
  void release();

  uint16_t size() const { return size_; }
  uint64_t desc_phys() const { return phys_; }
  uint64_t avail_phys() const { return phys_ + avail_offset_; }
  uint64_t used_phys() const { return phys_ + used_offset_; }
  uint16_t free_count() const { return free_count_; }

  // ---- driver -> device ----
  // A free descriptor id, or kNoDescriptor.
  uint16_t alloc();
  // Fills descriptor `id` and the next available slot; invisible to the
  // device until publish().
  void add(uint16_t id, uint64_t phys, uint32_t len, bool device_writes);
  // Makes every added buffer visible (stores avail->idx).
  void publish();
  // After publish(): must the device be notified? Clears the "added since
  // the last check" window (§2.7.10.2).
  bool needs_notify();

  // ---- device -> driver ----
  // Entries the device published that have not been popped.
  uint16_t used_pending() const;
  // The next used entry. kBad: the entry was not trusted (id out of range
  // or not in flight, len beyond the buffer, or a used->idx that runs
  // ahead of the buffers in flight); it is counted and skipped, and its
  // descriptor freed when the id was valid. kBuffer: *out is valid and its
  // descriptor is free again (its buffer untouched until re-added).
  UsedResult pop_used(Used* out);
  uint32_t bad_entries() const { return bad_entries_; }
  bool broken() const { return broken_; }

  // ---- interrupt suppression (§2.7.7) ----
  // No interrupts for used buffers (a hint the device may ignore).
  void suppress_interrupts();
  // Interrupt on the next used buffer; true if none is pending after a full
  // barrier (false: buffers arrived meanwhile, poll again; interrupts stay
  // enabled).
  bool enable_interrupts();

 private:
  uint16_t avail_shadow() const { return avail_idx_shadow_; }
  void free(uint16_t id);

  // Ring memory (direct-map pointers).
  uint64_t phys_ = 0;
  uint32_t frames_ = 0;
  uint64_t avail_offset_ = 0;
  uint64_t used_offset_ = 0;
  VirtqDesc* desc_ = nullptr;
  uint16_t* avail_flags_ = nullptr;
  uint16_t* avail_idx_ = nullptr;
  uint16_t* avail_ring_ = nullptr;
  uint16_t* used_event_ = nullptr;   // avail ring's last field
  uint16_t* used_flags_ = nullptr;
  uint16_t* used_idx_ = nullptr;
  VirtqUsedElem* used_ring_ = nullptr;
  uint16_t* avail_event_ = nullptr;  // used ring's last field

  uint16_t size_ = 0;
  bool event_idx_ = false;
  bool broken_ = false;
  bool interrupts_suppressed_ = false;

  // Driver-private bookkeeping, never in memory the device can write.
  uint16_t avail_idx_shadow_ = 0;   // avail->idx as this driver will publish it
  uint16_t notified_idx_ = 0;       // avail->idx at the last needs_notify()
  uint16_t last_used_idx_ = 0;      // used entries consumed so far (mod 2^16)
  uint16_t free_head_ = kNoDescriptor;
  uint16_t free_count_ = 0;
  uint16_t next_free_[kMaxSize] = {};
  uint32_t posted_len_[kMaxSize] = {};
  bool in_flight_[kMaxSize] = {};
  uint32_t bad_entries_ = 0;
};

}  // namespace virtio
