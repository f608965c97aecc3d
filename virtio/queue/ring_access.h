// Loads and stores of the ring fields the driver and the device share while
// both run (indices, flags, event indices). They go through the atomic
// builtins so the compiler neither tears nor caches them; the rings'
// alignment (checked by map_queue_layout) makes every field naturally
// aligned. Ordering follows virtio 1.2 §2.7.13 (driver) and §2.7.8 (device):
// read avail idx with acquire before the entries it covers; publish used idx
// with release after the entries it covers.
#pragma once

#include <atomic>
#include <cstdint>

namespace vmm::virtio::ring {

inline uint16_t load_u16(const uint8_t* p) {
  return __atomic_load_n(reinterpret_cast<const uint16_t*>(p), __ATOMIC_RELAXED);
}
inline uint16_t load_u16_acquire(const uint8_t* p) {
  return __atomic_load_n(reinterpret_cast<const uint16_t*>(p), __ATOMIC_ACQUIRE);
}
inline void store_u16(uint8_t* p, uint16_t v) {
  __atomic_store_n(reinterpret_cast<uint16_t*>(p), v, __ATOMIC_RELAXED);
}
inline void store_u16_release(uint8_t* p, uint16_t v) {
  __atomic_store_n(reinterpret_cast<uint16_t*>(p), v, __ATOMIC_RELEASE);
}
inline void store_u32(uint8_t* p, uint32_t v) {
  __atomic_store_n(reinterpret_cast<uint32_t*>(p), v, __ATOMIC_RELAXED);
}
// Between our last store and the next load of a driver-written field: the
// "store, full barrier, load" pattern that closes the missed-notification
// race of event suppression (virtio 1.2 §2.7.7, §2.7.10).
inline void full_barrier() { std::atomic_thread_fence(std::memory_order_seq_cst); }

}  // namespace vmm::virtio::ring
