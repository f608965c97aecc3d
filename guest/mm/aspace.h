// A user address space: its page tables (paging.h) and the regions (VMAs)
// that say which user addresses are valid and with which rights. Pages of a
// region are allocated on first touch (demand-zero); a duplicated address
// space shares its pages copy-on-write.
//
// Reference counted: each thread of a process holds one reference; the
// tables and frames go back to the allocator when the last one is dropped,
// which happens only after the last CPU has switched away from them.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/status.h"

struct AddressSpace;

namespace aspace {

inline constexpr uint32_t kMaxRegions = 64;
inline constexpr uint32_t kMaxSpaces = 64;

enum class Fault {
  kResolved,    // a page was mapped or copied (or another CPU already did)
  kNoRegion,    // no region covers the address
  kProtection,  // the region forbids this access
  kNoMemory,
};

struct Access {
  bool write;
  bool exec;
};

// An empty address space (reference count 1), or nullptr.
AddressSpace* create();
// A copy-on-write duplicate of src (reference count 1), or nullptr.
AddressSpace* clone(AddressSpace* src);
void get(AddressSpace* as);
void put(AddressSpace* as);

// Loads as (nullptr: the kernel's tables) on this CPU.
void activate(AddressSpace* as);

// Adds the region [start, start + len) with uabi::kProt* rights; it must not
// overlap another.
Status add_region(AddressSpace* as, uint64_t start, uint64_t len, uint32_t prot);
// Finds room in the mmap area and adds a region there: its address or -errno.
int64_t map_anonymous(AddressSpace* as, uint64_t len, uint32_t prot);
// Finds room in the mmap area and maps the device memory [phys, phys + len)
// there, every page at once (no fault on first touch), write-back: its
// address or -errno. The pages are never returned to the frame allocator and
// a clone of the space does not inherit them.
int64_t map_device(AddressSpace* as, uint64_t phys, uint64_t len, uint32_t prot);
// Removes [addr, addr + len) from the regions and unmaps its pages: 0 or
// -errno.
int64_t unmap(AddressSpace* as, uint64_t addr, uint64_t len);

// Resolves a page fault at va: demand-zero or copy-on-write.
Fault handle_fault(AddressSpace* as, uint64_t va, Access access);
// Whether every byte of [va, va + len) is in regions allowing prot.
bool range_permits(AddressSpace* as, uint64_t va, uint64_t len, uint32_t prot);
// Copies into as (not necessarily the loaded one) through the direct map,
// mapping pages as needed whatever the region's rights: for loaders.
bool write_bytes(AddressSpace* as, uint64_t va, const void* src, size_t n);

}  // namespace aspace
