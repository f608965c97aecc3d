// Split virtqueue, driver side (virtio 1.2 §2.7).
//
// Memory ordering. The device is another agent reading and writing the
// rings concurrently (a host thread). x86 is TSO: stores become visible in
// program order and loads are not reordered with other loads, so "descriptor,
// then ring slot, then idx" needs only a compiler barrier (a release store).
// But a later load may pass an earlier store (Intel SDM vol 3, 9.2.3.4
// "Loads may be reordered with older stores to different locations"), so
// wherever the driver writes an index and then reads the device's wish (or
// the other way round) a full barrier (mfence, __ATOMIC_SEQ_CST) is needed;
// the device does the mirror image, and without both a notification or an
// interrupt could be lost.
#include "dev/virtio/driver_queue.h"

#include "arch/x86/include/layout.h"
#include "lib/kstring.h"
#include "mm/pmm.h"

namespace virtio {

namespace {

constexpr uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// The used ring is written by the device and the available ring by the
// driver: separate cache lines (64 bytes also satisfies §2.7's 4).
constexpr uint64_t kUsedRingPlacement = 64;
static_assert(kUsedRingPlacement % kUsedRingAlign == 0);

// With EVENT_IDX, "no interrupts" means a used_event the device cannot
// reach: half the 16-bit index space away from the entries it can publish
// (at most kMaxSize ahead of what was consumed).
constexpr uint16_t kFarAway = 0x8000;

uint16_t load16(const uint16_t* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
uint16_t load16_acquire(const uint16_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
uint32_t load32(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
void store16(uint16_t* p, uint16_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
void full_barrier() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

}  // namespace

Status Virtqueue::init(uint16_t size, bool event_idx) {
  if (size == 0 || size > kMaxSize || (size & (size - 1)) != 0)
    return Status::error("virtqueue: size is not a power of 2 up to 256");
  avail_offset_ = align_up(desc_table_bytes(size), kAvailRingAlign);
  used_offset_ = align_up(avail_offset_ + avail_ring_bytes(size), kUsedRingPlacement);
  uint64_t bytes = used_offset_ + used_ring_bytes(size);
  frames_ = static_cast<uint32_t>(align_up(bytes, layout::kPageSize) / layout::kPageSize);
  // "Allocate and zero the queue memory, making sure the memory is
  // physically contiguous" (§4.2.3.2 step 4). Frames are 4 KiB aligned, so
  // the descriptor table's 16-byte alignment holds.
  phys_ = pmm::alloc_contiguous(frames_);
  if (phys_ == 0) return Status::error("virtqueue: out of memory for the rings");
  uint8_t* base = layout::phys_to_virt<uint8_t>(phys_);
  memset(base, 0, frames_ * layout::kPageSize);

  desc_ = reinterpret_cast<VirtqDesc*>(base);
  avail_flags_ = reinterpret_cast<uint16_t*>(base + avail_offset_);
  avail_idx_ = avail_flags_ + 1;
  avail_ring_ = avail_flags_ + 2;
  used_event_ = avail_ring_ + size;  // after ring[size] (§2.7.6)
  used_flags_ = reinterpret_cast<uint16_t*>(base + used_offset_);
  used_idx_ = used_flags_ + 1;
  used_ring_ = reinterpret_cast<VirtqUsedElem*>(used_flags_ + 2);
  avail_event_ = reinterpret_cast<uint16_t*>(used_ring_ + size);  // after ring[size] (§2.7.8)

  size_ = size;
  event_idx_ = event_idx;
  for (uint16_t i = 0; i < size; ++i) next_free_[i] = i + 1 < size ? i + 1 : kNoDescriptor;
  free_head_ = 0;
  free_count_ = size;
  return Status::ok();
}

void Virtqueue::release() {
  if (phys_ != 0) pmm::put_contiguous(phys_, frames_);
  phys_ = 0;
  frames_ = 0;
}

uint16_t Virtqueue::alloc() {
  if (free_count_ == 0) return kNoDescriptor;
  uint16_t id = free_head_;
  free_head_ = next_free_[id];
  --free_count_;
  in_flight_[id] = true;
  return id;
}

void Virtqueue::free(uint16_t id) {
  in_flight_[id] = false;
  next_free_[id] = free_head_;
  free_head_ = id;
  ++free_count_;
}

void Virtqueue::add(uint16_t id, uint64_t phys, uint32_t len, bool device_writes) {
  VirtqDesc& d = desc_[id];
  d.addr = phys;
  d.len = len;
  d.flags = device_writes ? kDescFlagWrite : 0;
  d.next = 0;
  posted_len_[id] = len;
  // "The driver places the index of the head of the descriptor chain into
  // the next ring entry of the available ring" (§2.7.13.2), ring index
  // taken modulo the queue size; avail->idx itself wraps at 2^16.
  store16(&avail_ring_[avail_idx_shadow_ & (size_ - 1)], id);
  ++avail_idx_shadow_;
}

void Virtqueue::publish() {
  // "The driver MUST perform a suitable memory barrier before the idx update,
  // to ensure the device sees the most up-to-date copy" (§2.7.13.3.1). On
  // x86 (TSO) stores are not reordered with stores, so the release store
  // only has to keep the compiler from sinking the descriptor and ring
  // writes below it.
  __atomic_store_n(avail_idx_, avail_idx_shadow_, __ATOMIC_RELEASE);
}

bool Virtqueue::needs_notify() {
  uint16_t old_idx = notified_idx_;
  uint16_t new_idx = avail_idx_shadow_;
  notified_idx_ = new_idx;
  if (old_idx == new_idx) return false;
  // "The driver MUST perform a suitable memory barrier before reading
  // flags or avail_event, to avoid missing a notification" (§2.7.10.1).
  full_barrier();
  if (event_idx_) {
    // The driver ignores used->flags and notifies iff avail_event lies in
    // [old, new) (§2.7.10.1, vring_need_event).
    return vring_need_event(load16(avail_event_), new_idx, old_idx);
  }
  return (load16(used_flags_) & kUsedFlagNoNotify) == 0;
}

uint16_t Virtqueue::used_pending() const {
  if (broken_) return 0;
  return static_cast<uint16_t>(load16_acquire(used_idx_) - last_used_idx_);
}

Virtqueue::UsedResult Virtqueue::pop_used(Used* out) {
  if (broken_) return UsedResult::kEmpty;
  // The acquire load orders the entry reads after it (the device filled
  // the entries before it stored idx, §2.7.8).
  uint16_t pending = static_cast<uint16_t>(load16_acquire(used_idx_) - last_used_idx_);
  if (pending == 0 && event_idx_ && !interrupts_suppressed_) {
    // "Interrupt me after the next one": store used_event, then look again
    // after a full barrier, or a buffer used in between could go unsignalled
    // (§2.7.7.2; Linux's virtqueue_get_buf does the same).
    store16(used_event_, last_used_idx_);
    full_barrier();
    pending = static_cast<uint16_t>(load16_acquire(used_idx_) - last_used_idx_);
  }
  if (pending == 0) return UsedResult::kEmpty;
  // The device can never have returned more buffers than are in flight: a
  // used->idx beyond that is garbage and the ring is no longer trusted.
  if (pending > size_ - free_count_) {
    broken_ = true;
    ++bad_entries_;
    return UsedResult::kBad;
  }
  const VirtqUsedElem& e = used_ring_[last_used_idx_ & (size_ - 1)];
  uint32_t id = load32(&e.id);  // each field read once, then only the copy used
  uint32_t len = load32(&e.len);
  ++last_used_idx_;
  if (event_idx_ && interrupts_suppressed_) store16(used_event_, last_used_idx_ - kFarAway);
  if (id >= size_ || !in_flight_[id]) {
    ++bad_entries_;
    return UsedResult::kBad;
  }
  free(static_cast<uint16_t>(id));
  // len is the number of bytes the device wrote into the buffer (§2.7.8);
  // more than the buffer holds is impossible for an honest device: not
  // trusted, the buffer is reused (Linux validates the same way).
  if (len > posted_len_[id]) {
    ++bad_entries_;
    return UsedResult::kBad;
  }
  *out = Used{static_cast<uint16_t>(id), len};
  return UsedResult::kBuffer;
}

void Virtqueue::suppress_interrupts() {
  interrupts_suppressed_ = true;
  // With EVENT_IDX the device ignores avail->flags (§2.7.7.2): keep
  // used_event out of its reach instead. Both are hints only; the device
  // may still interrupt.
  if (event_idx_) store16(used_event_, last_used_idx_ - kFarAway);
  else store16(avail_flags_, kAvailFlagNoInterrupt);
}

bool Virtqueue::enable_interrupts() {
  interrupts_suppressed_ = false;
  if (event_idx_) store16(used_event_, last_used_idx_);
  else store16(avail_flags_, 0);
  // The device may have used a buffer before it could see the write above;
  // look at used->idx again only after a full barrier (§2.7.7.2, and the
  // race described in §2.7.10 for the other direction).
  full_barrier();
  return used_pending() == 0;
}

}  // namespace virtio
