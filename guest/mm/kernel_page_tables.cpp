#include "mm/kernel_page_tables.h"

#include "mm/shm_region.h"

#include "abi/platform.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "boot/bootinfo.h"
#include "kernel/console.h"
#include "lib/kstring.h"

extern "C" char __kernel_end[];  // arch/x86/kernel.ld

namespace vm {
namespace {

using Table = uint64_t[512];

constexpr uint64_t kTableFlags = kPresent | kWritable;
constexpr uint64_t kUncached = kCacheDisable | kWriteThrough;  // PAT entry 3 = UC
constexpr uint32_t kPml4Identity = 0;
constexpr uint32_t kPml4DirectMap = 256;  // DIRECT_MAP_BASE >> 39
constexpr uint32_t kPml4Kernel = 511;     // KERNEL_VMA >> 39
constexpr uint32_t kPdptKernel = 510;     // (KERNEL_VMA >> 30) & 511

// Page-table pages come from the kernel image until a frame allocator
// exists: PML4, the direct map's PDPT and one PD per GiB, and the kernel
// image's PDPT and PD.
constexpr uint32_t kPoolTables = 4 + kMaxDirectMapGiB;
alignas(4096) Table g_pool[kPoolTables];
uint32_t g_pool_used;
uint64_t* g_pml4;
uint64_t g_direct_map_end;

uint64_t* alloc_table() {
  // kPoolTables is sized for the worst case, so this cannot run out.
  uint64_t* t = g_pool[g_pool_used++];
  memset(t, 0, sizeof(Table));
  return t;
}

uint64_t phys_of(const uint64_t* table) { return layout::kernel_virt_to_phys(table); }

// Memory in the 32-bit device hole is uncached unless the memory map says
// it is RAM: it holds the LAPIC, IOAPIC, virtio-mmio and ACPI GED registers.
// The shared-memory device's region is ordinary memory the host polls: it
// must be write-back, or every ring access would go to memory uncached.
uint64_t cache_flags(const shm::Region* shmem, uint64_t phys) {
  if (phys < abi::kLowRamLimit || phys >= abi::kHighRamStart) return 0;
  if (shm::write_back_page(shmem, phys)) return 0;
  return bootinfo_overlaps_ram(phys, layout::kLargePageSize) ? 0 : kUncached;
}

void map_direct(uint64_t* pml4, uint64_t gib) {
  shm::Region region;
  const shm::Region* shmem = shm::region_from_cmdline(&region) ? &region : nullptr;
  uint64_t* pdpt = alloc_table();
  pml4[kPml4DirectMap] = phys_of(pdpt) | kTableFlags;
  for (uint64_t g = 0; g < gib; ++g) {
    uint64_t* pd = alloc_table();
    pdpt[g] = phys_of(pd) | kTableFlags;
    for (uint64_t i = 0; i < 512; ++i) {
      uint64_t phys = g * layout::kGiB + i * layout::kLargePageSize;
      pd[i] = phys | kPresent | kWritable | kLargePage | cache_flags(shmem, phys);
    }
  }
  // The identity map shares the direct map's PDPT: same translations.
  pml4[kPml4Identity] = pml4[kPml4DirectMap];
}

// KERNEL_VMA + p -> p for the kernel image, in 2 MiB pages.
void map_kernel(uint64_t* pml4) {
  uint64_t* pdpt = alloc_table();
  uint64_t* pd = alloc_table();
  pml4[kPml4Kernel] = phys_of(pdpt) | kTableFlags;
  pdpt[kPdptKernel] = phys_of(pd) | kTableFlags;
  uint64_t end = layout::kernel_virt_to_phys(__kernel_end);
  for (uint64_t phys = 0; phys < end; phys += layout::kLargePageSize) {
    pd[phys / layout::kLargePageSize] = phys | kPresent | kWritable | kLargePage;
  }
}

uint64_t direct_map_gib() {
  uint64_t end = bootinfo_ram_end();
  if (end < abi::kHighRamStart) end = abi::kHighRamStart;
  uint64_t gib = (end + layout::kGiB - 1) / layout::kGiB;
  if (gib > kMaxDirectMapGiB) {
    kprintf("vm: RAM above %lu GiB is not mapped\n", kMaxDirectMapGiB);
    gib = kMaxDirectMapGiB;
  }
  return gib;
}

}  // namespace

Status init() {
  if (layout::kernel_virt_to_phys(__kernel_end) > layout::kGiB) {
    return Status::error("kernel image larger than 1 GiB");
  }
  g_pml4 = alloc_table();
  uint64_t gib = direct_map_gib();
  map_direct(g_pml4, gib);
  map_kernel(g_pml4);
  g_direct_map_end = gib * layout::kGiB;
  x86::write_cr3(phys_of(g_pml4));
  kprintf("vm: direct map 0x0-0x%lx at 0x%lx, 2 MiB pages\n", g_direct_map_end - 1,
          layout::kDirectMapBase);
  return Status::ok();
}

void drop_identity_map() {
  g_pml4[kPml4Identity] = 0;
  x86::write_cr3(phys_of(g_pml4));  // flush this CPU's TLB
}

uint64_t kernel_pml4_phys() { return phys_of(g_pml4); }
uint64_t direct_map_end() { return g_direct_map_end; }

}  // namespace vm
