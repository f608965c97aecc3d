// MADT parsing (ACPI 6.5, 5.2.12): which CPUs exist (their APIC IDs) and
// where the IOAPICs are. The boot CPU is cpu 0; the other enabled CPUs get
// ids 1, 2, ... in MADT order.
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/platform/acpi.h"
#include "lib/kstring.h"

namespace acpi {
namespace {

constexpr uint32_t kMadtEntriesOffset = 44;  // header + LAPIC address + flags
constexpr uint32_t kMadtLapicAddrOffset = 36;

// Interrupt controller structure types (ACPI 6.5, table 5.21).
constexpr uint8_t kTypeLocalApic = 0;
constexpr uint8_t kTypeIoapic = 1;
constexpr uint8_t kTypeOverride = 2;
constexpr uint8_t kTypeLapicAddressOverride = 5;
constexpr uint8_t kTypeLocalX2apic = 9;

constexpr uint32_t kLapicEnabled = 1u << 0;  // Local APIC flags (table 5.23)

template <typename T>
T read(const uint8_t* p, uint32_t offset) {
  T v;
  memcpy(&v, p + offset, sizeof(T));
  return v;
}

void add_cpu(uint32_t apic_id, uint32_t flags, uint32_t boot_apic_id) {
  if (!(flags & kLapicEnabled)) return;  // online-capable only: hot-plug later
  g_info.cpus_listed++;
  if (apic_id == boot_apic_id) return;  // already cpu 0
  if (cpu_by_apic_id(apic_id)) return;  // listed twice (type 0 and 9)
  if (g_cpu_count == kMaxCpus) {
    g_info.cpus_ignored++;
    return;
  }
  Cpu& c = g_cpus[g_cpu_count];
  c.id = g_cpu_count++;
  c.apic_id = apic_id;
  c.present = true;
}

void add_ioapic(const uint8_t* e) {
  if (g_info.ioapic_count == kMaxIoapics) return;
  // Table 5.24: ID at 2, address at 4, GSI base at 8.
  g_info.ioapics[g_info.ioapic_count++] = {read<uint8_t>(e, 2), read<uint32_t>(e, 4),
                                           read<uint32_t>(e, 8)};
}

void add_override(const uint8_t* e) {
  if (g_info.override_count == kMaxOverrides) return;
  // Table 5.25: source IRQ at 3, GSI at 4, flags at 8.
  g_info.overrides[g_info.override_count++] = {read<uint8_t>(e, 3), read<uint32_t>(e, 4),
                                               read<uint16_t>(e, 8)};
}

void parse_entry(const uint8_t* e, uint8_t length, uint32_t boot_apic_id) {
  switch (e[0]) {
    case kTypeLocalApic:  // table 5.22: APIC ID at 3, flags at 4
      if (length >= 8) add_cpu(read<uint8_t>(e, 3), read<uint32_t>(e, 4), boot_apic_id);
      break;
    case kTypeLocalX2apic:  // table 5.46: x2APIC ID at 4, flags at 8
      if (length >= 16) add_cpu(read<uint32_t>(e, 4), read<uint32_t>(e, 8), boot_apic_id);
      break;
    case kTypeIoapic:
      if (length >= 12) add_ioapic(e);
      break;
    case kTypeOverride:
      if (length >= 10) add_override(e);
      break;
    case kTypeLapicAddressOverride:  // table 5.33: 64-bit address at 4
      if (length >= 12) g_info.lapic_phys = read<uint64_t>(e, 4);
      break;
    default:
      break;
  }
}

}  // namespace

Status parse_madt(const TableHeader* madt, uint32_t boot_apic_id) {
  auto* base = reinterpret_cast<const uint8_t*>(madt);
  if (madt->length < kMadtEntriesOffset) return Status::error("acpi: MADT too short");
  g_info.lapic_phys = read<uint32_t>(base, kMadtLapicAddrOffset);
  for (uint32_t off = kMadtEntriesOffset; off + 2 <= madt->length;) {
    uint8_t length = base[off + 1];
    if (length < 2 || off + length > madt->length) break;  // malformed: stop
    parse_entry(base + off, length, boot_apic_id);
    off += length;
  }
  return Status::ok();
}

}  // namespace acpi
