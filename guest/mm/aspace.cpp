// Address spaces: their life cycle, loading one on a CPU, and the regions
// that say which user addresses are valid (page faults: aspace_fault.cpp).
#include "arch/x86/cpu/percpu.h"
#include "mm/aspace_internal.h"
#include "mm/paging.h"
#include "uapi/errno.h"

namespace aspace {
namespace {

constexpr uint64_t kMmapEnd = layout::kUserTop - layout::kUserStackSize;

constinit SpinLock g_pool_lock;
AddressSpace g_pool[kMaxSpaces];
AddressSpace* g_loaded[kMaxCpus];  // per CPU

uint64_t page_up(uint64_t a) { return (a + kPage - 1) & ~(kPage - 1); }

AddressSpace* alloc_space() {
  SpinLocker lock(g_pool_lock);
  for (AddressSpace& as : g_pool) {
    if (as.in_use) continue;
    as.in_use = true;
    as.region_count = 0;
    as.refs = 1;
    as.cpus = 0;
    return &as;
  }
  return nullptr;
}

void free_space(AddressSpace* as) {
  if (as->pml4) paging::free_all(as->pml4);
  as->pml4 = 0;
  SpinLocker lock(g_pool_lock);
  as->in_use = false;
}

bool overlaps(const AddressSpace* as, uint64_t start, uint64_t end) {
  for (uint32_t i = 0; i < as->region_count; ++i) {
    if (as->regions[i].start < end && start < as->regions[i].end) return true;
  }
  return false;
}

bool insert_region(AddressSpace* as, Region r) {
  if (as->region_count == kMaxRegions) return false;
  uint32_t i = as->region_count;
  while (i > 0 && as->regions[i - 1].start > r.start) {
    as->regions[i] = as->regions[i - 1];
    --i;
  }
  as->regions[i] = r;
  as->region_count++;
  return true;
}

void erase_region(AddressSpace* as, uint32_t i) {
  for (uint32_t j = i + 1; j < as->region_count; ++j) as->regions[j - 1] = as->regions[j];
  as->region_count--;
}

// Cuts [start, end) out of region i; false if a split needs a slot there is
// not.
bool cut_region(AddressSpace* as, uint32_t i, uint64_t start, uint64_t end) {
  Region r = as->regions[i];
  if (start <= r.start && end >= r.end) {
    erase_region(as, i);
  } else if (start <= r.start) {
    as->regions[i].start = end;
  } else if (end >= r.end) {
    as->regions[i].end = start;
  } else {
    if (as->region_count == kMaxRegions) return false;
    as->regions[i].end = start;
    Region tail = r;
    tail.start = end;
    return insert_region(as, tail);
  }
  return true;
}

}  // namespace

AddressSpace* create() {
  AddressSpace* as = alloc_space();
  if (as == nullptr) return nullptr;
  as->pml4 = paging::new_pml4();
  if (as->pml4 == 0) {
    free_space(as);
    return nullptr;
  }
  return as;
}

AddressSpace* clone(AddressSpace* src) {
  AddressSpace* as = create();
  if (as == nullptr) return nullptr;
  Locker lock(src);
  // Device regions stay with src: their pages are not shared (paging.h, kDevicePage).
  for (uint32_t i = 0; i < src->region_count; ++i) {
    if (!src->regions[i].device) as->regions[as->region_count++] = src->regions[i];
  }
  bool ok = paging::clone_cow(src->pml4, as->pml4);
  // src's writable pages just became read-only: other CPUs running src
  // must not keep writing through old TLB entries.
  flush_everywhere(src);
  if (!ok) {
    free_space(as);
    return nullptr;
  }
  return as;
}

void get(AddressSpace* as) { __atomic_add_fetch(&as->refs, 1, __ATOMIC_RELAXED); }

void put(AddressSpace* as) {
  if (__atomic_sub_fetch(&as->refs, 1, __ATOMIC_ACQ_REL) == 0) free_space(as);
}

void activate(AddressSpace* as) {
  uint32_t me = this_cpu()->id;
  AddressSpace* old = g_loaded[me];
  if (old == as) return;
  uint64_t bit = 1ull << me;
  // Announce before loading, withdraw after unloading: a shootdown that
  // misses this CPU finds it with a fresh CR3 (no stale entries).
  if (as) __atomic_or_fetch(&as->cpus, bit, __ATOMIC_SEQ_CST);
  x86::write_cr3(as ? as->pml4 : vm::kernel_pml4_phys());
  if (old) __atomic_and_fetch(&old->cpus, ~bit, __ATOMIC_SEQ_CST);
  g_loaded[me] = as;
}

Status add_region(AddressSpace* as, uint64_t start, uint64_t len, uint32_t prot) {
  uint64_t end = page_up(start + len);
  start &= ~(kPage - 1);
  if (!layout::is_user_range(start, end - start) || start >= end) {
    return Status::error("region outside user space");
  }
  Locker lock(as);
  if (overlaps(as, start, end)) return Status::error("regions overlap");
  if (!insert_region(as, {start, end, prot})) return Status::error("too many regions");
  return Status::ok();
}

namespace {

// The lowest `align`-aligned address in the mmap area with room for len
// bytes, or 0. Lock held.
uint64_t find_room_locked(AddressSpace* as, uint64_t len, uint64_t align) {
  uint64_t candidate = layout::kUserMmapBase;
  for (uint32_t i = 0; i < as->region_count; ++i) {
    const Region& r = as->regions[i];
    if (r.end <= candidate) continue;
    if (r.start >= candidate + len) break;
    candidate = (r.end + align - 1) & ~(align - 1);
  }
  return candidate + len > kMmapEnd ? 0 : candidate;
}

}  // namespace

int64_t map_anonymous(AddressSpace* as, uint64_t len, uint32_t prot) {
  if (len == 0 || len > kMmapEnd - layout::kUserMmapBase) return -err::kInval;
  len = page_up(len);
  // Mappings of 2 MiB or more start on a 2 MiB boundary: 2 MiB pages.
  bool huge = len >= layout::kLargePageSize;
  Locker lock(as);
  uint64_t start = find_room_locked(as, len, huge ? layout::kLargePageSize : kPage);
  if (start == 0) return -err::kNoMem;
  Region region{start, start + len, prot};
  region.huge_ok = huge;
  if (!insert_region(as, region)) return -err::kNoMem;
  return static_cast<int64_t>(start);
}

int64_t map_device(AddressSpace* as, uint64_t phys, uint64_t len, uint32_t prot) {
  if (len == 0 || (phys | len) & (kPage - 1) || len > kMmapEnd - layout::kUserMmapBase) return -err::kInval;
  Locker lock(as);
  uint64_t start = find_room_locked(as, len, kPage);
  if (start == 0) return -err::kNoMem;
  Region region{start, start + len, prot};
  region.device = true;
  if (!insert_region(as, region)) return -err::kNoMem;
  if (!paging::map_device_range(as->pml4, start, phys, len, pte_flags(prot))) {
    paging::unmap_range(as->pml4, start, start + len);  // never used: no TLB holds it
    for (uint32_t i = 0; i < as->region_count; ++i) {
      if (as->regions[i].start == start) erase_region(as, i);
    }
    return -err::kNoMem;
  }
  return static_cast<int64_t>(start);
}

int64_t unmap(AddressSpace* as, uint64_t addr, uint64_t len) {
  if ((addr & (kPage - 1)) || len == 0 || !layout::is_user_range(addr, page_up(len))) {
    return -err::kInval;
  }
  uint64_t end = addr + page_up(len);
  Locker lock(as);
  for (uint32_t i = 0; i < as->region_count;) {
    const Region& r = as->regions[i];
    if (r.end <= addr || r.start >= end) {
      ++i;
      continue;
    }
    uint32_t before = as->region_count;
    if (!cut_region(as, i, addr, end)) return -err::kNoMem;
    if (as->region_count >= before) ++i;  // trimmed or split: look at the next
  }
  if (paging::unmap_range(as->pml4, addr, end)) flush_everywhere(as);
  return 0;
}

bool range_permits(AddressSpace* as, uint64_t va, uint64_t len, uint32_t prot) {
  if (!layout::is_user_range(va, len)) return false;
  Locker lock(as);
  uint64_t end = va + len;
  while (va < end) {
    const Region* r = find_region(as, va);
    if (r == nullptr || (r->prot & prot) != prot) return false;
    va = r->end;
  }
  return true;
}

}  // namespace aspace
