// Segment selectors and the per-CPU GDT/TSS (Intel SDM vol 3, 3.4 and 8.7).
//
// GDT layout; the order is forced by SYSCALL/SYSRET (SDM vol 2, SYSCALL and
// SYSRET): SYSCALL loads CS = STAR[47:32], SS = CS + 8; SYSRET to 64-bit
// loads SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16, each with RPL 3.
//
//   index selector  descriptor
//   0     0x00      null
//   1     0x08      kernel code, 64-bit    (STAR[47:32] = 0x08)
//   2     0x10      kernel data            (SYSCALL SS = 0x08 + 8)
//   3     0x18|3    user data              (SYSRET SS = 0x10 + 8)
//   4     0x20|3    user code, 64-bit      (SYSRET CS = 0x10 + 16)
//   5,6   0x28      TSS (a 16-byte system descriptor in long mode)
#pragma once

#include <stdint.h>

namespace gdt {

inline constexpr uint16_t kKernelCs = 0x08;
inline constexpr uint16_t kKernelDs = 0x10;
inline constexpr uint16_t kUserDs = 0x18 | 3;
inline constexpr uint16_t kUserCs = 0x20 | 3;
inline constexpr uint16_t kTss = 0x28;
inline constexpr uint32_t kEntries = 7;

// Value for IA32_STAR[63:32]: SYSRET base in the high half, SYSCALL CS low.
inline constexpr uint32_t kStarHigh = (uint32_t{0x10 | 3} << 16) | kKernelCs;

// Interrupt stack table slots (TSS.IST1..7, SDM vol 3 6.14.5). Each gets
// its own stack so that a fault on a bad kernel stack still has a good one.
inline constexpr uint32_t kIstDoubleFault = 1;
inline constexpr uint32_t kIstNmi = 2;
inline constexpr uint32_t kIstMachineCheck = 3;
inline constexpr uint32_t kIstSlots = 3;

// 64-bit TSS (SDM vol 3, figure 8-11).
struct [[gnu::packed]] Tss {
  uint32_t reserved0;
  uint64_t rsp[3];  // stack loaded on a privilege change to ring 0..2
  uint64_t reserved1;
  uint64_t ist[7];  // ist[0] is IST1
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;  // >= limit: no I/O permission bitmap
};
static_assert(sizeof(Tss) == 104);

}  // namespace gdt

struct Cpu;
// Fills cpu's GDT and TSS, loads them (lgdt, segment reloads, ltr).
void gdt_init(Cpu& cpu);
