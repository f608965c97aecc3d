#include "arch/x86/platform/acpi.h"

#include "abi/platform.h"
#include "arch/x86/include/layout.h"
#include "kernel/console.h"
#include "lib/kstring.h"
#include "mm/kernel_page_tables.h"

namespace acpi {

Info g_info;

namespace {

// Root System Description Pointer (ACPI 6.5, 5.2.5.3).
struct [[gnu::packed]] Rsdp {
  char signature[8];  // "RSD PTR "
  uint8_t checksum;   // over the first 20 bytes
  char oem_id[6];
  uint8_t revision;
  uint32_t rsdt_phys;
  uint32_t length;  // revision >= 2 from here on
  uint64_t xsdt_phys;
  uint8_t extended_checksum;  // over `length` bytes
  uint8_t reserved[3];
};
static_assert(sizeof(Rsdp) == 36);

constexpr uint32_t kRsdpV1Length = 20;
constexpr uint32_t kMaxTableLength = 1u << 20;  // sanity bound

uint64_t g_root_phys;  // XSDT or RSDT
bool g_root_is_xsdt;

bool mapped(uint64_t phys, uint64_t size) {
  return phys < vm::direct_map_end() && size <= vm::direct_map_end() - phys;
}

// ACPI checksums: all bytes of the structure sum to 0 mod 256 (5.2.5.3).
bool checksum_ok(const void* p, uint32_t length) {
  uint8_t sum = 0;
  for (uint32_t i = 0; i < length; ++i) sum += static_cast<const uint8_t*>(p)[i];
  return sum == 0;
}

const Rsdp* rsdp_at(uint64_t phys) {
  if (!mapped(phys, sizeof(Rsdp))) return nullptr;
  auto* r = layout::phys_to_virt<const Rsdp>(phys);
  if (memcmp(r->signature, "RSD PTR ", 8) != 0 || !checksum_ok(r, kRsdpV1Length)) return nullptr;
  if (r->revision >= 2 && (r->length < sizeof(Rsdp) || !mapped(phys, r->length) ||
                           !checksum_ok(r, r->length))) {
    return nullptr;
  }
  return r;
}

// Legacy search: on a 16-byte boundary in the BIOS read-only area
// 0xE0000-0xFFFFF (ACPI 6.5, 5.2.5.1).
uint64_t scan_for_rsdp() {
  for (uint64_t p = abi::kAcpiTablesGpa; p < abi::kAcpiTablesEnd; p += 16) {
    if (rsdp_at(p)) return p;
  }
  return 0;
}

Status find_root(uint64_t hint) {
  uint64_t phys = (hint && rsdp_at(hint)) ? hint : scan_for_rsdp();
  if (phys == 0) return Status::error("acpi: no valid RSDP");
  const Rsdp* r = rsdp_at(phys);
  g_info.rsdp_phys = phys;
  g_info.revision = r->revision;
  // ACPI 2.0+ has the XSDT (64-bit entries); 1.0 only the RSDT (5.2.7/5.2.8).
  g_root_is_xsdt = r->revision >= 2 && r->xsdt_phys != 0;
  g_root_phys = g_root_is_xsdt ? r->xsdt_phys : r->rsdt_phys;
  if (!table_at(g_root_phys)) return Status::error("acpi: bad XSDT/RSDT");
  return Status::ok();
}

uint64_t root_entry(const TableHeader* root, uint32_t i) {
  const uint8_t* entries = reinterpret_cast<const uint8_t*>(root) + sizeof(TableHeader);
  if (g_root_is_xsdt) {
    uint64_t v;
    memcpy(&v, entries + i * 8, 8);  // entries are only 4-byte aligned
    return v;
  }
  uint32_t v;
  memcpy(&v, entries + i * 4, 4);
  return v;
}

}  // namespace

const TableHeader* table_at(uint64_t phys) {
  if (phys == 0 || !mapped(phys, sizeof(TableHeader))) return nullptr;
  auto* h = layout::phys_to_virt<const TableHeader>(phys);
  if (h->length < sizeof(TableHeader) || h->length > kMaxTableLength) return nullptr;
  if (!mapped(phys, h->length) || !checksum_ok(h, h->length)) return nullptr;
  return h;
}

const TableHeader* find_table(const char signature[4]) {
  const TableHeader* root = table_at(g_root_phys);
  if (!root) return nullptr;
  uint32_t entry_size = g_root_is_xsdt ? 8 : 4;
  uint32_t n = (root->length - sizeof(TableHeader)) / entry_size;
  for (uint32_t i = 0; i < n; ++i) {
    const TableHeader* t = table_at(root_entry(root, i));
    if (t && memcmp(t->signature, signature, 4) == 0) return t;
  }
  return nullptr;
}

Status init(uint64_t rsdp_hint, uint32_t boot_apic_id) {
  TRY(find_root(rsdp_hint));
  const TableHeader* madt = find_table("APIC");
  if (!madt) return Status::error("acpi: no MADT");
  TRY(parse_madt(madt, boot_apic_id));
  const TableHeader* fadt = find_table("FACP");
  if (!fadt) return Status::error("acpi: no FADT");
  TRY(parse_fadt(fadt));
  return Status::ok();
}

void print() {
  ConsoleLocker lock;
  kprintf("acpi: rsdp 0x%lx revision %u, %s 0x%lx\n", g_info.rsdp_phys, g_info.revision,
          g_root_is_xsdt ? "xsdt" : "rsdt", g_root_phys);
  kprintf("acpi: madt: %u cpus, lapic 0x%lx", g_info.cpus_listed, g_info.lapic_phys);
  for (uint32_t i = 0; i < g_info.ioapic_count; ++i) {
    kprintf(", ioapic %u at 0x%lx gsi %u", g_info.ioapics[i].id, g_info.ioapics[i].phys,
            g_info.ioapics[i].gsi_base);
  }
  kprintf("\n");
  const GenericAddress& reg = g_info.hw_reduced ? g_info.sleep_control : g_info.pm1a_control;
  kprintf("acpi: fadt: %s, %s %s 0x%lx, s5 sleep type %u%s\n",
          g_info.hw_reduced ? "hardware-reduced" : "legacy",
          g_info.hw_reduced ? "sleep control" : "pm1a control",
          reg.space_id == kSpaceMemory ? "mem" : "io", reg.address, g_info.s5_sleep_type,
          g_info.s5_from_dsdt ? "" : " (default)");
}

}  // namespace acpi
