// The physical frame allocator: every 4 KiB frame of the E820 RAM ranges
// above 1 MiB that is not the kernel image, this allocator's own table, or a
// reserved range (ACPI, the shared-memory device from "shmem=", anything the
// memory map does not call RAM). One 16-bit reference count per frame: 0 =
// free, kReserved = never handed out; copy-on-write sharing counts the
// address spaces that map a frame.
//
// Frames are reached through the direct map (layout::phys_to_virt); kernel
// memory is never paged out.
#pragma once

#include <stdint.h>

#include "lib/status.h"

namespace pmm {

// Builds the table from g_boot's memory map and prints
// "pmm: <n> MiB free in <m> frames".
Status init();

// One zeroed frame (reference count 1), or 0 when memory is exhausted.
uint64_t alloc();
// Up to n (at most kMaxBatch) zeroed frames in one go: how many it got.
inline constexpr uint32_t kMaxBatch = 64;
uint32_t alloc_many(uint64_t* frames, uint32_t n);
// n physically contiguous frames (count 1 each, not zeroed), or 0.
uint64_t alloc_contiguous(uint32_t n);
// A 2 MiB-aligned run of 512 frames that are all untouched since boot (so
// zero without any zeroing), count 1 each; 0 if there is none left. For
// 2 MiB user pages; callers fall back to 4 KiB pages.
uint64_t alloc_huge_clean();
// put / get on each of the 512 frames of a 2 MiB page.
void put_huge(uint64_t phys);
void get_huge(uint64_t phys);
// Drops one reference; the frame is free again at 0.
void put(uint64_t phys);
void put_many(const uint64_t* frames, uint32_t n);
void put_contiguous(uint64_t phys, uint32_t n);
// Adds a reference (a second mapping of the frame).
void get(uint64_t phys);
void get_many(const uint64_t* frames, uint32_t n);
uint32_t refcount(uint64_t phys);

uint64_t free_frames();

}  // namespace pmm
