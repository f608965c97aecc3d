// The driver's side of a split virtqueue (virtio 1.2 §2.7), over memory the
// caller provides: the bundled guest's Virtqueue, the VMM's tests and its
// micro-benchmark all drive the device through these two classes.
// Freestanding, like abi/shmem_ring.h: <stdint.h>/<stddef.h> and GCC's
// __atomic builtins only (the guest has no hosted C++ library, the hostile
// guest is 32-bit).
//
//   DriverRing      the rings themselves: descriptors, the available ring
//                   (entries, idx, flags, used_event), the used ring as the
//                   driver reads it, and the notification test. It checks
//                   nothing and keeps no per-descriptor state, so a test can
//                   write what a hostile driver would (any size, any index).
//   DriverQueue<N>  a well-behaved driver on top (the guest's): descriptor
//                   ids from a free list, buffers added and published,
//                   notification and interrupt suppression with or without
//                   VIRTIO_F_EVENT_IDX, and a used ring it does not trust.
//
// Memory ordering. The device is another agent reading and writing the rings
// concurrently. Entries are stored before the index that exposes them, with
// a release store of avail->idx (§2.7.13.3.1: "a suitable memory barrier
// before the idx update"), and used->idx is loaded with acquire before the
// entries it covers (§2.7.8). Wherever the driver stores an index and then
// reads the device's wish (or the other way round), a full barrier sits
// between them (§2.7.10.1, §2.7.7.2): a later load may pass an earlier store
// even on x86 (Intel SDM vol 3, 9.2.3.4), and without it a notification or an
// interrupt could be lost.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/virtio/split_ring.h"

namespace virtio {

// Where the three parts of a split ring lie, as byte offsets from the
// descriptor table.
struct SplitRingLayout {
  uint16_t size = 0;
  uint64_t avail_offset = 0;
  uint64_t used_offset = 0;
  uint64_t bytes = 0;  // through the used ring's avail_event
};

// The layout of a ring of `size` entries whose descriptor table is at
// guest-physical `gpa` (16-aligned): the available ring right after the
// table, the used ring on the next `used_align` boundary of the guest-physical
// address (a power of 2, at least kUsedRingAlign; a cache line or a page keeps
// what the device writes apart from what the driver writes).
inline constexpr SplitRingLayout split_ring_layout(uint64_t gpa, uint16_t size, uint64_t used_align) {
  SplitRingLayout layout;
  layout.size = size;
  layout.avail_offset = desc_table_bytes(size);  // a multiple of 16, so 2-aligned
  uint64_t avail_end = gpa + layout.avail_offset + avail_ring_bytes(size);
  layout.used_offset = ((avail_end + used_align - 1) & ~(used_align - 1)) - gpa;
  layout.bytes = layout.used_offset + used_ring_bytes(size);
  return layout;
}
static_assert(split_ring_layout(0x10000, 256, 4096).used_offset == 0x2000);
static_assert(split_ring_layout(0, 256, 64).used_offset == 4096 + 576);

// One buffer of a chain: guest-physical address, length, and whether the
// device writes it (VIRTQ_DESC_F_WRITE) or reads it.
struct ChainBuffer {
  uint64_t addr;
  uint32_t len;
  bool device_writes;
};

// Writes `count` buffers as one chain into table[first], table[first + 1], ...
// (indices modulo `table_size`), each linked to the next with NEXT: into the
// descriptor table, or into an indirect table (§2.7.5.3).
inline void write_chain(VirtqDesc* table, uint32_t table_size, uint32_t first,
                        const ChainBuffer* buffers, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    VirtqDesc& d = table[(first + i) % table_size];
    d.addr = buffers[i].addr;
    d.len = buffers[i].len;
    d.flags = static_cast<uint16_t>((buffers[i].device_writes ? kDescWrite : 0) |
                                    (i + 1 < count ? kDescNext : 0));
    d.next = static_cast<uint16_t>((first + i + 1) % table_size);
  }
}

class DriverRing {
 public:
  DriverRing() = default;
  // `memory` is where this side reaches the rings (layout.bytes of it, zeroed
  // unless a test means otherwise); `gpa` is where the device finds them.
  DriverRing(uint8_t* memory, uint64_t gpa, const SplitRingLayout& layout, bool event_idx)
      : base_(memory), gpa_(gpa), layout_(layout), event_idx_(event_idx) {}

  uint16_t size() const { return layout_.size; }
  bool event_idx() const { return event_idx_; }
  const SplitRingLayout& layout() const { return layout_; }
  uint64_t desc_gpa() const { return gpa_; }
  uint64_t avail_gpa() const { return gpa_ + layout_.avail_offset; }
  uint64_t used_gpa() const { return gpa_ + layout_.used_offset; }

  // ---- descriptors (invisible to the device until published) ----
  VirtqDesc* descriptors() const { return reinterpret_cast<VirtqDesc*>(base_); }
  // Descriptor `index` (< size: this class checks nothing).
  void write_descriptor(uint16_t index, const VirtqDesc& desc) const {
    VirtqDesc& d = descriptors()[index];
    d.addr = desc.addr;
    d.len = desc.len;
    d.flags = desc.flags;
    d.next = desc.next;
  }
  // A chain in descriptors first, first + 1, ... (modulo the size); returns
  // its head.
  uint16_t write_chain(uint16_t first, const ChainBuffer* buffers, uint32_t count) const {
    virtio::write_chain(descriptors(), size(), first, buffers, count);
    return first;
  }

  // ---- available ring ----
  // "The driver places the index of the head of the descriptor chain into the
  // next ring entry of the available ring" (§2.7.13.2); not yet visible.
  void put_available(uint16_t head) {
    store16(avail(avail_entry_offset(slot(avail_idx_))), head);
    ++avail_idx_;
  }
  // Makes every put entry visible: avail->idx, with release.
  void publish() { __atomic_store_n(avail(kRingIdxOffset), avail_idx_, __ATOMIC_RELEASE); }
  // avail->idx as this driver publishes it (never read back from memory).
  uint16_t avail_idx() const { return avail_idx_; }
  // Any index, published at once (a test playing a driver that lies).
  void set_avail_idx(uint16_t idx) {
    avail_idx_ = idx;
    publish();
  }
  void set_avail_flags(uint16_t flags) { store16(avail(kRingFlagsOffset), flags); }
  // EVENT_IDX: "interrupt me once used->idx passes `idx`" (§2.7.7.2).
  void set_used_event(uint16_t idx) { store16(avail(used_event_offset(size())), idx); }

  // After publishing the entries since `old_idx`: must the device be
  // notified? With EVENT_IDX iff avail_event lies in [old_idx, avail_idx),
  // otherwise unless the device set VIRTQ_USED_F_NO_NOTIFY (§2.7.10.1). The
  // full barrier orders our idx store before reading the device's wish.
  bool needs_notify(uint16_t old_idx) const {
    full_barrier();
    if (event_idx_) return vring_need_event(avail_event(), avail_idx_, old_idx);
    return (used_flags() & kUsedNoNotify) == 0;
  }

  // ---- used ring (device-written: each field read once) ----
  // used->idx, with acquire: the entries it covers may be read after it.
  uint16_t used_idx() const { return __atomic_load_n(used(kRingIdxOffset), __ATOMIC_ACQUIRE); }
  // The entry at ring position `position` (taken modulo the size).
  VirtqUsedElem used_elem(uint16_t position) const {
    const uint32_t* e = reinterpret_cast<const uint32_t*>(
        base_ + layout_.used_offset + used_entry_offset(slot(position)));
    return VirtqUsedElem{__atomic_load_n(e, __ATOMIC_RELAXED), __atomic_load_n(e + 1, __ATOMIC_RELAXED)};
  }
  uint16_t used_flags() const { return load16(used(kRingFlagsOffset)); }
  uint16_t avail_event() const { return load16(used(avail_event_offset(size()))); }

  static void full_barrier() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

 private:
  // Ring position -> entry. A mask for the power-of-2 sizes every real queue
  // has (§2.7), so the guest's data path divides nothing; the modulo only
  // for the other sizes tests play hostile drivers with.
  uint16_t slot(uint16_t position) const {
    uint16_t n = size();
    return (n & (n - 1)) == 0 ? static_cast<uint16_t>(position & (n - 1)) : static_cast<uint16_t>(position % n);
  }
  uint16_t* avail(uint64_t offset) const {
    return reinterpret_cast<uint16_t*>(base_ + layout_.avail_offset + offset);
  }
  uint16_t* used(uint64_t offset) const {
    return reinterpret_cast<uint16_t*>(base_ + layout_.used_offset + offset);
  }
  static uint16_t load16(const uint16_t* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
  static void store16(uint16_t* p, uint16_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }

  uint8_t* base_ = nullptr;
  uint64_t gpa_ = 0;
  SplitRingLayout layout_;
  bool event_idx_ = false;
  uint16_t avail_idx_ = 0;  // driver-private: avail->idx as this driver will publish it
};

// A well-behaved driver of up to kMaxSize entries. Buffers are single
// descriptors (no chains, no indirect tables): the bundled guest puts header
// and frame in one buffer, which VIRTIO_F_VERSION_1 allows (§2.7.4, "Message
// Framing"). The caller picks the descriptor id first (alloc) and so can tie
// a buffer to each id. Not thread-safe: one user at a time.
template <uint16_t kMaxSize>
class DriverQueue {
 public:
  static constexpr uint16_t kNoDescriptor = 0xffff;

  enum class UsedResult : uint8_t { kEmpty, kBuffer, kBad };
  struct Used {
    uint16_t id;
    uint32_t len;  // bytes the device wrote, <= the buffer's length
  };

  // Takes over the rings in `memory` (zeroed, layout.bytes long); false when
  // the size is not a power of 2 up to kMaxSize (§2.7: "Queue Size value is
  // always a power of 2").
  bool attach(uint8_t* memory, uint64_t gpa, const SplitRingLayout& layout, bool event_idx) {
    uint16_t size = layout.size;
    if (size == 0 || size > kMaxSize || (size & (size - 1)) != 0) return false;
    ring_ = DriverRing(memory, gpa, layout, event_idx);
    for (uint16_t i = 0; i < size; ++i) next_free_[i] = i + 1 < size ? i + 1 : kNoDescriptor;
    free_head_ = 0;
    free_count_ = size;
    return true;
  }

  const DriverRing& ring() const { return ring_; }
  uint16_t size() const { return ring_.size(); }
  uint16_t free_count() const { return free_count_; }

  // ---- driver -> device ----
  // A free descriptor id, or kNoDescriptor.
  uint16_t alloc() {
    if (free_count_ == 0) return kNoDescriptor;
    uint16_t id = free_head_;
    free_head_ = next_free_[id];
    --free_count_;
    in_flight_[id] = true;
    return id;
  }
  // Fills descriptor `id` and the next available entry; invisible to the
  // device until publish().
  void add(uint16_t id, uint64_t addr, uint32_t len, bool device_writes) {
    ring_.write_descriptor(id, VirtqDesc{addr, len, device_writes ? kDescWrite : uint16_t{0}, 0});
    posted_len_[id] = len;
    ring_.put_available(id);
  }
  // Makes every added buffer visible (stores avail->idx).
  void publish() { ring_.publish(); }
  // After publish(): must the device be notified? Clears the "added since
  // the last check" window (§2.7.10.2).
  bool needs_notify() {
    uint16_t old_idx = notified_idx_;
    notified_idx_ = ring_.avail_idx();
    if (old_idx == notified_idx_) return false;
    return ring_.needs_notify(old_idx);
  }

  // ---- device -> driver ----
  // Entries the device published that have not been popped.
  uint16_t used_pending() const {
    if (broken_) return 0;
    return static_cast<uint16_t>(ring_.used_idx() - last_used_idx_);
  }
  // The next used entry. kBad: the entry was not trusted (id out of range or
  // not in flight, len beyond the buffer, or a used->idx that runs ahead of
  // the buffers in flight); it is counted and skipped, and its descriptor
  // freed when the id was valid. kBuffer: *out is valid and its descriptor is
  // free again (its buffer untouched until re-added).
  UsedResult pop_used(Used* out) {
    if (broken_) return UsedResult::kEmpty;
    uint16_t pending = used_pending();
    if (pending == 0 && ring_.event_idx() && !interrupts_suppressed_) {
      // "Interrupt me after the next one": store used_event, then look again
      // after a full barrier, or a buffer used in between could go
      // unsignalled (§2.7.7.2; Linux's virtqueue_get_buf does the same).
      ring_.set_used_event(last_used_idx_);
      DriverRing::full_barrier();
      pending = used_pending();
    }
    if (pending == 0) return UsedResult::kEmpty;
    // The device can never have returned more buffers than are in flight: a
    // used->idx beyond that is garbage and the ring is no longer trusted.
    if (pending > size() - free_count_) {
      broken_ = true;
      ++bad_entries_;
      return UsedResult::kBad;
    }
    VirtqUsedElem e = ring_.used_elem(last_used_idx_);  // each field read once
    ++last_used_idx_;
    if (ring_.event_idx() && interrupts_suppressed_) ring_.set_used_event(last_used_idx_ - kFarAway);
    if (e.id >= size() || !in_flight_[e.id]) {
      ++bad_entries_;
      return UsedResult::kBad;
    }
    free(static_cast<uint16_t>(e.id));
    // len is the number of bytes the device wrote into the buffer (§2.7.8);
    // more than the buffer holds is impossible for an honest device: not
    // trusted, the buffer is reused (Linux validates the same way).
    if (e.len > posted_len_[e.id]) {
      ++bad_entries_;
      return UsedResult::kBad;
    }
    *out = Used{static_cast<uint16_t>(e.id), e.len};
    return UsedResult::kBuffer;
  }
  uint32_t bad_entries() const { return bad_entries_; }
  bool broken() const { return broken_; }
  // Used entries consumed so far (mod 2^16): the device's progress as this
  // driver has taken it in.
  uint16_t used_consumed() const { return last_used_idx_; }
  // Buffers published and not yet given back (or not yet popped).
  uint16_t in_flight() const { return static_cast<uint16_t>(size() - free_count_); }

  // ---- interrupt suppression (§2.7.7) ----
  // No interrupts for used buffers (a hint the device may ignore). With
  // EVENT_IDX the device ignores avail->flags (§2.7.7.2): used_event is kept
  // out of its reach instead.
  void suppress_interrupts() {
    interrupts_suppressed_ = true;
    if (ring_.event_idx()) ring_.set_used_event(last_used_idx_ - kFarAway);
    else ring_.set_avail_flags(kAvailNoInterrupt);
  }
  // Interrupt on the next used buffer; true if none is pending after a full
  // barrier (false: buffers arrived meanwhile, poll again; interrupts stay
  // enabled). The device may have used a buffer before it could see the
  // write; used->idx is looked at again only after a full barrier (§2.7.7.2,
  // and the race described in §2.7.10 for the other direction).
  bool enable_interrupts() {
    interrupts_suppressed_ = false;
    if (ring_.event_idx()) ring_.set_used_event(last_used_idx_);
    else ring_.set_avail_flags(0);
    DriverRing::full_barrier();
    return used_pending() == 0;
  }

 private:
  // With EVENT_IDX, "no interrupts" means a used_event the device cannot
  // reach: half the 16-bit index space away from the entries it can publish
  // (at most kMaxSize ahead of what was consumed).
  static constexpr uint16_t kFarAway = 0x8000;
  static_assert(kMaxSize <= kFarAway);

  void free(uint16_t id) {
    in_flight_[id] = false;
    next_free_[id] = free_head_;
    free_head_ = id;
    ++free_count_;
  }

  DriverRing ring_;
  bool broken_ = false;
  bool interrupts_suppressed_ = false;
  // Driver-private bookkeeping, never in memory the device can write.
  uint16_t notified_idx_ = 0;   // avail->idx at the last needs_notify()
  uint16_t last_used_idx_ = 0;  // used entries consumed so far (mod 2^16)
  uint16_t free_head_ = kNoDescriptor;
  uint16_t free_count_ = 0;
  uint16_t next_free_[kMaxSize] = {};
  uint32_t posted_len_[kMaxSize] = {};
  bool in_flight_[kMaxSize] = {};
  uint32_t bad_entries_ = 0;
};

}  // namespace virtio
