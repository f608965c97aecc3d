// The shared-memory device's memory: one anonymous mapping of SIZE bytes that
// the VMM maps into the guest as its own KVM memory slot, with the header
// (abi/shmem_ring.h) initialised by the host before the guest runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "abi/shmem_ring.h"
#include "hv/core/result.h"
#include "hv/memory/mmap_region.h"

namespace vmm {

// Writes a fresh header into `region`: the config for its size, both hosts'
// and guests' status idle, every index at shmem::kInitialIndex. The rings'
// slots are left as they are (the guest cannot read a slot before its head
// says so). `max_latency` is what the host's polling policy may add (0 for
// busy polling); the guest may read it to size its own timeouts.
Result<void> initialise_shmem_header(std::span<uint8_t> region, std::chrono::nanoseconds max_latency);

class ShmemRegion {
 public:
  // Maps `size` bytes (shmem::check_region_size rules) and initialises the header.
  static Result<ShmemRegion> create(uint64_t size, std::chrono::nanoseconds max_latency);

  uint8_t* data() const { return mapping_.data(); }
  size_t size() const { return mapping_.size(); }
  std::span<uint8_t> bytes() const { return {mapping_.data(), mapping_.size()}; }

  // For GuestMemory::add_region(gpa, ..., /*is_ram=*/false). The host pointer
  // (data()) stays the same: moving a mapping does not move its pages.
  MmapRegion take_mapping() && { return std::move(mapping_); }

 private:
  explicit ShmemRegion(MmapRegion mapping) : mapping_(std::move(mapping)) {}

  MmapRegion mapping_;
};

// "region too small (4096 bytes)"-style text for a geometry error.
std::string describe_region_error(shmem::ShmemError error, uint64_t size);

}  // namespace vmm
