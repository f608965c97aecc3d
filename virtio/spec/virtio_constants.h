// Transport-independent constants of the virtio 1.2 specification: device
// status bits, reserved feature bits, device types. Virtio's modern layout is
// little-endian (virtio 1.2 §1.4); this VMM only runs on little-endian hosts,
// so ring fields are read in place.
#pragma once

#include <bit>
#include <cstdint>

static_assert(std::endian::native == std::endian::little,
              "virtio structures are little-endian and read in place");

namespace vmm::virtio {

// Device status field (virtio 1.2 §2.1).
enum DeviceStatus : uint32_t {
  kStatusAcknowledge = 1,
  kStatusDriver = 2,
  kStatusDriverOk = 4,
  kStatusFeaturesOk = 8,
  kStatusDeviceNeedsReset = 64,
  kStatusFailed = 128,
};
// The bits a driver may set; DEVICE_NEEDS_RESET belongs to the device.
inline constexpr uint32_t kDriverStatusBits =
    kStatusAcknowledge | kStatusDriver | kStatusDriverOk | kStatusFeaturesOk | kStatusFailed;

// Reserved feature bits (virtio 1.2 §6).
inline constexpr uint64_t feature(unsigned bit) { return uint64_t{1} << bit; }
inline constexpr uint64_t kFeatureIndirectDesc = feature(28);  // VIRTIO_F_INDIRECT_DESC
inline constexpr uint64_t kFeatureEventIdx = feature(29);      // VIRTIO_F_EVENT_IDX
inline constexpr uint64_t kFeatureVersion1 = feature(32);      // VIRTIO_F_VERSION_1
// The ring features every Virtqueue of this VMM implements.
inline constexpr uint64_t kVirtqueueFeatures = kFeatureIndirectDesc | kFeatureEventIdx;

// Device types (virtio 1.2 §5).
inline constexpr uint32_t kDeviceTypeNet = 1;

}  // namespace vmm::virtio
