#include "mm/pmm.h"

#include "abi/platform.h"
#include "arch/x86/include/layout.h"
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "lib/kstring.h"
#include "lib/spinlock.h"
#include "mm/kernel_page_tables.h"

extern "C" char __kernel_end[];  // arch/x86/kernel.ld

namespace pmm {
namespace {

// Reference counts, plus two states: kReserved (never handed out) and
// kClean (free and untouched since boot: the VMM hands over RAM zeroed, so
// such a frame needs no zeroing; saves the most expensive part of a
// demand-zero fault where kernel code is emulated).
constexpr uint16_t kReserved = 0xFFFF;
constexpr uint16_t kClean = 0xFFFE;
constexpr uint16_t kMaxRefs = kClean - 1;
// Low memory holds the AP trampoline, the loader's start_info and the BIOS
// area; 640 KiB is not worth the care, so the allocator starts at 1 MiB.
constexpr uint64_t kFirstUsable = 0x100000;
constexpr uint32_t kHugeFrames = layout::kLargePageSize / layout::kPageSize;

constinit SpinLock g_lock;
uint16_t* g_refs;       // one entry per frame below g_frames
uint64_t g_frames;
uint64_t g_next;        // where the next search starts
uint64_t g_next_huge;   // block where the next 2 MiB search starts
uint64_t g_free;

uint64_t page_up(uint64_t a) { return (a + layout::kPageSize - 1) & ~(layout::kPageSize - 1); }
uint64_t page_down(uint64_t a) { return a & ~(layout::kPageSize - 1); }

// Entries [from, to) = value. One string instruction: where kernel code is
// emulated, a per-entry loop over 64K frames takes seconds.
void fill(uint64_t from, uint64_t to, uint16_t value) {
  if (to > g_frames) to = g_frames;
  if (from >= to) return;
  void* d = &g_refs[from];
  uint64_t n = to - from;
  asm volatile("rep stosw" : "+D"(d), "+c"(n) : "a"(value) : "memory");
}

void set_range(uint64_t start, uint64_t end, uint16_t value) {
  fill(start / layout::kPageSize, end / layout::kPageSize, value);
}

// Whether the n entries from f all equal value (REPE SCASW stops after the
// first one that does not).
bool all_equal(uint64_t f, uint64_t n, uint16_t value) {
  const uint16_t* p = &g_refs[f];
  asm volatile("repe scasw" : "+D"(p), "+c"(n) : "a"(value) : "cc", "memory");
  return p[-1] == value;
}

// How many entries equal value: runs are found with string instructions
// (the table is a few long runs).
uint64_t count_equal(uint16_t value) {
  uint64_t count = 0;
  const uint16_t* p = g_refs;
  uint64_t left = g_frames;
  while (left > 0) {
    // Skip entries != value (REPNE SCASW stops after the first equal one).
    uint64_t n = left;
    asm volatile("repne scasw" : "+D"(p), "+c"(n) : "a"(value) : "cc", "memory");
    if (p[-1] != value) break;  // ran out without finding one
    --p;
    left = n + 1;
    // Count the run of equal entries (REPE SCASW stops after the first
    // different one).
    n = left;
    asm volatile("repe scasw" : "+D"(p), "+c"(n) : "a"(value) : "cc", "memory");
    uint64_t run = left - n;
    if (p[-1] != value) {
      --run;
      --p;
      ++n;
    }
    count += run;
    left = n;
  }
  return count;
}

// The table goes into the first RAM range with room above the kernel.
uint64_t place_table(uint64_t bytes) {
  uint64_t low = page_up(layout::kernel_virt_to_phys(__kernel_end));
  for (uint32_t i = 0; i < g_boot.memmap_count; ++i) {
    const auto& e = g_boot.memmap[i];
    if (e.type != abi::kE820Ram) continue;
    uint64_t start = page_up(e.addr > low ? e.addr : low);
    uint64_t end = page_down(e.addr + e.size);
    if (end > vm::direct_map_end()) end = vm::direct_map_end();
    if (start < end && end - start >= bytes) return start;
  }
  return 0;
}

// "shmem=SIZE@ADDR": the shared-memory device. The VMM also marks it
// reserved in E820; this is the second line of defence.
void reserve_shmem() {
  Str v;
  if (!cmdline::get("shmem", &v)) return;
  size_t at = v.find('@');
  uint64_t size, addr;
  if (at == v.len || !parse_u64(v.substr(0, at), &size) || !parse_u64(v.substr(at + 1), &addr)) {
    return;
  }
  set_range(page_down(addr), page_up(addr + size), kReserved);
}

void mark_memmap() {
  for (uint32_t i = 0; i < g_boot.memmap_count; ++i) {
    const auto& e = g_boot.memmap[i];
    if (e.type != abi::kE820Ram) continue;
    uint64_t start = page_up(e.addr < kFirstUsable ? kFirstUsable : e.addr);
    uint64_t end = page_down(e.addr + e.size);
    if (start < end) set_range(start, end, kClean);
  }
  // A range listed both as RAM and as something else is not RAM.
  for (uint32_t i = 0; i < g_boot.memmap_count; ++i) {
    const auto& e = g_boot.memmap[i];
    if (e.type != abi::kE820Ram) set_range(page_down(e.addr), page_up(e.addr + e.size), kReserved);
  }
}

bool is_free(uint64_t f) { return g_refs[f] == 0 || g_refs[f] == kClean; }

uint64_t find_run(uint64_t from, uint64_t to, uint32_t n) {
  uint32_t run = 0;
  for (uint64_t f = from; f < to; ++f) {
    run = is_free(f) ? run + 1 : 0;
    if (run == n) return f + 1 - n;
  }
  return UINT64_MAX;
}

uint64_t take_run(uint32_t n) {
  SpinLocker lock(g_lock);
  uint64_t f = find_run(g_next, g_frames, n);
  if (f == UINT64_MAX) f = find_run(0, g_frames, n);
  if (f == UINT64_MAX) return 0;
  for (uint32_t i = 0; i < n; ++i) g_refs[f + i] = 1;
  g_next = f + n;
  g_free -= n;
  return f * layout::kPageSize;
}

// Takes up to n free frames from g_next on (wrapping once) into frames[]
// and returns how many; bit i of *clean says frame i was untouched since
// boot. Lock held. Globals are read once and written once: where kernel
// code is emulated, every memory access counts.
uint32_t take_frames(uint64_t* frames, uint32_t n, uint64_t* clean) {
  uint16_t* refs = g_refs;
  uint64_t total = g_frames, f = g_next, scanned = 0;
  uint64_t clean_bits = 0;
  uint32_t got = 0;
  while (got < n && scanned < total) {
    if (f >= total) f = 0;
    uint16_t r = refs[f];
    if (r == 0 || r == kClean) {
      if (r == kClean) clean_bits |= 1ull << got;
      refs[f] = 1;
      frames[got++] = f * layout::kPageSize;
    }
    ++f;
    ++scanned;
  }
  g_next = f;
  g_free -= got;
  *clean = clean_bits;
  return got;
}

void zero_frame(uint64_t phys) {
  void* d = layout::phys_to_virt(phys);
  uint64_t words = layout::kPageSize / 8;
  asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(0ull) : "memory");
}

uint16_t& entry(uint64_t phys) {
  uint64_t f = phys / layout::kPageSize;
  if (f >= g_frames || g_refs[f] == kReserved) panic("pmm: bad frame 0x%lx", phys);
  return g_refs[f];
}

}  // namespace

Status init() {
  uint64_t end = bootinfo_ram_end();
  if (end > vm::direct_map_end()) end = vm::direct_map_end();
  g_frames = end / layout::kPageSize;
  uint64_t bytes = page_up(g_frames * sizeof(uint16_t));
  uint64_t table = place_table(bytes);
  if (table == 0) return Status::error("pmm: no room for the frame table");
  g_refs = layout::phys_to_virt<uint16_t>(table);
  fill(0, g_frames, kReserved);
  mark_memmap();
  set_range(0, page_up(layout::kernel_virt_to_phys(__kernel_end)), kReserved);
  set_range(table, table + bytes, kReserved);
  reserve_shmem();
  g_free = count_equal(kClean);
  g_next_huge = g_frames / kHugeFrames - 1;
  kprintf("pmm: %lu MiB free in %lu frames\n", g_free * layout::kPageSize >> 20, g_free);
  return Status::ok();
}

uint64_t alloc() {
  uint64_t phys;
  return alloc_many(&phys, 1) ? phys : 0;
}

uint32_t alloc_many(uint64_t* frames, uint32_t n) {
  if (n > kMaxBatch) n = kMaxBatch;
  uint64_t clean;
  uint32_t got;
  {
    SpinLocker lock(g_lock);
    got = take_frames(frames, n, &clean);
  }
  for (uint32_t i = 0; i < got; ++i) {
    if (!((clean >> i) & 1)) zero_frame(frames[i]);
  }
  return got;
}

uint64_t alloc_contiguous(uint32_t n) { return take_run(n); }

uint64_t alloc_huge_clean() {
  SpinLocker lock(g_lock);
  uint64_t blocks = g_frames / kHugeFrames;
  // Downwards from the top of RAM: single frames are taken from the bottom
  // up, so clean blocks stay whole as long as possible.
  for (uint64_t i = 0; i < blocks; ++i) {
    uint64_t block = (g_next_huge + blocks - i) % blocks;
    uint64_t f = block * kHugeFrames;
    if (!all_equal(f, kHugeFrames, kClean)) continue;
    fill(f, f + kHugeFrames, 1);
    g_free -= kHugeFrames;
    g_next_huge = block;
    return f * layout::kPageSize;
  }
  return 0;
}

void put_huge(uint64_t phys) {
  uint64_t f = phys / layout::kPageSize;
  {
    SpinLocker lock(g_lock);
    if (f + kHugeFrames <= g_frames && all_equal(f, kHugeFrames, 1)) {  // the usual case
      fill(f, f + kHugeFrames, 0);
      g_free += kHugeFrames;
      return;
    }
  }
  for (uint32_t i = 0; i < kHugeFrames; ++i) put(phys + i * layout::kPageSize);
}

void get_huge(uint64_t phys) {
  uint64_t f = phys / layout::kPageSize;
  {
    SpinLocker lock(g_lock);
    uint16_t v = entry(phys);
    if (v > 0 && v < kMaxRefs - 1 && f + kHugeFrames <= g_frames && all_equal(f, kHugeFrames, v)) {
      fill(f, f + kHugeFrames, static_cast<uint16_t>(v + 1));
      return;
    }
  }
  for (uint32_t i = 0; i < kHugeFrames; ++i) get(phys + i * layout::kPageSize);
}

void put(uint64_t phys) { put_many(&phys, 1); }

void put_many(const uint64_t* frames, uint32_t n) {
  SpinLocker lock(g_lock);
  uint64_t freed = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t& r = entry(frames[i]);
    if (r == 0 || r == kClean) panic("pmm: frame 0x%lx freed twice", frames[i]);
    freed += --r == 0;
  }
  g_free += freed;
}

void put_contiguous(uint64_t phys, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) put(phys + i * layout::kPageSize);
}

void get(uint64_t phys) { get_many(&phys, 1); }

void get_many(const uint64_t* frames, uint32_t n) {
  SpinLocker lock(g_lock);
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t& r = entry(frames[i]);
    if (r == 0 || r >= kMaxRefs) panic("pmm: bad reference to frame 0x%lx", frames[i]);
    ++r;
  }
}

uint32_t refcount(uint64_t phys) {
  SpinLocker lock(g_lock);
  uint16_t r = entry(phys);
  return r == kClean ? 0 : r;
}

uint64_t free_frames() { return __atomic_load_n(&g_free, __ATOMIC_RELAXED); }

}  // namespace pmm
