// What the test drivers (tests/unit/virtio/fake_driver_queue.h,
// tests/unit/app/guest_ring.h, bench/micro/virtqueue_bench.cpp) share about
// the abi driver ring (abi/virtio/driver_ring.h): where they put the used
// ring, and the ring's addresses as the device's QueueLayout.
#pragma once

#include <cstdint>

#include "abi/virtio/driver_ring.h"
#include "virtio/queue/queue_layout.h"

namespace vmm::testing {

// The used ring on the next 4 KiB boundary after the available ring, as
// Linux places it.
inline constexpr uint64_t kTestUsedRingAlign = 4096;

inline ::virtio::SplitRingLayout test_ring_layout(uint64_t gpa, uint16_t size) {
  return ::virtio::split_ring_layout(gpa, size, kTestUsedRingAlign);
}

// The addresses a driver writes into QueueDesc/QueueDriver/QueueDevice.
inline virtio::QueueLayout queue_layout_of(const ::virtio::DriverRing& ring) {
  return virtio::QueueLayout{ring.size(), ring.desc_gpa(), ring.avail_gpa(), ring.used_gpa()};
}

}  // namespace vmm::testing
