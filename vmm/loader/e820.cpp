#include "vmm/loader/e820.h"

#include <algorithm>

namespace vmm {

namespace {

void add_entry(std::vector<platform::HvmMemmapEntry>& map, uint64_t start, uint64_t end,
               uint32_t type) {
  if (end > start) map.push_back(platform::HvmMemmapEntry{start, end - start, type, 0});
}

// One RAM region minus the legacy area [0xA0000, 1 MiB), which is described
// separately: that part of the mapping holds the legacy hole and ACPI tables.
void add_ram(std::vector<platform::HvmMemmapEntry>& map, uint64_t start, uint64_t end) {
  add_entry(map, start, std::min(end, platform::kLegacyHoleStart), platform::kE820Ram);
  add_entry(map, std::max(start, platform::kKernelLoadGpa), end, platform::kE820Ram);
}

}  // namespace

std::vector<platform::HvmMemmapEntry> build_e820(const GuestMemory& memory,
                                                 std::span<const ReservedRange> extra_reserved) {
  std::vector<platform::HvmMemmapEntry> map;
  for (const GuestRegion& region : memory.regions())
    if (region.is_ram) add_ram(map, region.gpa, region.end());
  add_entry(map, platform::kLegacyHoleStart, platform::kAcpiTablesGpa, platform::kE820Reserved);
  add_entry(map, platform::kAcpiTablesGpa, platform::kAcpiTablesEnd, platform::kE820Acpi);
  for (const ReservedRange& r : extra_reserved)
    if (r.size != 0) map.push_back(platform::HvmMemmapEntry{r.gpa, r.size, platform::kE820Reserved, 0});
  std::sort(map.begin(), map.end(),
            [](const auto& a, const auto& b) { return a.addr < b.addr; });
  return map;
}

}  // namespace vmm
