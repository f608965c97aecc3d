// The hostile guest's access to the machine: port I/O, 32-bit MMIO, the
// TSC, and compiler barriers. The guest runs in the PVH entry state (32-bit
// protected mode, flat segments, paging off), so a physical address is a
// pointer; x86's ordering (TSO) makes a compiler barrier enough between ring
// writes and the MMIO write that announces them (virtio 1.2 §2.7.13 asks
// for a write barrier, which on x86 is the compiler's).
#pragma once

#include <stdint.h>

namespace hg {

inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
  uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

inline void barrier() { asm volatile("" : : : "memory"); }
inline void cpu_relax() { asm volatile("pause" : : : "memory"); }

inline uint32_t mmio_read32(uintptr_t addr) { return *reinterpret_cast<volatile uint32_t*>(addr); }
inline void mmio_write32(uintptr_t addr, uint32_t v) { *reinterpret_cast<volatile uint32_t*>(addr) = v; }

inline uint64_t rdtsc() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t{hi} << 32) | lo;
}

// Physical address <-> pointer (paging is off).
template <typename T>
inline T* phys(uint64_t addr) { return reinterpret_cast<T*>(static_cast<uintptr_t>(addr)); }
inline uint64_t phys_of(const void* p) { return reinterpret_cast<uintptr_t>(p); }

}  // namespace hg
