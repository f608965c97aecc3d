#include "mm/paging.h"

#include "arch/x86/include/layout.h"
#include "lib/kstring.h"
#include "mm/pmm.h"

namespace paging {
namespace {

constexpr uint64_t kTableFlags = vm::kPresent | vm::kWritable | vm::kUser;
constexpr uint32_t kUserPml4Entries = 256;  // the lower half
constexpr int kLevels = 4;

uint64_t* table(uint64_t phys) { return layout::phys_to_virt<uint64_t>(phys); }

uint32_t index(uint64_t va, int level) {  // level 3 = PML4 ... 0 = PT
  return (va >> (12 + 9 * level)) & 511;
}

// Frames collected for one pmm call: taking the allocator's lock once per
// page table instead of once per page matters where kernel code is slow.
class FrameBatch {
 public:
  explicit FrameBatch(void (*flush)(const uint64_t*, uint32_t)) : flush_(flush) {}
  ~FrameBatch() { flush(); }
  FrameBatch(const FrameBatch&) = delete;
  FrameBatch& operator=(const FrameBatch&) = delete;
  void add(uint64_t frame) {
    frames_[n_++] = frame;
    if (n_ == pmm::kMaxBatch) flush();
  }
  void flush() {
    if (n_) flush_(frames_, n_);
    n_ = 0;
  }

 private:
  void (*flush_)(const uint64_t*, uint32_t);
  uint64_t frames_[pmm::kMaxBatch];
  uint32_t n_ = 0;
};

// Drops the frames of a page table's present entries in [from, to) and
// clears those entries; returns whether any was present.
bool clear_leaves(uint64_t* t, uint32_t from, uint32_t to) {
  FrameBatch batch(pmm::put_many);
  bool any = false;
  for (uint32_t i = from; i < to; ++i) {
    uint64_t e = t[i];
    if (!(e & vm::kPresent)) continue;
    if (!(e & kDevicePage)) batch.add(pte_frame(e));
    t[i] = 0;
    any = true;
  }
  return any;
}

// Frees the table at phys (level > 0: and everything below it).
void free_table(uint64_t phys, int level) {
  uint64_t* t = table(phys);
  if (level == 0) {
    FrameBatch batch(pmm::put_many);
    for (uint32_t i = 0; i < 512; ++i) {
      if ((t[i] & vm::kPresent) && !(t[i] & kDevicePage)) batch.add(pte_frame(t[i]));
    }
  } else {
    for (uint32_t i = 0; i < 512; ++i) {
      if (level == 1 && is_huge(t[i])) {
        pmm::put_huge(t[i] & kHugeAddrMask);
      } else if (t[i] & vm::kPresent) {
        free_table(pte_frame(t[i]), level - 1);
      }
    }
  }
  pmm::put(phys);
}

// A writable page becomes read-only + copy-on-write.
uint64_t cow_entry(uint64_t e) { return (e & vm::kWritable) ? (e & ~vm::kWritable) | kCow : e; }

// Copies the leaf entries of one page table, sharing the frames.
void share_leaves(uint64_t* src, uint64_t* dst) {
  FrameBatch batch(pmm::get_many);
  for (uint32_t i = 0; i < 512; ++i) {
    uint64_t e = src[i];
    if (!(e & vm::kPresent) || (e & kDevicePage)) continue;  // the clone does not get device pages
    if (e & vm::kWritable) src[i] = e = cow_entry(e);
    dst[i] = e;
    batch.add(pte_frame(e));
  }
}

bool clone_level(uint64_t src_phys, uint64_t dst_phys, int level, uint32_t entries) {
  uint64_t* src = table(src_phys);
  uint64_t* dst = table(dst_phys);
  if (level == 0) {
    share_leaves(src, dst);
    return true;
  }
  for (uint32_t i = 0; i < entries; ++i) {
    if (!(src[i] & vm::kPresent)) continue;
    if (level == 1 && is_huge(src[i])) {
      src[i] = dst[i] = cow_entry(src[i]);
      pmm::get_huge(src[i] & kHugeAddrMask);
      continue;
    }
    uint64_t child = pmm::alloc();
    if (child == 0) return false;
    dst[i] = child | kTableFlags;
    if (!clone_level(pte_frame(src[i]), child, level - 1, 512)) return false;
  }
  return true;
}

}  // namespace

uint64_t new_pml4() {
  uint64_t phys = pmm::alloc();
  if (phys == 0) return 0;
  const uint64_t* kernel = table(vm::kernel_pml4_phys());
  memcpy(table(phys) + kUserPml4Entries, kernel + kUserPml4Entries,
         kUserPml4Entries * sizeof(uint64_t));
  return phys;
}

uint64_t* pde_for(uint64_t pml4, uint64_t va, bool create) {
  uint64_t* t = table(pml4);
  for (int level = kLevels - 1; level > 1; --level) {
    uint64_t& e = t[index(va, level)];
    if (!(e & vm::kPresent)) {
      if (!create) return nullptr;
      uint64_t child = pmm::alloc();
      if (child == 0) return nullptr;
      e = child | kTableFlags;
    }
    t = table(pte_frame(e));
  }
  return &t[index(va, 1)];
}

uint64_t* pte_for(uint64_t pml4, uint64_t va, bool create) {
  uint64_t* pde = pde_for(pml4, va, create);
  if (pde == nullptr) return nullptr;
  if (is_huge(*pde) && (!create || !split_huge(pde))) return nullptr;
  if (!(*pde & vm::kPresent)) {
    if (!create) return nullptr;
    uint64_t child = pmm::alloc();
    if (child == 0) return nullptr;
    *pde = child | kTableFlags;
  }
  return &table(pte_frame(*pde))[index(va, 0)];
}

bool split_huge(uint64_t* pde) {
  uint64_t pt = pmm::alloc();
  if (pt == 0) return false;
  uint64_t base = *pde & kHugeAddrMask;
  uint64_t flags = *pde & (vm::kPresent | vm::kWritable | vm::kUser | kCow | kNoExecute);
  uint64_t* t = table(pt);
  for (uint32_t i = 0; i < 512; ++i) t[i] = (base + i * layout::kPageSize) | flags;
  *pde = pt | kTableFlags;
  return true;
}

bool unmap_range(uint64_t pml4, uint64_t start, uint64_t end) {
  bool any = false;
  // One PD entry (2 MiB of address space) at a time.
  for (uint64_t va = start; va < end;) {
    uint64_t block_end = (va | (layout::kLargePageSize - 1)) + 1;
    uint64_t stop = end < block_end ? end : block_end;
    uint64_t* pde = pde_for(pml4, va, false);
    bool whole = (va & (layout::kLargePageSize - 1)) == 0 && stop == block_end;
    if (pde != nullptr && is_huge(*pde) && whole) {
      pmm::put_huge(*pde & kHugeAddrMask);
      *pde = 0;
      any = true;
    } else if (pde != nullptr && (*pde & vm::kPresent) && (!is_huge(*pde) || split_huge(pde))) {
      uint64_t* pt = table(pte_frame(*pde));
      any |= clear_leaves(pt, index(va, 0), index(va, 0) + static_cast<uint32_t>((stop - va) / layout::kPageSize));
    }
    va = stop;
  }
  return any;
}

bool map_device_range(uint64_t pml4, uint64_t va, uint64_t phys, uint64_t len, uint64_t leaf_flags) {
  for (uint64_t off = 0; off < len; off += layout::kPageSize) {
    uint64_t* pte = pte_for(pml4, va + off, true);
    if (pte == nullptr) return false;
    *pte = (phys + off) | leaf_flags | kDevicePage;
  }
  return true;
}

void free_all(uint64_t pml4) {
  uint64_t* t = table(pml4);
  for (uint32_t i = 0; i < kUserPml4Entries; ++i) {
    if (t[i] & vm::kPresent) free_table(pte_frame(t[i]), kLevels - 2);
  }
  pmm::put(pml4);
}

bool clone_cow(uint64_t src, uint64_t dst) {
  return clone_level(src, dst, kLevels - 1, kUserPml4Entries);
}

}  // namespace paging
