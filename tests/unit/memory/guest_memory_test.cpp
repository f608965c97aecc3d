#include <gtest/gtest.h>

#include <array>

#include "abi/platform.h"
#include "hv/memory/guest_memory.h"

namespace vmm {
namespace {

TEST(GuestMemory, SmallRamIsOneLowRegion) {
  auto memory = GuestMemory::create(16 << 20);
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  ASSERT_EQ(memory->regions().size(), 1u);
  EXPECT_EQ(memory->regions()[0].gpa, 0u);
  EXPECT_EQ(memory->regions()[0].mapping.size(), 16u << 20);
}

TEST(GuestMemory, RamAboveThreeGiBMovesToFourGiB) {
  auto memory = GuestMemory::create(platform::kLowRamLimit + (64 << 20));
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  ASSERT_EQ(memory->regions().size(), 2u);
  EXPECT_EQ(memory->regions()[1].gpa, platform::kHighRamStart);
  EXPECT_EQ(memory->regions()[1].mapping.size(), 64u << 20);
  EXPECT_FALSE(memory->contains(platform::kLowRamLimit, 1));
  EXPECT_TRUE(memory->contains(platform::kHighRamStart + (64 << 20) - 1, 1));
}

TEST(GuestMemory, AccessInsideRoundTrips) {
  auto memory = GuestMemory::create(1 << 20);
  ASSERT_TRUE(memory.ok());
  ASSERT_TRUE(memory->write_obj<uint32_t>(0x1000, 0xdeadbeef).ok());
  auto v = memory->read_obj<uint32_t>(0x1000);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 0xdeadbeefu);
}

TEST(GuestMemory, AccessOutsideIsAnErrorNotACrash) {
  auto memory = GuestMemory::create(1 << 20);
  ASSERT_TRUE(memory.ok());
  std::array<uint8_t, 8> buf{};
  EXPECT_FALSE(memory->read((1 << 20) - 4, buf).ok());        // straddles the end
  EXPECT_FALSE(memory->write(1 << 20, buf).ok());             // just past the end
  EXPECT_FALSE(memory->host_pointer(UINT64_MAX - 2, 8).ok()); // wraps around
  EXPECT_FALSE(memory->read_obj<uint64_t>(0xFEE00000).ok());  // a device window
  EXPECT_TRUE(memory->host_pointer((1 << 20) - 8, 8).ok());
}

TEST(GuestMemory, OverlappingRegionRefused) {
  auto memory = GuestMemory::create(1 << 20);
  ASSERT_TRUE(memory.ok());
  auto extra = MmapRegion::create_anonymous(0x2000);
  ASSERT_TRUE(extra.ok());
  auto added = memory->add_region(0xF000 + (1 << 20) - 0x10000, std::move(*extra), false);
  EXPECT_FALSE(added.ok());
}

TEST(GuestMemory, SizeMustBePageMultiple) {
  EXPECT_FALSE(GuestMemory::create(0).ok());
  EXPECT_FALSE(GuestMemory::create(4097).ok());
}

TEST(ParseSize, AcceptsSuffixes) {
  EXPECT_EQ(*parse_size("256M"), 256ull << 20);
  EXPECT_EQ(*parse_size("2G"), 2ull << 30);
  EXPECT_EQ(*parse_size("4096k"), 4096ull << 10);
  EXPECT_EQ(*parse_size("512MiB"), 512ull << 20);
  EXPECT_EQ(*parse_size("65536"), 65536ull);
}

TEST(ParseSize, RejectsJunk) {
  EXPECT_FALSE(parse_size("").ok());
  EXPECT_FALSE(parse_size("M").ok());
  EXPECT_FALSE(parse_size("12Q").ok());
  EXPECT_FALSE(parse_size("0").ok());
  EXPECT_FALSE(parse_size("1G2").ok());
  EXPECT_FALSE(parse_size("99999999999999999999").ok());
  EXPECT_FALSE(parse_size("99999999999T").ok());
}

}  // namespace
}  // namespace vmm
