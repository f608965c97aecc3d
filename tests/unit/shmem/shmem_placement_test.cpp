// Where the region may go: the pure overlap check against a list of reserved
// ranges, and the list this VMM's memory map gives.
#include <gtest/gtest.h>

#include "abi/platform.h"
#include "devices/shmem/shmem_placement.h"

namespace vmm {
namespace {

constexpr uint64_t MiB = 1ull << 20, GiB = 1ull << 30;

TEST(ShmemPlacement, TableAgainstThePlatformMap) {
  struct Case {
    uint64_t ram, gpa, size;
    const char* error_has;  // nullptr: fits
  };
  const Case cases[] = {
      {256 * MiB, platform::kShmemDefaultGpa, 1 * MiB, nullptr},
      {256 * MiB, platform::kShmemDefaultGpa, 256 * MiB, nullptr},
      {256 * MiB, 256 * MiB, 1 * MiB, nullptr},                      // right after RAM
      {256 * MiB, 255 * MiB, 2 * MiB, "overlaps RAM"},
      {256 * MiB, 0, 8192, "overlaps RAM"},
      {4 * GiB, platform::kShmemDefaultGpa, 1 * MiB, nullptr},       // 3 GiB low + 1 GiB high
      {4 * GiB, 4 * GiB, 1 * MiB, "overlaps RAM above 4 GiB"},
      {4 * GiB, 5 * GiB, 1 * MiB, nullptr},
      {256 * MiB, platform::kVirtioMmioBase, 8192, "overlaps virtio-mmio devices"},
      {256 * MiB, platform::kVirtioMmioBase - 4096, 8192, "overlaps virtio-mmio devices"},
      {256 * MiB, platform::kVirtioMmioBase + 16 * 4096, 8192, nullptr},  // after the window
      {256 * MiB, platform::kShmemDefaultGpa, 1 * GiB, "overlaps IOAPIC"},
      {256 * MiB, platform::kIoapicGpa + 4096, 8192, nullptr},
      {256 * MiB, platform::kLapicGpa - 4096, 8192, "overlaps local APIC"},
      {256 * MiB, platform::kShmemDefaultGpa + 2048, 8192, "not page-aligned"},
      {256 * MiB, platform::kShmemDefaultGpa, 8192 + 1, "not page-aligned"},
      {256 * MiB, 0xFFFFFFFFFFFFF000ull, 8192, "wraps around"},
      {256 * MiB, platform::kShmemDefaultGpa, 0, "empty"},
  };
  for (const Case& c : cases) {
    auto reserved = platform_reserved_ranges(c.ram);
    auto r = check_shmem_placement(c.gpa, c.size, reserved);
    if (!c.error_has) {
      EXPECT_TRUE(r.ok()) << std::hex << c.gpa << " +" << c.size << ": " << r.error().message;
    } else {
      ASSERT_FALSE(r.ok()) << std::hex << c.gpa << " +" << c.size;
      EXPECT_NE(r.error().message.find(c.error_has), std::string::npos) << r.error().message;
    }
  }
}

TEST(ShmemPlacement, NamesTheRangeItHits) {
  std::vector<OccupiedRange> reserved = {{0x1000, 0x1000, "the thing"}};
  auto r = check_shmem_placement(0, 0x2000, reserved);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "shared-memory region [0x0, 0x2000) overlaps the thing [0x1000, 0x2000)");
  EXPECT_TRUE(check_shmem_placement(0x2000, 0x1000, reserved).ok());  // touching is fine
  EXPECT_TRUE(check_shmem_placement(0, 0x1000, reserved).ok());
}

TEST(ShmemPlacement, ReservedRangeReachingTheTopOfMemory) {
  std::vector<OccupiedRange> reserved = {{0xFFFFFFFFFFFFF000ull, 0x2000, "top"}};
  EXPECT_FALSE(check_shmem_placement(0xFFFFFFFFFFFFE000ull, 0x2000, reserved).ok());
  EXPECT_TRUE(check_shmem_placement(0, 0x2000, reserved).ok());
}

TEST(ShmemPlacement, PlatformRanges) {
  auto small = platform_reserved_ranges(256 * MiB);
  ASSERT_EQ(small.size(), 4u);  // no RAM above 4 GiB
  EXPECT_EQ(small[0].size, 256 * MiB);
  auto big = platform_reserved_ranges(6 * GiB);
  ASSERT_EQ(big.size(), 5u);
  EXPECT_EQ(big[0].size, 3 * GiB);
  EXPECT_EQ(big[1].start, 4 * GiB);
  EXPECT_EQ(big[1].size, 3 * GiB);
}

}  // namespace
}  // namespace vmm
