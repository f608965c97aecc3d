// Virtual memory layout of the guest kernel. Included by C++ and by the .S
// files, so it holds plain #defines only.
//
//   virtual address                                  what
//   0x0000_0000_0000_0000 +------------------------+
//                         | unmapped (NULL guard)  |  PML4[0..255]: each
//   0x0000_0000_0040_0000 +------------------------+  process's own; PML4[0]
//                         | program (ELF segments) |  identity-maps low RAM
//                         +------------------------+  only while CPUs boot
//   0x0000_1000_0000_0000 | mmap area (anonymous,  |  kUserMmapBase
//                         |  demand-zero), upwards |
//                         |          ...           |
//   0x0000_7fff_ff7f_f000 +------------------------+
//                         | stack, 8 MiB,          |  demand-zero
//                         |  demand-zero           |
//   0x0000_7fff_ffff_f000 +------------------------+  kUserTop: no user
//                         | (one guard page)       |  address at or above
//   0x0000_7fff_ffff_ffff +------------------------+
//                         | non-canonical hole     |
//   0xffff_8000_0000_0000 +------------------------+  kDirectMapBase
//                         | direct map of physical |  PML4[256]: phys p at
//                         | memory (RAM WB, the    |  kDirectMapBase + p,
//                         | 3..4 GiB device hole UC)| 2 MiB pages
//                         +------------------------+
//                         | unused                 |
//   0xffff_ffff_8000_0000 +------------------------+  KERNEL_VMA (PML4[511],
//                         | kernel image, linked   |  PDPT[510]) maps phys 0
//                         | at KERNEL_VMA + phys   |  so the image (loaded at
//                         | (text, rodata, data,   |  phys 1 MiB) sits at
//                         |  bss, boot stacks)     |  KERNEL_VMA + 1 MiB;
//   0xffff_ffff_ffff_ffff +------------------------+  -mcmodel=kernel needs
//                                                     it in the top 2 GiB.
#pragma once

#define KERNEL_VMA 0xFFFFFFFF80000000
#define DIRECT_MAP_BASE 0xFFFF800000000000
#define KERNEL_LOAD_PHYS 0x100000  // == abi::kKernelLoadGpa

// The AP trampoline runs in real mode, so it must sit below 1 MiB on a 4 KiB
// boundary (the SIPI vector is its page number, Intel SDM vol 3 8.4.4.1).
// == abi::kApTrampolineGpa; the VMM keeps this page free.
#define AP_TRAMPOLINE_PHYS 0x8000

#define PAGE_SIZE 4096
#define KERNEL_STACK_SIZE 16384

#if !defined(__ASSEMBLER__)
#include <stdint.h>

#include "abi/platform.h"

static_assert(KERNEL_LOAD_PHYS == abi::kKernelLoadGpa);
static_assert(AP_TRAMPOLINE_PHYS == abi::kApTrampolineGpa);
static_assert(PAGE_SIZE == abi::kPageSize);

namespace layout {

inline constexpr uint64_t kKernelVma = KERNEL_VMA;
inline constexpr uint64_t kDirectMapBase = DIRECT_MAP_BASE;
inline constexpr uint64_t kPageSize = PAGE_SIZE;
inline constexpr uint64_t kLargePageSize = 2ull << 20;
inline constexpr uint64_t kGiB = 1ull << 30;

// User space. kUserTop stays a page below the canonical boundary so that
// SYSRET never sees a non-canonical RIP from a user page (Intel SDM vol 2,
// SYSRET: #GP in ring 0 otherwise).
inline constexpr uint64_t kUserBase = 0x400000;
inline constexpr uint64_t kUserMmapBase = 0x0000100000000000;
inline constexpr uint64_t kUserTop = 0x00007ffffffff000;
inline constexpr uint64_t kUserStackSize = 8ull << 20;
inline constexpr bool is_user_address(uint64_t va) { return va < kUserTop; }
// Whether [va, va + len) lies in user space (no wrap-around).
inline constexpr bool is_user_range(uint64_t va, uint64_t len) {
  return va <= kUserTop && len <= kUserTop - va;
}

// Physical address -> pointer in the direct map.
template <typename T = void>
inline T* phys_to_virt(uint64_t phys) {
  return reinterpret_cast<T*>(kDirectMapBase + phys);
}

// Kernel image symbol -> its physical address.
inline uint64_t kernel_virt_to_phys(const void* p) {
  return reinterpret_cast<uint64_t>(p) - kKernelVma;
}

}  // namespace layout
#endif
