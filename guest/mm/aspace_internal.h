// The inside of an address space, shared by aspace.cpp (lifecycle and
// regions) and aspace_fault.cpp (page faults and loading). Nothing else
// includes this.
#pragma once

#include <stdint.h>

#include "arch/x86/cpu_features.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "lib/spinlock.h"
#include "mm/aspace.h"
#include "mm/paging.h"
#include "mm/tlb.h"
#include "uapi/abi.h"

namespace aspace {

// Spins with interrupts off, serving TLB shootdowns meanwhile: the holder
// may be waiting for this very CPU to flush (tlb.h).
class ShootdownSafeLock {
 public:
  void lock() { lock_.lock_serving(tlb_serve_pending); }
  void unlock() { lock_.unlock(); }

 private:
  SpinLock lock_;
};

struct Region {
  uint64_t start{}, end{};
  uint32_t prot{};
  // Fault-around: a fault right where the last one's pages ended doubles
  // the number of pages the next one maps (sequential touching, e.g. a
  // buffer being filled); any other fault resets it to one page.
  uint64_t next_fault{};
  uint32_t window{};
  // Large anonymous mappings may use 2 MiB pages where they cover a whole
  // aligned 2 MiB block.
  bool huge_ok{};
  // Device memory (map_device): every page mapped when the region was
  // added, none of them a frame of ours; a fault here is never resolved.
  bool device{};
};

}  // namespace aspace

struct AddressSpace {
  aspace::ShootdownSafeLock lock{};
  uint64_t pml4{};
  aspace::Region regions[aspace::kMaxRegions]{};  // sorted by start, disjoint
  uint32_t region_count{};
  int refs{};
  uint64_t cpus{};  // CPUs that have pml4 loaded (bit = cpu id)
  bool in_use{};
};

namespace aspace {

inline constexpr uint64_t kPage = layout::kPageSize;

class Locker {
 public:
  explicit Locker(AddressSpace* as) : as_(as) { as_->lock.lock(); }
  ~Locker() { as_->lock.unlock(); }
  Locker(const Locker&) = delete;
  Locker& operator=(const Locker&) = delete;

 private:
  AddressSpace* as_;
};

// Leaf entry bits for a page of a region with these rights. x86 pages are
// always readable when present; write and execute are the two switches.
inline uint64_t pte_flags(uint32_t prot) {
  uint64_t f = vm::kPresent | vm::kUser;
  if (prot & uabi::kProtWrite) f |= vm::kWritable;
  if (!(prot & uabi::kProtExec) && g_cpu_features.nx) f |= paging::kNoExecute;
  return f;
}

// The region holding va, or nullptr. Lock held.
inline Region* find_region(AddressSpace* as, uint64_t va) {
  for (uint32_t i = 0; i < as->region_count; ++i) {
    Region& r = as->regions[i];
    if (va >= r.start && va < r.end) return &r;
  }
  return nullptr;
}

inline void flush_everywhere(AddressSpace* as) {
  tlb_shootdown(__atomic_load_n(&as->cpus, __ATOMIC_SEQ_CST));
}

}  // namespace aspace
