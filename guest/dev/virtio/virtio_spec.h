// The parts of the virtio 1.2 specification the guest's drivers use:
// device status bits, feature bits, the split virtqueue layout and the
// network device's header and configuration. The guest's own copy: the
// VMM's virtio/spec headers are host C++ (<cstdint>, <bit>) and are not
// included here. Virtio structures are little-endian (virtio 1.2 §1.4), as
// x86 is, so fields are read and written in place.
#pragma once

#include <stdint.h>

namespace virtio {

// ---- device status field (virtio 1.2 §2.1) ----
inline constexpr uint32_t kStatusAcknowledge = 1;
inline constexpr uint32_t kStatusDriver = 2;
inline constexpr uint32_t kStatusDriverOk = 4;
inline constexpr uint32_t kStatusFeaturesOk = 8;
inline constexpr uint32_t kStatusDeviceNeedsReset = 64;
inline constexpr uint32_t kStatusFailed = 128;

// ---- feature bits ----
inline constexpr uint64_t feature_bit(unsigned bit) { return uint64_t{1} << bit; }
// Reserved feature bits (virtio 1.2 §6).
inline constexpr uint64_t kFeatureIndirectDesc = feature_bit(28);  // VIRTIO_F_INDIRECT_DESC
inline constexpr uint64_t kFeatureEventIdx = feature_bit(29);      // VIRTIO_F_EVENT_IDX
inline constexpr uint64_t kFeatureVersion1 = feature_bit(32);      // VIRTIO_F_VERSION_1
// Network device feature bits (virtio 1.2 §5.1.3).
inline constexpr uint64_t kNetFeatureMac = feature_bit(5);         // VIRTIO_NET_F_MAC
inline constexpr uint64_t kNetFeatureMrgRxbuf = feature_bit(15);   // VIRTIO_NET_F_MRG_RXBUF
inline constexpr uint64_t kNetFeatureStatus = feature_bit(16);     // VIRTIO_NET_F_STATUS

// ---- device IDs (virtio 1.2 §5) ----
inline constexpr uint32_t kDeviceIdNone = 0;  // "0x0 ... a placeholder" (§4.2.2)
inline constexpr uint32_t kDeviceIdNet = 1;

// ---- split virtqueues (virtio 1.2 §2.7) ----
//
//   descriptor table (align 16)   available ring (align 2)    used ring (align 4)
//   +------------------------+    +-----------------------+    +------------------------+
//   | addr u64 | len u32     |    | flags u16 | idx u16   |    | flags u16 | idx u16    |
//   | flags u16 | next u16   |    | ring[size] u16        |    | ring[size] {id,len}    |
//   |   ... x size           |    | used_event u16        |    | avail_event u16        |
//   +------------------------+    +-----------------------+    +------------------------+
//        driver writes                 driver writes              device writes
struct VirtqDesc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
static_assert(sizeof(VirtqDesc) == 16);

struct VirtqUsedElem {
  uint32_t id;   // head of the returned descriptor chain
  uint32_t len;  // bytes the device wrote into it
};
static_assert(sizeof(VirtqUsedElem) == 8);

// Descriptor flags (virtio 1.2 §2.7.5).
inline constexpr uint16_t kDescFlagNext = 1;
inline constexpr uint16_t kDescFlagWrite = 2;  // device-writable (else device-readable)
// Ring flags (virtio 1.2 §2.7.6, §2.7.8); both ignored under EVENT_IDX.
inline constexpr uint16_t kAvailFlagNoInterrupt = 1;  // VIRTQ_AVAIL_F_NO_INTERRUPT
inline constexpr uint16_t kUsedFlagNoNotify = 1;      // VIRTQ_USED_F_NO_NOTIFY

// Alignment of the three parts (virtio 1.2 §2.7, "Virtqueue Part Alignment").
inline constexpr uint64_t kDescTableAlign = 16;
inline constexpr uint64_t kAvailRingAlign = 2;
inline constexpr uint64_t kUsedRingAlign = 4;

inline constexpr uint64_t desc_table_bytes(uint32_t size) { return 16ull * size; }
// flags, idx, ring[size], used_event.
inline constexpr uint64_t avail_ring_bytes(uint32_t size) { return 6ull + 2ull * size; }
// flags, idx, ring[size], avail_event.
inline constexpr uint64_t used_ring_bytes(uint32_t size) { return 6ull + 8ull * size; }

// VIRTIO_F_EVENT_IDX's test (virtio 1.2 §2.7.7.2, §2.7.10.2, the
// specification's vring_need_event): after moving an index from old_idx to
// new_idx, the other side wants to hear about it iff its event index lies in
// [old_idx, new_idx), modulo 2^16.
inline constexpr bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx) {
  return static_cast<uint16_t>(new_idx - event_idx - 1) < static_cast<uint16_t>(new_idx - old_idx);
}

// ---- network device (virtio 1.2 §5.1) ----
inline constexpr uint16_t kNetReceiveQueue = 0;   // receiveq1 (§5.1.2)
inline constexpr uint16_t kNetTransmitQueue = 1;  // transmitq1

// Configuration layout (§5.1.4): mac[6] at 0, status (le16) at 6.
inline constexpr uint32_t kNetConfigMac = 0;
inline constexpr uint32_t kNetConfigStatus = 6;
inline constexpr uint16_t kNetStatusLinkUp = 1;  // VIRTIO_NET_S_LINK_UP

// struct virtio_net_hdr (§5.1.6). With VIRTIO_F_VERSION_1 it always has
// num_buffers, so it is 12 bytes on both queues whatever MRG_RXBUF says.
struct NetHeader {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
  uint16_t num_buffers;
};
static_assert(sizeof(NetHeader) == 12);
inline constexpr uint8_t kNetGsoNone = 0;  // VIRTIO_NET_HDR_GSO_NONE

}  // namespace virtio
