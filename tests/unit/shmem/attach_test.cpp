// The guest's check of the header the host wrote (guest_attach), and the
// host's geometry checks: every malformed header or region size gives its
// own error, and nothing is read beyond the region (the TestRegion block is
// exactly the region, so AddressSanitizer would report it).
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_endpoint.h"
#include "devices/shmem/shmem_region.h"
#include "tests/unit/shmem/test_region.h"

namespace vmm {
namespace {

using shmem::ShmemError;
using testing::TestRegion;


ShmemError attach_after(const std::function<void(shmem::ConfigLine&)>& corrupt) {
  TestRegion region(testing::kSmallRegionSize);
  corrupt(region.header()->config);
  shmem::GuestRings rings;
  return shmem::guest_attach(region.data(), region.size(), &rings);
}

TEST(GuestAttach, AcceptsTheHostsHeader) {
  EXPECT_EQ(attach_after([](shmem::ConfigLine&) {}), ShmemError::kNone);
}

TEST(GuestAttach, EachCorruptFieldHasItsError) {
  struct Case {
    const char* name;
    std::function<void(shmem::ConfigLine&)> corrupt;
    ShmemError want;
  };
  const Case cases[] = {
      {"magic", [](auto& c) { c.magic ^= 1; }, ShmemError::kBadMagic},
      {"version", [](auto& c) { c.version = 2; }, ShmemError::kBadVersion},
      {"region_size", [](auto& c) { c.region_size *= 2; }, ShmemError::kBadRegionSize},
      {"header_size", [](auto& c) { c.header_size = 64; }, ShmemError::kBadHeaderSize},
      {"slot_size", [](auto& c) { c.slot_size = 4096; }, ShmemError::kBadSlotSize},
      {"slot count too large", [](auto& c) { c.slots_per_ring = 1u << 20; }, ShmemError::kBadSlotCount},
      {"slot count not a power of two", [](auto& c) { c.slots_per_ring = 7; }, ShmemError::kBadSlotCount},
      {"slot count zero", [](auto& c) { c.slots_per_ring = 0; }, ShmemError::kBadSlotCount},
      {"max_frame", [](auto& c) { c.max_frame = 9000; }, ShmemError::kBadMaxFrame},
      {"g2h offset past the end", [](auto& c) { c.guest_to_host_offset = testing::kSmallRegionSize; }, ShmemError::kBadRingOffset},
      {"h2g offset overlapping", [](auto& c) { c.host_to_guest_offset = 4096; }, ShmemError::kBadRingOffset},
      {"all ones", [](auto& c) { std::memset(&c, 0xff, sizeof c); }, ShmemError::kBadMagic},
      {"all zero", [](auto& c) { std::memset(&c, 0, sizeof c); }, ShmemError::kBadMagic},
  };
  for (const Case& c : cases) EXPECT_EQ(attach_after(c.corrupt), c.want) << c.name;
}

TEST(GuestAttach, IgnoresHostFeatureBitsItDoesNotKnow) {
  EXPECT_EQ(attach_after([](auto& c) { c.host_features = ~0ull; }), ShmemError::kNone);
}

TEST(GuestAttach, RegionSmallerThanTheHeaderIsNotRead) {
  for (uint64_t size : {uint64_t{64}, uint64_t{100}, uint64_t{4095}, uint64_t{4096}}) {
    TestRegion region(size, /*with_header=*/false);
    shmem::GuestRings rings;
    EXPECT_EQ(shmem::guest_attach(region.data(), size, &rings), ShmemError::kRegionTooSmall) << size;
  }
}

TEST(GuestAttach, RegionSizeRules) {
  TestRegion region(shmem::kMinRegionSize);
  shmem::GuestRings rings;
  // Sizes checked before the header is read, so claiming more than the
  // block holds is safe here.
  EXPECT_EQ(shmem::guest_attach(region.data(), 0, &rings), ShmemError::kRegionTooSmall);
  EXPECT_EQ(shmem::guest_attach(region.data(), shmem::kMinRegionSize + 100, &rings),
            ShmemError::kRegionSizeUnaligned);
  EXPECT_EQ(shmem::guest_attach(region.data(), shmem::kMaxRegionSize + 4096, &rings),
            ShmemError::kRegionTooLarge);
  EXPECT_EQ(shmem::guest_attach(region.data() + 64, shmem::kMinRegionSize - 64, &rings),
            ShmemError::kRegionMisaligned);
}

TEST(GuestAttach, DefaultRingsAreNotAttached) {
  shmem::GuestRings rings;
  uint8_t byte = 1;
  EXPECT_EQ(rings.to_host.try_push(&byte, 1).error, ShmemError::kNotAttached);
  EXPECT_EQ(rings.from_host.try_pop(&byte, 1).error, ShmemError::kNotAttached);
  EXPECT_EQ(rings.to_host.try_push(&byte, 1).status, shmem::RingStatus::kBroken);
}

TEST(Geometry, SlotsPerRingIsTheLargestPowerOfTwoThatFits) {
  EXPECT_EQ(shmem::slots_per_ring(4096), 0u);
  EXPECT_EQ(shmem::slots_per_ring(8 * 1024), 1u);
  EXPECT_EQ(shmem::slots_per_ring(12 * 1024), 2u);
  EXPECT_EQ(shmem::slots_per_ring(16 * 1024), 2u);
  EXPECT_EQ(shmem::slots_per_ring(20 * 1024), 4u);
  EXPECT_EQ(shmem::slots_per_ring(2 * 1024 * 1024), 256u);
  EXPECT_EQ(shmem::slots_per_ring(shmem::kMaxRegionSize), shmem::kMaxSlotsPerRing);
  for (uint64_t size = shmem::kMinRegionSize; size <= 4 * 1024 * 1024; size += 4096) {
    uint64_t n = shmem::slots_per_ring(size);
    ASSERT_EQ(n & (n - 1), 0u) << size;
    ASSERT_LE(shmem::kHeaderSize + 2 * n * shmem::kSlotSize, size) << size;
    ASSERT_GT(shmem::kHeaderSize + 4 * n * shmem::kSlotSize, size) << size;  // 2N would not fit
  }
}

TEST(ShmemRegion, CreateWritesTheExpectedHeader) {
  auto region = ShmemRegion::create(1 << 20, std::chrono::microseconds(250));
  ASSERT_TRUE(region.ok()) << region.error().message;
  const shmem::Header* h = shmem::header_of(region->data());
  EXPECT_EQ(h->config.magic, shmem::kMagic);
  EXPECT_EQ(h->config.slots_per_ring, 128u);
  EXPECT_EQ(h->config.host_to_guest_offset, 4096u + 128u * 2048u);
  EXPECT_EQ(h->config.host_max_latency_ns, 250'000u);
  EXPECT_EQ(h->host.state, static_cast<uint32_t>(shmem::HostState::kIdle));
  EXPECT_EQ(h->guest.state, static_cast<uint32_t>(shmem::GuestState::kAbsent));
  EXPECT_EQ(h->guest_to_host_head.index, shmem::kInitialIndex);
  EXPECT_EQ(h->host_to_guest_tail.index, shmem::kInitialIndex);
  shmem::GuestRings rings;
  EXPECT_EQ(shmem::guest_attach(region->data(), region->size(), &rings), ShmemError::kNone);
}

TEST(ShmemRegion, RejectsBadSizes) {
  EXPECT_FALSE(ShmemRegion::create(4096, {}).ok());
  EXPECT_FALSE(ShmemRegion::create(8192 + 1, {}).ok());
  EXPECT_FALSE(ShmemRegion::create(shmem::kMaxRegionSize * 2, {}).ok());
  auto r = ShmemRegion::create(4096, {});
  EXPECT_NE(r.error().message.find("too small"), std::string::npos) << r.error().message;
}

TEST(ShmemRegion, TakeMappingKeepsTheHostAddress) {
  auto region = ShmemRegion::create(8192, {});
  ASSERT_TRUE(region.ok());
  uint8_t* data = region->data();
  MmapRegion mapping = std::move(*region).take_mapping();
  EXPECT_EQ(mapping.data(), data);
  EXPECT_EQ(mapping.size(), 8192u);
}

TEST(ShmemEndpoint, AttachChecksTheRegion) {
  TestRegion small(4096, false);
  EXPECT_FALSE(ShmemEndpoint::attach(small.bytes()).ok());
  TestRegion region(testing::kSmallRegionSize);
  EXPECT_FALSE(ShmemEndpoint::attach(region.bytes().subspan(64, testing::kSmallRegionSize - 4096)).ok());
  EXPECT_TRUE(ShmemEndpoint::attach(region.bytes()).ok());
}

// The host keeps its own geometry: a guest that rewrites the config after the
// host attached changes nothing the host does.
TEST(ShmemEndpoint, IgnoresAConfigTheGuestRewrote) {
  TestRegion region(testing::kSmallRegionSize);
  auto host = ShmemEndpoint::attach(region.bytes());
  ASSERT_TRUE(host.ok());
  shmem::GuestRings guest;
  ASSERT_EQ(shmem::guest_attach(region.data(), testing::kSmallRegionSize, &guest), ShmemError::kNone);
  std::memset(&region.header()->config, 0xff, sizeof(shmem::ConfigLine));
  uint8_t frame[100] = {7};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(guest.to_host.try_push(frame, sizeof frame).status, shmem::RingStatus::kDone);
  uint8_t buffer[shmem::kMaxFrameSize];
  for (int i = 0; i < 3; ++i) EXPECT_EQ(host->receive(buffer).value, 100u);
  EXPECT_EQ(host->slots_per_ring(), 8u);
}

}  // namespace
}  // namespace vmm
