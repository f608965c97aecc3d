#include "vmm/acpi/madt.h"

#include <algorithm>
#include <bitset>
#include <string>

#include "abi/platform.h"
#include "vmm/acpi/sdt_header.h"
#include "vmm/acpi/table_bytes.h"

namespace vmm::acpi {

namespace {

// ACPI 6.5 Table 5.19: MADT revision for this spec version.
constexpr uint8_t kMadtRevision = 6;
// Table 5.20. KVM_CREATE_IRQCHIP also creates the two 8259 PICs, so the
// system does have a PC-AT dual-8259 setup; the flag tells the guest to mask
// them when it switches to the APICs, which is what we want.
constexpr uint32_t kMadtPcatCompat = 1u << 0;

// Interrupt controller structure types and lengths (Table 5.21 and the
// table of each structure).
constexpr uint8_t kTypeLocalApic = 0, kLengthLocalApic = 8;
constexpr uint8_t kTypeIoApic = 1, kLengthIoApic = 12;
constexpr uint8_t kTypeSourceOverride = 2, kLengthSourceOverride = 10;
constexpr uint8_t kTypeLocalApicNmi = 4, kLengthLocalApicNmi = 6;
constexpr uint8_t kTypeLocalX2Apic = 9, kLengthLocalX2Apic = 16;
constexpr uint8_t kTypeLocalX2ApicNmi = 10, kLengthLocalX2ApicNmi = 12;

constexpr uint32_t kLocalApicEnabled = 1u << 0;  // Local APIC Flags, bit 0
constexpr uint8_t kAllProcessors = 0xFF;         // Local APIC NMI: every UID
constexpr uint32_t kAllX2Processors = 0xFFFFFFFF;
constexpr uint8_t kLint1 = 1;
// MPS INTI flags (Table 5.26): polarity bits 0-1, trigger mode bits 2-3.
constexpr uint16_t kIntiConformsToBus = 0;               // ISA: edge, high
constexpr uint16_t kIntiEdgeActiveHigh = (1u << 2) | 1u;  // NMI on LINT1

// ISA IRQ 0 (the PIT) arrives on I/O APIC pin 2, as on PCs; the VMM routes
// KVM's PIT GSI to that pin. No SCI override (IRQ 9): a hardware-reduced
// platform has no SCI.
constexpr uint8_t kIsaBus = 0;
constexpr uint8_t kPitIsaIrq = 0;
constexpr uint32_t kPitGsi = 2;

size_t lapic_entry_size(uint32_t apic_id, size_t index) {
  return uses_xapic_entry(apic_id, index) ? kLengthLocalApic : kLengthLocalX2Apic;
}

bool any_x2apic_entry(std::span<const uint32_t> apic_ids) {
  for (size_t i = 0; i < apic_ids.size(); ++i)
    if (!uses_xapic_entry(apic_ids[i], i)) return true;
  return false;
}

void append_local_apic(TableBytes& t, uint32_t apic_id, size_t index) {
  if (uses_xapic_entry(apic_id, index)) {  // section 5.2.12.2
    t.u8(kTypeLocalApic);
    t.u8(kLengthLocalApic);
    t.u8(static_cast<uint8_t>(index));  // ACPI Processor UID
    t.u8(static_cast<uint8_t>(apic_id));
    t.u32(kLocalApicEnabled);
    return;
  }
  t.u8(kTypeLocalX2Apic);  // section 5.2.12.12
  t.u8(kLengthLocalX2Apic);
  t.u16(0);  // reserved
  t.u32(apic_id);
  t.u32(kLocalApicEnabled);
  t.u32(static_cast<uint32_t>(index));  // ACPI Processor UID
}

void append_ioapic(TableBytes& t, uint8_t ioapic_id) {  // section 5.2.12.3
  t.u8(kTypeIoApic);
  t.u8(kLengthIoApic);
  t.u8(ioapic_id);
  t.u8(0);  // reserved
  t.u32(static_cast<uint32_t>(platform::kIoapicGpa));
  t.u32(0);  // Global System Interrupt Base: pins 0..23 are GSIs 0..23
}

void append_source_override(TableBytes& t, uint8_t isa_irq, uint32_t gsi, uint16_t flags) {
  t.u8(kTypeSourceOverride);  // section 5.2.12.5
  t.u8(kLengthSourceOverride);
  t.u8(kIsaBus);
  t.u8(isa_irq);
  t.u32(gsi);
  t.u16(flags);
}

// LINT1 is wired to NMI on every processor (section 5.2.12.7; the x2APIC
// form, 5.2.12.13, covers processors listed with x2APIC entries).
void append_nmi_entries(TableBytes& t, bool with_x2apic) {
  t.u8(kTypeLocalApicNmi);
  t.u8(kLengthLocalApicNmi);
  t.u8(kAllProcessors);
  t.u16(kIntiEdgeActiveHigh);
  t.u8(kLint1);
  if (!with_x2apic) return;
  t.u8(kTypeLocalX2ApicNmi);
  t.u8(kLengthLocalX2ApicNmi);
  t.u16(kIntiEdgeActiveHigh);
  t.u32(kAllX2Processors);
  t.u8(kLint1);
  t.zeros(3);  // reserved
}

}  // namespace

Result<void> check_apic_ids(std::span<const uint32_t> apic_ids) {
  if (apic_ids.empty()) return make_error("ACPI tables need at least one vCPU");
  std::vector<uint32_t> sorted(apic_ids.begin(), apic_ids.end());
  std::sort(sorted.begin(), sorted.end());
  auto twice = std::adjacent_find(sorted.begin(), sorted.end());
  if (twice != sorted.end())
    return make_error("APIC ID " + std::to_string(*twice) + " is given to two vCPUs");
  return ok();
}

bool uses_xapic_entry(uint32_t apic_id, size_t index) { return apic_id < 0xFF && index < 0xFF; }

uint8_t ioapic_id_for(std::span<const uint32_t> apic_ids) {
  std::bitset<256> used;
  for (uint32_t id : apic_ids)
    if (id < used.size()) used.set(id);
  for (size_t id = 0; id < used.size(); ++id)
    if (!used.test(id)) return static_cast<uint8_t>(id);
  return 0;
}

size_t madt_size(std::span<const uint32_t> apic_ids) {
  size_t size = kSdtHeaderSize + 8;  // + Local Interrupt Controller Address, Flags
  for (size_t i = 0; i < apic_ids.size(); ++i) size += lapic_entry_size(apic_ids[i], i);
  size += kLengthIoApic + kLengthSourceOverride + kLengthLocalApicNmi;
  if (any_x2apic_entry(apic_ids)) size += kLengthLocalX2ApicNmi;
  return size;
}

std::vector<uint8_t> build_madt(std::span<const uint32_t> apic_ids) {
  TableBytes t;
  begin_sdt(t, "APIC", kMadtRevision);
  t.u32(static_cast<uint32_t>(platform::kLapicGpa));
  t.u32(kMadtPcatCompat);
  for (size_t i = 0; i < apic_ids.size(); ++i) append_local_apic(t, apic_ids[i], i);
  append_ioapic(t, ioapic_id_for(apic_ids));
  append_source_override(t, kPitIsaIrq, kPitGsi, kIntiConformsToBus);
  append_nmi_entries(t, any_x2apic_entry(apic_ids));
  return finish_sdt(std::move(t));
}

}  // namespace vmm::acpi
