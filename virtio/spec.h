// The virtio contract (abi/virtio/, shared with the guests) seen from the
// VMM's namespace, plus the choices that are this VMM's alone: its vendor
// ID, the size of its register window, the ring features its Virtqueue
// implements. Host code includes this header, not abi/virtio/ directly, so
// that `virtio::kDescNext` means the same inside `vmm` as outside it.
#pragma once

#include <cstdint>

#include "abi/virtio/common.h"
#include "abi/virtio/mmio.h"
#include "abi/virtio/net.h"
#include "abi/virtio/split_ring.h"

namespace vmm::virtio {

using namespace ::virtio;  // the contract's names, as if declared here

// The ring features every Virtqueue of this VMM implements.
inline constexpr uint64_t kVirtqueueFeatures = kFeatureIndirectDesc | kFeatureEventIdx;

namespace mmio {
using namespace ::virtio::mmio;

// A vendor ID of our own choosing; drivers do not interpret it.
inline constexpr uint32_t kVendorId = 0x564d4d31;  // "1MMV"
// The register window each device gets ("4K" on the guest command line).
inline constexpr uint64_t kWindowSize = 0x1000;
}  // namespace mmio

}  // namespace vmm::virtio
