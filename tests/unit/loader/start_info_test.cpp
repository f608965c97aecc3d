#include "vmm/loader/start_info.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "abi/platform.h"
#include "vmm/loader/e820.h"

// For gtest: comparison and printing found by argument-dependent lookup.
namespace platform {
bool operator==(const HvmMemmapEntry& a, const HvmMemmapEntry& b) {
  return a.addr == b.addr && a.size == b.size && a.type == b.type && a.reserved == b.reserved;
}
void PrintTo(const HvmMemmapEntry& e, std::ostream* os) {
  *os << "{0x" << std::hex << e.addr << ", 0x" << e.size << ", type " << std::dec << e.type << "}";
}
}  // namespace platform

namespace vmm {
namespace {

using platform::HvmMemmapEntry;

constexpr uint64_t kMiB = 1 << 20;

GuestMemory make_memory(uint64_t size) {
  auto memory = GuestMemory::create(size);
  EXPECT_TRUE(memory.ok()) << memory.error().message;
  return std::move(memory).value();
}

TEST(E820, SmallGuestHasLegacyHoleAcpiAndRamAboveOneMiB) {
  GuestMemory memory = make_memory(64 * kMiB);
  std::vector<HvmMemmapEntry> expected = {
      {0, 0xA0000, platform::kE820Ram, 0},
      {0xA0000, 0x40000, platform::kE820Reserved, 0},
      {0xE0000, 0x20000, platform::kE820Acpi, 0},
      {0x100000, 64 * kMiB - 0x100000, platform::kE820Ram, 0},
  };
  EXPECT_EQ(build_e820(memory, {}), expected);
}

TEST(E820, RamAboveThreeGiBAndExtraReservedRanges) {
  GuestMemory memory = make_memory(platform::kLowRamLimit + 64 * kMiB);
  const ReservedRange shmem[] = {{platform::kShmemDefaultGpa, 2 * kMiB}};
  auto map = build_e820(memory, shmem);
  std::vector<HvmMemmapEntry> expected = {
      {0, 0xA0000, platform::kE820Ram, 0},
      {0xA0000, 0x40000, platform::kE820Reserved, 0},
      {0xE0000, 0x20000, platform::kE820Acpi, 0},
      {0x100000, platform::kLowRamLimit - 0x100000, platform::kE820Ram, 0},
      {platform::kShmemDefaultGpa, 2 * kMiB, platform::kE820Reserved, 0},
      {platform::kHighRamStart, 64 * kMiB, platform::kE820Ram, 0},
  };
  EXPECT_EQ(map, expected);
}

class StartInfoTest : public ::testing::Test {
 protected:
  GuestMemory memory_ = make_memory(64 * kMiB);
};

TEST_F(StartInfoTest, WritesStartInfoMemmapAndCmdline) {
  auto e820 = build_e820(memory_, {});
  const std::string cmdline = "console=ttyS0 init=selftest -- a b";
  ASSERT_TRUE(write_start_info(memory_, cmdline, platform::kAcpiTablesGpa, e820).ok());

  auto info = memory_.read_obj<platform::HvmStartInfo>(platform::kStartInfoGpa);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->magic, 0x336ec578u);
  EXPECT_EQ(info->version, 1u);
  EXPECT_EQ(info->flags, 0u);
  EXPECT_EQ(info->nr_modules, 0u);
  EXPECT_EQ(info->modlist_paddr, 0u);
  EXPECT_EQ(info->cmdline_paddr, platform::kCmdlineGpa);
  EXPECT_EQ(info->rsdp_paddr, platform::kAcpiTablesGpa);
  EXPECT_EQ(info->memmap_paddr, platform::kMemmapGpa);
  EXPECT_EQ(info->memmap_entries, e820.size());

  for (size_t i = 0; i < e820.size(); ++i) {
    auto entry = memory_.read_obj<HvmMemmapEntry>(platform::kMemmapGpa + i * 24);
    ASSERT_TRUE(entry.ok());
    EXPECT_EQ(*entry, e820[i]) << "entry " << i;
  }

  std::vector<uint8_t> text(cmdline.size() + 1, 0xFF);
  ASSERT_TRUE(memory_.read(platform::kCmdlineGpa, text).ok());
  EXPECT_EQ(std::string(text.begin(), text.end() - 1), cmdline);
  EXPECT_EQ(text.back(), 0);
}

TEST_F(StartInfoTest, StartInfoFieldOffsetsMatchXenLayout) {
  // Xen public/arch-x86/hvm/start_info.h: the offsets a PVH kernel reads.
  EXPECT_EQ(offsetof(platform::HvmStartInfo, cmdline_paddr), 24u);
  EXPECT_EQ(offsetof(platform::HvmStartInfo, rsdp_paddr), 32u);
  EXPECT_EQ(offsetof(platform::HvmStartInfo, memmap_paddr), 40u);
  EXPECT_EQ(offsetof(platform::HvmStartInfo, memmap_entries), 48u);
}

TEST_F(StartInfoTest, LongestCommandLineFits) {
  std::string cmdline(platform::kCmdlineMax - 1, 'x');
  ASSERT_TRUE(write_start_info(memory_, cmdline, 0, {}).ok());
  auto last = memory_.read_obj<uint8_t>(platform::kCmdlineGpa + platform::kCmdlineMax - 1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 0);
}

TEST_F(StartInfoTest, RefusesTooLongCommandLine) {
  auto written = write_start_info(memory_, std::string(platform::kCmdlineMax, 'x'), 0, {});
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message, "kernel command line is 4096 bytes; at most 4095 fit");
}

TEST_F(StartInfoTest, RefusesNulInCommandLine) {
  auto written = write_start_info(memory_, std::string("a\0b", 3), 0, {});
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message, "kernel command line contains a NUL byte");
}

TEST_F(StartInfoTest, RefusesTooManyMemmapEntries) {
  std::vector<HvmMemmapEntry> e820(platform::kMemmapMaxEntries + 1);
  auto written = write_start_info(memory_, "", 0, e820);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message, "guest memory map has 33 entries; at most 32 fit");
}

}  // namespace
}  // namespace vmm
