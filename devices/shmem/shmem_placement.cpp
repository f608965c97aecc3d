#include "devices/shmem/shmem_placement.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "abi/platform.h"
#include "hv/core/hex.h"

namespace vmm {

namespace {

std::string interval(uint64_t start, uint64_t size) {
  return "[" + hex(start) + ", " + hex(start + size) + ")";
}

// Half-open intervals; `b` may not wrap (checked by the caller for the
// region, and a reserved range that wraps is clipped to the top).
bool overlaps(uint64_t a_start, uint64_t a_size, const OccupiedRange& b) {
  uint64_t b_end = b.start + b.size < b.start ? UINT64_MAX : b.start + b.size;
  return b.size > 0 && a_start < b_end && b.start < a_start + a_size;
}

}  // namespace

std::vector<OccupiedRange> platform_reserved_ranges(uint64_t ram_bytes) {
  std::vector<OccupiedRange> ranges;
  uint64_t low = std::min(ram_bytes, platform::kLowRamLimit);
  ranges.push_back({0, low, "RAM"});
  if (ram_bytes > low) ranges.push_back({platform::kHighRamStart, ram_bytes - low, "RAM above 4 GiB"});
  ranges.push_back({platform::kVirtioMmioBase,
                    uint64_t{platform::kVirtioMmioMaxDevices} * platform::kVirtioMmioStride,
                    "virtio-mmio devices"});
  ranges.push_back({platform::kIoapicGpa, platform::kIoapicSize, "IOAPIC"});
  ranges.push_back({platform::kLapicGpa, platform::kLapicSize, "local APIC"});
  return ranges;
}

Result<void> check_shmem_placement(uint64_t gpa, uint64_t size, std::span<const OccupiedRange> reserved) {
  if (size == 0) return make_error("shared-memory region is empty");
  if (gpa % platform::kPageSize != 0 || size % platform::kPageSize != 0)
    return make_error("shared-memory region " + hex(gpa) + " +" + hex(size) + " is not page-aligned");
  if (gpa + size < gpa)
    return make_error("shared-memory region at " + hex(gpa) + " wraps around the address space");
  for (const OccupiedRange& r : reserved) {
    if (overlaps(gpa, size, r))
      return make_error("shared-memory region " + interval(gpa, size) + " overlaps " + r.what + " " +
                        interval(r.start, r.size));
  }
  return ok();
}

}  // namespace vmm
