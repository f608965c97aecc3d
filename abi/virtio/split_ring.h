// Split virtqueue layout (virtio 1.2 §2.7): the descriptor table, the
// available ring (driver area) and the used ring (device area), with the
// EVENT_IDX fields at the end of each ring; the descriptor and ring flags;
// and the specification's vring_need_event. Freestanding (<stdint.h> and
// <stddef.h> only), shared by the VMM and both guests.
//
//   descriptor table (align 16)   avail ring (align 2)       used ring (align 4)
//   +------------------------+   +----------------------+    +-----------------------+
//   | addr u64 | len u32     |   | flags u16 | idx u16  |    | flags u16 | idx u16   |
//   | flags u16 | next u16   |   | ring[size] u16       |    | ring[size] {id,len}   |
//   |   ... x size           |   | used_event u16       |    | avail_event u16       |
//   +------------------------+   +----------------------+    +-----------------------+
//        driver writes              driver writes              device writes
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/virtio/common.h"

namespace virtio {

struct VirtqDesc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
static_assert(sizeof(VirtqDesc) == 16);
static_assert(offsetof(VirtqDesc, len) == 8 && offsetof(VirtqDesc, flags) == 12 &&
              offsetof(VirtqDesc, next) == 14);

struct VirtqUsedElem {
  uint32_t id;   // head index of the chain, widened to 32 bits
  uint32_t len;  // bytes the device wrote into the chain
};
static_assert(sizeof(VirtqUsedElem) == 8 && offsetof(VirtqUsedElem, len) == 4);

// Descriptor flags (virtio 1.2 §2.7.5).
inline constexpr uint16_t kDescNext = 1;      // VIRTQ_DESC_F_NEXT
inline constexpr uint16_t kDescWrite = 2;     // VIRTQ_DESC_F_WRITE: device-writable
inline constexpr uint16_t kDescIndirect = 4;  // VIRTQ_DESC_F_INDIRECT

// Ring flags (virtio 1.2 §2.7.6, §2.7.8); both are ignored under EVENT_IDX.
inline constexpr uint16_t kAvailNoInterrupt = 1;  // VIRTQ_AVAIL_F_NO_INTERRUPT
inline constexpr uint16_t kUsedNoNotify = 1;      // VIRTQ_USED_F_NO_NOTIFY

// Alignment of each part (virtio 1.2 §2.7, table "Virtqueue Part Alignment").
inline constexpr uint64_t kDescTableAlign = 16;
inline constexpr uint64_t kAvailRingAlign = 2;
inline constexpr uint64_t kUsedRingAlign = 4;

// "The maximum Queue Size value is 32768" (virtio 1.2 §2.7).
inline constexpr uint32_t kMaxQueueSize = 32768;

// Byte sizes and field offsets, for a queue of `size` entries.
inline constexpr uint64_t desc_table_bytes(uint32_t size) { return 16ull * size; }
// flags, idx, ring[size], used_event.
inline constexpr uint64_t avail_ring_bytes(uint32_t size) { return 6ull + 2ull * size; }
// flags, idx, ring[size], avail_event.
inline constexpr uint64_t used_ring_bytes(uint32_t size) { return 6ull + 8ull * size; }
inline constexpr uint64_t kRingFlagsOffset = 0;
inline constexpr uint64_t kRingIdxOffset = 2;
inline constexpr uint64_t kRingEntriesOffset = 4;
inline constexpr uint64_t avail_entry_offset(uint32_t i) { return kRingEntriesOffset + 2ull * i; }
inline constexpr uint64_t used_entry_offset(uint32_t i) { return kRingEntriesOffset + 8ull * i; }
// used_event sits after the avail ring's entries, avail_event after the
// used ring's (virtio 1.2 §2.7.6, §2.7.8).
inline constexpr uint64_t used_event_offset(uint32_t size) { return avail_entry_offset(size); }
inline constexpr uint64_t avail_event_offset(uint32_t size) { return used_entry_offset(size); }
static_assert(used_event_offset(256) + 2 == avail_ring_bytes(256));
static_assert(avail_event_offset(256) + 2 == used_ring_bytes(256));

// VIRTIO_F_EVENT_IDX's test (virtio 1.2 §2.7.7.2, §2.7.10.2, the
// specification's vring_need_event): having moved a ring index from
// `old_idx` to `new_idx`, must the other side be told? Yes iff `event_idx`
// (the index it asked to hear about) lies in [old_idx, new_idx), computed
// modulo 2^16 so that it holds across wrap-around.
inline constexpr bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx) {
  return static_cast<uint16_t>(new_idx - event_idx - 1) < static_cast<uint16_t>(new_idx - old_idx);
}

}  // namespace virtio
