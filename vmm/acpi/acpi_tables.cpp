#include "vmm/acpi/acpi_tables.h"

#include <array>
#include <cinttypes>
#include <cstdio>
#include <span>
#include <string>

#include "abi/platform.h"
#include "vmm/acpi/dsdt.h"
#include "vmm/acpi/fadt.h"
#include "vmm/acpi/madt.h"
#include "vmm/acpi/root_pointers.h"
#include "hv/core/hex.h"

namespace vmm {

namespace {

// ACPI 6.5 section 5.2.5.1: the legacy scan looks on 16-byte boundaries; the
// other tables only need natural alignment, 16 keeps them tidy.
constexpr uint64_t kTableAlignment = 16;
static_assert(platform::kAcpiTablesGpa % kTableAlignment == 0);

struct TableLayout {
  uint64_t rsdp, xsdt, fadt, dsdt, madt, end;
};

uint64_t align_up(uint64_t value) { return (value + kTableAlignment - 1) & ~(kTableAlignment - 1); }

// Tables back to back in the window; sizes are small and the MADT's is
// bounded by the caller, so nothing here can overflow.
TableLayout lay_out(size_t dsdt_size, size_t madt_size) {
  TableLayout at{};
  at.rsdp = platform::kAcpiTablesGpa;
  at.xsdt = align_up(at.rsdp + acpi::kRsdpSize);
  at.fadt = align_up(at.xsdt + acpi::xsdt_size(2));
  at.dsdt = align_up(at.fadt + acpi::kFadtSize);
  at.madt = align_up(at.dsdt + dsdt_size);
  at.end = at.madt + madt_size;
  return at;
}

Result<void> check_fits(const TableLayout& at, size_t vcpus) {
  if (at.end <= platform::kAcpiTablesEnd) return ok();
  return make_error("ACPI tables for " + std::to_string(vcpus) + " vCPUs need " +
                    std::to_string(at.end - platform::kAcpiTablesGpa) + " bytes; only " +
                    std::to_string(platform::kAcpiTablesEnd - platform::kAcpiTablesGpa) +
                    " fit in [" + hex(platform::kAcpiTablesGpa) + ", " +
                    hex(platform::kAcpiTablesEnd) + ")");
}

// The MADT grows by at least 8 bytes per vCPU, so a count as large as the
// window itself can never fit: refuse it before sorting or sizing anything.
Result<size_t> bounded_madt_size(std::span<const uint32_t> apic_ids) {
  constexpr uint64_t kWindow = platform::kAcpiTablesEnd - platform::kAcpiTablesGpa;
  if (apic_ids.size() >= kWindow)
    return make_error("ACPI tables for " + std::to_string(apic_ids.size()) +
                      " vCPUs do not fit in the " + std::to_string(kWindow) + "-byte ACPI area");
  return acpi::madt_size(apic_ids);
}

}  // namespace

Result<uint64_t> write_acpi_tables(const GuestMemory& memory, const AcpiConfig& config) {
  std::span<const uint32_t> apic_ids = config.apic_ids;
  size_t madt_bytes = VMM_TRY(bounded_madt_size(apic_ids));
  VMM_TRY_VOID(acpi::check_apic_ids(apic_ids));
  std::vector<uint8_t> dsdt = acpi::build_dsdt();
  TableLayout at = lay_out(dsdt.size(), madt_bytes);
  VMM_TRY_VOID(check_fits(at, apic_ids.size()));

  std::vector<uint8_t> madt = acpi::build_madt(apic_ids);
  std::vector<uint8_t> fadt = acpi::build_fadt(at.dsdt);
  const std::array<uint64_t, 2> xsdt_entries = {at.fadt, at.madt};
  std::vector<uint8_t> xsdt = acpi::build_xsdt(xsdt_entries);
  std::vector<uint8_t> rsdp = acpi::build_rsdp(at.xsdt);

  // Highest address first: the window lies in one contiguous RAM region, so
  // if any table falls outside guest RAM the first write fails and nothing
  // has been written.
  VMM_TRY_VOID(memory.write(at.madt, madt));
  VMM_TRY_VOID(memory.write(at.dsdt, dsdt));
  VMM_TRY_VOID(memory.write(at.fadt, fadt));
  VMM_TRY_VOID(memory.write(at.xsdt, xsdt));
  VMM_TRY_VOID(memory.write(at.rsdp, rsdp));
  return at.rsdp;
}

}  // namespace vmm
