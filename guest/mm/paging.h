// Page tables of user address spaces (Intel SDM vol 3, 4.5, 4-level
// paging): 4 KiB pages, and 2 MiB pages (PS in a PD entry) for large
// anonymous mappings; a 2 MiB page is split into 512 4 KiB entries when
// only part of it changes (partial unmap, copy-on-write). The kernel half (PML4 entries 256..511) is shared with the
// kernel's own tables; the user half belongs to one address space.
//
// Leaf entries carry the access rights; the intermediate entries of the user
// half allow everything (P|W|U), so a leaf alone decides (SDM vol 3, 4.6:
// rights are the intersection over all levels).
#pragma once

#include <stdint.h>

#include "mm/kernel_page_tables.h"

namespace paging {

// Software bit (bits 11:9 are ignored by the MMU, SDM table 4-19): this page
// is shared copy-on-write; a write fault copies it.
inline constexpr uint64_t kCow = 1ull << 9;
inline constexpr uint64_t kNoExecute = 1ull << 63;  // with EFER.NXE (SDM 4.6)
// Software bit: this leaf maps memory that is no frame of the allocator's
// (the shared-memory device's region, handed to a user process): unmapping
// and freeing clear it without returning the frame, and a clone does not
// inherit it.
inline constexpr uint64_t kDevicePage = 1ull << 10;

// A new PML4 with an empty user half and the kernel half copied; 0 if out
// of memory.
uint64_t new_pml4();
// The PD entry covering va (a 2 MiB page or a page table), creating missing
// upper tables if create; nullptr if missing (or out of memory).
uint64_t* pde_for(uint64_t pml4, uint64_t va, bool create);
// The 4 KiB leaf entry of va, creating missing tables (and splitting a
// 2 MiB page) if create; nullptr if there is none (or out of memory).
uint64_t* pte_for(uint64_t pml4, uint64_t va, bool create);
// Replaces a 2 MiB page entry by a page table with the same frames and
// rights; false if out of memory. The translations do not change, so no
// TLB flush is needed.
bool split_huge(uint64_t* pde);
inline bool is_huge(uint64_t e) {
  return (e & (vm::kPresent | vm::kLargePage)) == (vm::kPresent | vm::kLargePage);
}
inline constexpr uint64_t kHugeAddrMask = 0x000FFFFFFFE00000ull;  // bits 51:21
// Clears the leaf entries in [start, end) and drops their frames; returns
// whether any was present (then the TLBs need a flush).
bool unmap_range(uint64_t pml4, uint64_t start, uint64_t end);
// Maps [va, va + len) to [phys, phys + len) with 4 KiB leaves of
// `leaf_flags` | kDevicePage (all page-aligned); false if a page table could
// not be allocated (the caller unmaps what was mapped).
bool map_device_range(uint64_t pml4, uint64_t va, uint64_t phys, uint64_t len, uint64_t leaf_flags);
// Frees every user page and user page table, and the PML4 itself.
void free_all(uint64_t pml4);
// Makes dst's user half a copy-on-write twin of src's: every writable page
// becomes read-only + kCow in both, every page gains a reference. Returns
// false if dst's tables could not be allocated (dst is then partial: free it).
bool clone_cow(uint64_t src, uint64_t dst);

inline uint64_t pte_frame(uint64_t pte) { return pte & vm::kAddrMask; }

}  // namespace paging
