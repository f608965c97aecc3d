// A split virtqueue, driver side (virtio 1.2 §2.7): the abi driver queue
// (abi/virtio/driver_ring.h: free-descriptor list, publishing available
// buffers, notification and interrupt suppression with or without
// VIRTIO_F_EVENT_IDX, a validating reader of the used ring) over rings in
// physically contiguous zeroed frames of the kernel's own.
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

#include "abi/virtio/driver_ring.h"
#include "lib/status.h"

namespace virtio {

inline constexpr uint16_t kVirtqueueMaxSize = 256;

class Virtqueue : public DriverQueue<kVirtqueueMaxSize> {
 public:
  static constexpr uint16_t kMaxSize = kVirtqueueMaxSize;

  // Allocates and zeroes the rings for `size` entries (a power of 2, at
  // most kMaxSize; §2.7: "Queue Size value is always a power of 2").
  Status init(uint16_t size, bool event_idx);
  // Returns the ring frames (only once the device can no longer use them:
  // after a reset, or before the queue was made ready).
  void release();

  uint64_t desc_phys() const { return ring().desc_gpa(); }
  uint64_t avail_phys() const { return ring().avail_gpa(); }
  uint64_t used_phys() const { return ring().used_gpa(); }

 private:
  uint64_t phys_ = 0;
  uint32_t frames_ = 0;
};

}  // namespace virtio
