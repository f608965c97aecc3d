#include "boot/bootinfo.h"

#include "arch/x86/include/layout.h"
#include "kernel/console.h"
#include "boot/cmdline.h"
#include "lib/kstring.h"

BootInfo g_boot;

namespace {

// arch/x86/kernel/entry.S maps physical 0..1 GiB in the direct map; that is all we can read
// until vm_init builds the full map.
constexpr uint64_t kEarlyMapped = layout::kGiB;

bool early_readable(uint64_t phys, uint64_t size) {
  return phys < kEarlyMapped && size <= kEarlyMapped - phys;
}

void copy_cmdline(uint64_t phys) {
  g_boot.cmdline[0] = '\0';
  if (phys == 0 || !early_readable(phys, 1)) return;
  const char* src = layout::phys_to_virt<const char>(phys);
  uint64_t limit = kEarlyMapped - phys;
  size_t n = 0;
  while (n + 1 < sizeof(g_boot.cmdline) && n < limit && src[n] != '\0') {
    g_boot.cmdline[n] = src[n];
    ++n;
  }
  g_boot.cmdline[n] = '\0';
}

void copy_memmap(uint64_t phys, uint32_t entries) {
  uint32_t n = entries < abi::kMemmapMaxEntries ? entries : abi::kMemmapMaxEntries;
  if (phys == 0 || !early_readable(phys, n * sizeof(abi::HvmMemmapEntry))) return;
  auto* src = layout::phys_to_virt<const abi::HvmMemmapEntry>(phys);
  g_boot.memmap_count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    // QEMU's PVH option ROM passes a zeroed spare entry: skip empty ones.
    if (src[i].size != 0) g_boot.memmap[g_boot.memmap_count++] = src[i];
  }
  g_boot.memmap_truncated = entries > n;
}

const char* type_name(uint32_t type) {
  switch (type) {
    case abi::kE820Ram: return "ram";
    case abi::kE820Reserved: return "reserved";
    case abi::kE820Acpi: return "acpi";
    case abi::kE820Nvs: return "nvs";
    default: return "other";
  }
}

}  // namespace

Status bootinfo_copy(uint64_t start_info_phys) {
  g_boot.start_info_phys = start_info_phys;
  if (!early_readable(start_info_phys, sizeof(abi::HvmStartInfo))) {
    return Status::error("start_info is not in the first 1 GiB");
  }
  abi::HvmStartInfo si;
  memcpy(&si, layout::phys_to_virt(start_info_phys), sizeof(si));
  if (si.magic != abi::kHvmStartMagic) return Status::error("start_info has a bad magic");
  g_boot.rsdp_phys = si.rsdp_paddr;
  copy_cmdline(si.cmdline_paddr);
  // memmap_paddr and memmap_entries exist from version 1 on.
  if (si.version >= 1) copy_memmap(si.memmap_paddr, si.memmap_entries);
  return Status::ok();
}

void bootinfo_apply_mem_option() {
  Str value;
  if (!cmdline::get("mem", &value)) return;
  uint64_t limit = 0;
  if (!parse_u64(value, &limit) || limit < layout::kLargePageSize) {
    kprintf("boot: mem=: not a size of at least 2 MiB: ignored\n");
    return;
  }
  uint32_t kept = 0;
  for (uint32_t i = 0; i < g_boot.memmap_count; ++i) {
    abi::HvmMemmapEntry e = g_boot.memmap[i];
    if (e.type == abi::kE820Ram && e.addr >= limit) continue;
    if (e.type == abi::kE820Ram && e.addr + e.size > limit) e.size = limit - e.addr;
    g_boot.memmap[kept++] = e;
  }
  g_boot.memmap_count = kept;
  kprintf("boot: mem=: no RAM used from 0x%lx up\n", limit);
}

uint64_t bootinfo_ram_end() {
  uint64_t end = 0;
  for (uint32_t i = 0; i < g_boot.memmap_count; ++i) {
    const auto& e = g_boot.memmap[i];
    if (e.type == abi::kE820Ram && e.addr + e.size > end) end = e.addr + e.size;
  }
  return end;
}

bool bootinfo_overlaps_ram(uint64_t addr, uint64_t size) {
  for (uint32_t i = 0; i < g_boot.memmap_count; ++i) {
    const auto& e = g_boot.memmap[i];
    if (e.type == abi::kE820Ram && e.addr < addr + size && addr < e.addr + e.size) return true;
  }
  return false;
}

void bootinfo_print() {
  ConsoleLocker lock;
  kprintf("boot: cmdline \"%s\"\n", g_boot.cmdline);
  if (g_boot.memmap_count == 0) kprintf("boot: no memory map\n");
  for (uint32_t i = 0; i < g_boot.memmap_count; ++i) {
    const auto& e = g_boot.memmap[i];
    kprintf("e820: 0x%016lx-0x%016lx %s\n", e.addr, e.addr + e.size - 1, type_name(e.type));
  }
  if (g_boot.memmap_truncated) kprintf("e820: more than %u entries, rest ignored\n", abi::kMemmapMaxEntries);
}
