// Page faults in user address spaces: demand-zero (with fault-around and
// 2 MiB pages for large mappings) and copy-on-write; and the loaders'
// writes into a space that is not the current one.
#include "lib/kstring.h"
#include "mm/aspace_internal.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "uapi/abi.h"

namespace aspace {
namespace {

constexpr uint32_t kMaxFaultAround = pmm::kMaxBatch;  // pages (256 KiB)

bool allows(uint32_t prot, Access a) {
  if (prot == uabi::kProtNone) return false;
  if (a.write && !(prot & uabi::kProtWrite)) return false;
  if (a.exec && !(prot & uabi::kProtExec)) return false;
  return true;
}

// A write to a copy-on-write page: take it over if nobody else maps it,
// else copy it.
Fault break_cow(AddressSpace* as, uint64_t va, uint64_t* pte, uint32_t prot) {
  uint64_t old = paging::pte_frame(*pte);
  if (pmm::refcount(old) == 1) {
    *pte = old | pte_flags(prot);
    x86::invlpg(va);  // other CPUs at worst take a spurious fault
    return Fault::kResolved;
  }
  uint64_t copy = pmm::alloc();
  if (copy == 0) return Fault::kNoMemory;
  memcpy(layout::phys_to_virt(copy), layout::phys_to_virt(old), kPage);
  *pte = copy | pte_flags(prot);
  // The frame changed: no CPU may keep reading the old one.
  flush_everywhere(as);
  pmm::put(old);
  return Fault::kResolved;
}

Fault map_zeroed(uint64_t* pte, uint32_t prot) {
  uint64_t frame = pmm::alloc();
  if (frame == 0) return Fault::kNoMemory;
  *pte = frame | pte_flags(prot);
  return Fault::kResolved;
}

// Demand-zero fault at va (pte not present): maps va and, after sequential
// faults, the absent pages after it, up to the region's end and the end of
// this page table (so the entries are pte[0..n)).
Fault map_zeroed_around(Region* r, uint64_t va, uint64_t* pte) {
  uint32_t want = 1;
  if (va == r->next_fault && r->window > 0) {
    want = r->window * 2 > kMaxFaultAround ? kMaxFaultAround : r->window * 2;
  }
  uint64_t table_end = (va | (layout::kLargePageSize - 1)) + 1;
  uint64_t end = r->end < table_end ? r->end : table_end;
  if ((end - va) / kPage < want) want = static_cast<uint32_t>((end - va) / kPage);
  uint32_t n = 1;
  while (n < want && !(pte[n] & vm::kPresent)) ++n;
  uint64_t frames[kMaxFaultAround];
  uint32_t got = pmm::alloc_many(frames, n);
  if (got == 0) return Fault::kNoMemory;
  uint64_t flags = pte_flags(r->prot);
  for (uint32_t i = 0; i < got; ++i) pte[i] = frames[i] | flags;
  r->window = got;
  r->next_fault = va + got * kPage;
  return Fault::kResolved;
}

// A 2 MiB page for the block holding va, if the region covers the block
// and an untouched (hence zero) 2 MiB frame is left.
bool map_huge(Region* r, uint64_t va, uint64_t* pde) {
  uint64_t block = va & ~(layout::kLargePageSize - 1);
  if (!r->huge_ok || block < r->start || block + layout::kLargePageSize > r->end) return false;
  uint64_t frame = pmm::alloc_huge_clean();
  if (frame == 0) return false;
  *pde = frame | pte_flags(r->prot) | vm::kLargePage;
  return true;
}

Fault device_fault(AddressSpace* as, uint64_t va) {
  uint64_t* pte = paging::pte_for(as->pml4, va, false);
  if (pte == nullptr || !(*pte & vm::kPresent)) return Fault::kProtection;
  x86::invlpg(va);
  return Fault::kResolved;
}

Fault resolve_locked(AddressSpace* as, uint64_t va, Access access) {
  Region* r = find_region(as, va);
  if (r == nullptr) return Fault::kNoRegion;
  if (!allows(r->prot, access)) return Fault::kProtection;
  // Every page of a device region is mapped when it is added: a fault there
  // is a stale TLB entry (resolved) or none of ours to resolve.
  if (r->device) return device_fault(as, va);
  uint64_t* pde = paging::pde_for(as->pml4, va, true);
  if (pde == nullptr) return Fault::kNoMemory;
  if (paging::is_huge(*pde)) {
    if (!(access.write && (*pde & paging::kCow))) {
      x86::invlpg(va);  // already mapped: a stale TLB entry
      return Fault::kResolved;
    }
    // Copy-on-write happens per 4 KiB page.
    if (!paging::split_huge(pde)) return Fault::kNoMemory;
  } else if (!(*pde & vm::kPresent) && map_huge(r, va, pde)) {
    return Fault::kResolved;
  }
  uint64_t* pte = paging::pte_for(as->pml4, va, true);
  if (pte == nullptr) return Fault::kNoMemory;
  if (!(*pte & vm::kPresent)) return map_zeroed_around(r, va, pte);
  if (access.write && (*pte & paging::kCow)) return break_cow(as, va, pte, r->prot);
  // Already resolved (by another CPU, or a stale TLB entry here).
  x86::invlpg(va);
  return Fault::kResolved;
}

}  // namespace

Fault handle_fault(AddressSpace* as, uint64_t va, Access access) {
  Locker lock(as);
  return resolve_locked(as, va & ~(kPage - 1), access);
}

bool write_bytes(AddressSpace* as, uint64_t va, const void* src, size_t n) {
  auto* from = static_cast<const uint8_t*>(src);
  Locker lock(as);
  while (n > 0) {
    uint64_t page = va & ~(kPage - 1);
    const Region* r = find_region(as, page);
    if (r == nullptr || r->device) return false;  // loaders write anonymous memory only
    uint64_t* pte = paging::pte_for(as->pml4, page, true);
    if (pte == nullptr) return false;
    if (!(*pte & vm::kPresent) && map_zeroed(pte, r->prot) != Fault::kResolved) {
      return false;
    }
    size_t chunk = kPage - (va - page);
    if (chunk > n) chunk = n;
    memcpy(layout::phys_to_virt<uint8_t>(paging::pte_frame(*pte)) + (va - page), from, chunk);
    va += chunk;
    from += chunk;
    n -= chunk;
  }
  return true;
}

}  // namespace aspace
