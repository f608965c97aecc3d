// Thin wrappers around x86-64 instructions the kernel needs. Each is one
// instruction, so they live inline in this header.
#pragma once

#include <stdint.h>

namespace x86 {

// ---- port I/O ----
inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
  uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

// ---- MMIO (through the uncached direct map) ----
inline uint32_t mmio_read32(uint64_t va) { return *reinterpret_cast<volatile uint32_t*>(va); }
inline void mmio_write32(uint64_t va, uint32_t v) { *reinterpret_cast<volatile uint32_t*>(va) = v; }
inline void mmio_write8(uint64_t va, uint8_t v) { *reinterpret_cast<volatile uint8_t*>(va) = v; }
inline void mmio_write16(uint64_t va, uint16_t v) { *reinterpret_cast<volatile uint16_t*>(va) = v; }

// ---- MSRs ----
inline constexpr uint32_t kMsrApicBase = 0x1B;
inline constexpr uint32_t kMsrEfer = 0xC0000080;
inline constexpr uint32_t kMsrStar = 0xC0000081;
inline constexpr uint32_t kMsrLstar = 0xC0000082;
inline constexpr uint32_t kMsrFmask = 0xC0000084;
inline constexpr uint32_t kMsrTscDeadline = 0x6E0;
inline constexpr uint32_t kMsrFsBase = 0xC0000100;
inline constexpr uint32_t kMsrGsBase = 0xC0000101;
inline constexpr uint32_t kMsrKernelGsBase = 0xC0000102;

inline uint64_t rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (uint64_t{hi} << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v) {
  asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(v)), "d"(uint32_t(v >> 32)));
}

// ---- control registers ----
inline uint64_t read_cr2() {
  uint64_t v;
  asm volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
inline uint64_t read_cr3() {
  uint64_t v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
inline void write_cr3(uint64_t v) { asm volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
inline uint64_t read_cr0() {
  uint64_t v;
  asm volatile("mov %%cr0, %0" : "=r"(v));
  return v;
}
inline void write_cr0(uint64_t v) { asm volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
inline uint64_t read_cr4() {
  uint64_t v;
  asm volatile("mov %%cr4, %0" : "=r"(v));
  return v;
}
inline void write_cr4(uint64_t v) { asm volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }
// Flushes this CPU's TLB entries for the page holding va (SDM vol 2, INVLPG).
inline void invlpg(uint64_t va) { asm volatile("invlpg (%0)" ::"r"(va) : "memory"); }
// Flushes every non-global TLB entry of this CPU (a CR3 write does that,
// SDM vol 3, 4.10.4.1).
inline void flush_tlb() { write_cr3(read_cr3()); }

// ---- CPUID ----
struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
  return r;
}

// ---- time, interrupts, halting ----
inline uint64_t rdtsc() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t{hi} << 32) | lo;
}
inline void pause() { asm volatile("pause" ::: "memory"); }
inline void cli() { asm volatile("cli" ::: "memory"); }
inline void sti() { asm volatile("sti" ::: "memory"); }
// sti only takes effect after the next instruction (Intel SDM vol 2, STI), so
// "sti; hlt" cannot lose a wake-up interrupt between the two.
inline void sti_hlt() { asm volatile("sti; hlt" ::: "memory"); }
inline void hlt() { asm volatile("hlt" ::: "memory"); }

inline uint64_t read_rflags() {
  uint64_t v;
  asm volatile("pushfq; popq %0" : "=r"(v));
  return v;
}
inline constexpr uint64_t kRflagsIf = 1u << 9;

// Disables interrupts and returns whether they were enabled.
inline bool save_and_cli() {
  bool was = read_rflags() & kRflagsIf;
  cli();
  return was;
}
inline void restore_interrupts(bool was_enabled) {
  if (was_enabled) sti();
}

[[noreturn]] inline void halt_forever() {
  for (;;) {
    cli();
    hlt();
  }
}

}  // namespace x86
