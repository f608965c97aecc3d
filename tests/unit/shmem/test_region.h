// A shared-memory region for tests: a heap block of exactly `size` bytes,
// page-aligned, so AddressSanitizer's redzones sit right after the last byte
// and any access past the region is reported. Optionally with the host's
// header written into it.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <new>
#include <span>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_region.h"

namespace vmm::testing {

// The region most tests use: the header page and 8 slots per ring.
inline constexpr uint64_t kSmallRegionSize = 64 * 1024;
inline constexpr uint32_t kSmallRegionSlots = 8;

class TestRegion {
 public:
  explicit TestRegion(uint64_t size, bool with_header = true)
      : bytes_(new (std::align_val_t{shmem::kPageSize}) uint8_t[size]()), size_(size) {
    if (with_header) {
      auto r = initialise_shmem_header(bytes(), std::chrono::microseconds(100));
      EXPECT_TRUE(r.ok()) << r.error().message;
    }
  }

  std::span<uint8_t> bytes() const { return {bytes_.get(), size_}; }
  uint8_t* data() const { return bytes_.get(); }
  uint64_t size() const { return size_; }
  shmem::Header* header() const { return shmem::header_of(bytes_.get()); }

 private:
  struct AlignedDelete {
    void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t{shmem::kPageSize}); }
  };
  std::unique_ptr<uint8_t[], AlignedDelete> bytes_;
  uint64_t size_;
};

}  // namespace vmm::testing
