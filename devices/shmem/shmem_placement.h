// Where the shared-memory region may go in guest-physical space: anywhere
// page-aligned that overlaps nothing else. A pure check over a list of
// reserved ranges, so the CLI can run it before anything is mapped.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hv/core/result.h"

namespace vmm {

struct OccupiedRange {
  uint64_t start;
  uint64_t size;
  std::string what;  // "RAM", "IOAPIC", ... for the error message
};

// The guest-physical ranges this VMM uses with `ram_bytes` of RAM (the
// layout of abi/platform.h and GuestMemory::create): RAM below 3 GiB, RAM
// from 4 GiB, the virtio-mmio window, IOAPIC, local APIC.
std::vector<OccupiedRange> platform_reserved_ranges(uint64_t ram_bytes);

// OK when [gpa, gpa + size) is page-aligned, does not wrap, and overlaps
// none of `reserved`; otherwise names the first range it hits.
Result<void> check_shmem_placement(uint64_t gpa, uint64_t size, std::span<const OccupiedRange> reserved);

}  // namespace vmm
