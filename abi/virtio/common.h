// The transport-independent part of the virtio 1.2 contract: device status
// bits (§2.1), reserved feature bits (§6) and device IDs (§5). Freestanding
// (<stdint.h> only), compiled by the VMM, the bundled guest and the hostile
// test guest, like abi/shmem_ring.h: one copy, so the two sides cannot drift.
//
// Virtio's modern layout is little-endian (virtio 1.2 §1.4); every side of
// this project runs on x86, so fields are read and written in place.
#pragma once

#include <stdint.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "virtio structures are little-endian and read in place");

namespace virtio {

// ---- device status field (virtio 1.2 §2.1) ----
inline constexpr uint32_t kStatusAcknowledge = 1;
inline constexpr uint32_t kStatusDriver = 2;
inline constexpr uint32_t kStatusDriverOk = 4;
inline constexpr uint32_t kStatusFeaturesOk = 8;
inline constexpr uint32_t kStatusDeviceNeedsReset = 64;
inline constexpr uint32_t kStatusFailed = 128;
// The bits a driver may set; DEVICE_NEEDS_RESET belongs to the device.
inline constexpr uint32_t kDriverStatusBits =
    kStatusAcknowledge | kStatusDriver | kStatusDriverOk | kStatusFeaturesOk | kStatusFailed;

// ---- reserved feature bits (virtio 1.2 §6) ----
inline constexpr uint64_t feature(unsigned bit) { return uint64_t{1} << bit; }
inline constexpr uint64_t kFeatureIndirectDesc = feature(28);  // VIRTIO_F_INDIRECT_DESC
inline constexpr uint64_t kFeatureEventIdx = feature(29);      // VIRTIO_F_EVENT_IDX
inline constexpr uint64_t kFeatureVersion1 = feature(32);      // VIRTIO_F_VERSION_1

// ---- device IDs (virtio 1.2 §5; 0 is "reserved (invalid)", §4.2.2) ----
inline constexpr uint32_t kDeviceIdNone = 0;
inline constexpr uint32_t kDeviceIdNet = 1;

}  // namespace virtio
