// The rings against a peer that writes bad indices and slot lengths. The
// host's endpoint is the subject (the guest is the hostile side); the guest's
// rings run the same code, checked once at the end. Each case must give its
// error, leave the ring broken for good, and touch nothing outside the
// region (AddressSanitizer watches the exact-size TestRegion block).
#include <gtest/gtest.h>

#include <array>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_endpoint.h"
#include "tests/unit/shmem/test_region.h"

namespace vmm {
namespace {

using shmem::RingStatus;
using shmem::ShmemError;
using testing::TestRegion;

constexpr uint32_t kStart = shmem::kInitialIndex;

class HostileGuest : public ::testing::Test {
 protected:
  HostileGuest() : region_(testing::kSmallRegionSize), host_(ShmemEndpoint::attach(region_.bytes()).value()) {}

  shmem::Header* h() { return region_.header(); }
  shmem::Slot* g2h_slot(uint32_t index) {
    auto* slots = shmem::ring_slots(region_.data(), h()->config.guest_to_host_offset);
    return &slots[index % testing::kSmallRegionSlots];
  }
  // What a guest producer writes, with whatever length it likes.
  void guest_writes_frame(uint32_t index, uint32_t length) { g2h_slot(index)->length = length; }
  void guest_sets_head(uint32_t head) { h()->guest_to_host_head.index = head; }
  void guest_sets_tail(uint32_t tail) { h()->host_to_guest_tail.index = tail; }

  shmem::RingResult receive() { return host_.receive(buffer_); }
  shmem::RingResult send(uint32_t length = 60) { return host_.send({frame_.data(), length}); }

  TestRegion region_;
  ShmemEndpoint host_;
  std::array<uint8_t, shmem::kMaxFrameSize> buffer_{};
  std::array<uint8_t, shmem::kMaxFrameSize> frame_{};
};

// ---- consumer side: the guest's head ----

TEST_F(HostileGuest, HeadBeyondTailPlusSlots) {
  guest_sets_head(kStart + testing::kSmallRegionSlots + 1);
  shmem::RingResult r = receive();
  EXPECT_EQ(r.status, RingStatus::kBroken);
  EXPECT_EQ(r.error, ShmemError::kPeerHeadAhead);
  EXPECT_EQ(r.value, kStart + testing::kSmallRegionSlots + 1);
  EXPECT_EQ(r.index, kStart);
}

TEST_F(HostileGuest, HeadFarAhead) {
  for (uint32_t head : {kStart + 0x10000u, kStart + 0x7fffffffu, 0x12345678u}) {
    TestRegion region(testing::kSmallRegionSize);
    auto host = ShmemEndpoint::attach(region.bytes());
    region.header()->guest_to_host_head.index = head;
    EXPECT_EQ(host->receive(buffer_).error, ShmemError::kPeerHeadAhead) << std::hex << head;
  }
}

TEST_F(HostileGuest, HeadBehindTail) {
  guest_sets_head(kStart - 1);
  EXPECT_EQ(receive().error, ShmemError::kPeerHeadBehind);
}

TEST_F(HostileGuest, HeadMovingBackwards) {
  for (uint32_t i = 0; i < 4; ++i) guest_writes_frame(kStart + i, 10);
  guest_sets_head(kStart + 4);
  EXPECT_EQ(receive().status, RingStatus::kDone);
  guest_sets_head(kStart + 2);  // still in [tail, tail + N], but it went back
  // The host still holds head = kStart + 4 and pops from its own copy ...
  for (int i = 0; i < 3; ++i) EXPECT_EQ(receive().status, RingStatus::kDone);
  // ... and sees the regression when it next reads the guest's head.
  EXPECT_EQ(receive().error, ShmemError::kPeerHeadBehind);
}

TEST_F(HostileGuest, HeadExactlyAFullRingIsFine) {
  for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) guest_writes_frame(kStart + i, 1 + i);
  guest_sets_head(kStart + testing::kSmallRegionSlots);
  for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) EXPECT_EQ(receive().value, 1 + i);
  EXPECT_EQ(receive().status, RingStatus::kEmpty);
  EXPECT_EQ(h()->guest_to_host_tail.index, kStart + testing::kSmallRegionSlots);
}

TEST_F(HostileGuest, SlotLengthAboveMaximum) {
  for (uint32_t length : {shmem::kMaxFrameSize + 1, shmem::kSlotSize, 0x80000000u, 0xffffffffu}) {
    TestRegion region(testing::kSmallRegionSize);
    auto host = ShmemEndpoint::attach(region.bytes());
    shmem::ring_slots(region.data(), shmem::kHeaderSize)[kStart % testing::kSmallRegionSlots].length = length;
    region.header()->guest_to_host_head.index = kStart + 1;
    shmem::RingResult r = host->receive(buffer_);
    EXPECT_EQ(r.error, ShmemError::kFrameTooLong) << length;
    EXPECT_EQ(r.value, length);
  }
}

TEST_F(HostileGuest, SlotLengthZero) {
  guest_writes_frame(kStart, 0);
  guest_sets_head(kStart + 1);
  EXPECT_EQ(receive().error, ShmemError::kFrameEmpty);
  EXPECT_EQ(h()->guest_to_host_tail.index, kStart);  // not consumed
}

TEST_F(HostileGuest, LengthLimitsAreInclusive) {
  guest_writes_frame(kStart, 1);
  guest_writes_frame(kStart + 1, shmem::kMaxFrameSize);
  guest_sets_head(kStart + 2);
  EXPECT_EQ(receive().value, 1u);
  EXPECT_EQ(receive().value, shmem::kMaxFrameSize);
}

TEST_F(HostileGuest, BrokenRingStaysBroken) {
  guest_sets_head(kStart + 100);
  EXPECT_EQ(receive().error, ShmemError::kPeerHeadAhead);
  guest_writes_frame(kStart, 10);
  guest_sets_head(kStart + 1);  // a good value now does not revive it
  shmem::RingResult r = receive();
  EXPECT_EQ(r.status, RingStatus::kBroken);
  EXPECT_EQ(r.error, ShmemError::kPeerHeadAhead);
  EXPECT_EQ(r.value, kStart + 100);
}

TEST_F(HostileGuest, SmallBufferIsRejectedAndTheFrameKept) {
  guest_writes_frame(kStart, 200);
  guest_sets_head(kStart + 1);
  std::array<uint8_t, 100> small;
  shmem::RingResult r = host_.receive(small);
  EXPECT_EQ(r.status, RingStatus::kRejected);
  EXPECT_EQ(r.error, ShmemError::kBufferTooSmall);
  EXPECT_EQ(receive().value, 200u);
}

// ---- producer side: the guest's tail ----

// The host reads the guest's tail only when its own copy says the ring is
// full, so each case first fills the ring.
TEST_F(HostileGuest, TailBeyondHead) {
  for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) ASSERT_EQ(send().status, RingStatus::kDone);
  guest_sets_tail(kStart + testing::kSmallRegionSlots + 1);
  shmem::RingResult r = send();
  EXPECT_EQ(r.status, RingStatus::kBroken);
  EXPECT_EQ(r.error, ShmemError::kPeerTailAhead);
  EXPECT_EQ(r.value, kStart + testing::kSmallRegionSlots + 1);
  EXPECT_EQ(host_.check_room_for_guest().error, ShmemError::kPeerTailAhead);  // stays broken
}

TEST_F(HostileGuest, TailFarFromHead) {
  struct Case {
    uint32_t tail;
    ShmemError want;
  };
  for (Case c : {Case{kStart + 0x40000000u, ShmemError::kPeerTailAhead},
                 Case{kStart + 0x80000001u, ShmemError::kPeerTailBehind},
                 Case{kStart - 1, ShmemError::kPeerTailBehind}}) {
    TestRegion region(testing::kSmallRegionSize);
    auto host = ShmemEndpoint::attach(region.bytes());
    for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) ASSERT_EQ(host->send({frame_.data(), 1}).status, RingStatus::kDone);
    region.header()->host_to_guest_tail.index = c.tail;
    EXPECT_EQ(host->send({frame_.data(), 1}).error, c.want) << std::hex << c.tail;
  }
}

TEST_F(HostileGuest, TailMovingBackwards) {
  for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) ASSERT_EQ(send().status, RingStatus::kDone);
  guest_sets_tail(kStart + 3);
  EXPECT_EQ(send().status, RingStatus::kDone);
  for (uint32_t i = 0; i < 2; ++i) ASSERT_EQ(send().status, RingStatus::kDone);
  guest_sets_tail(kStart + 1);
  EXPECT_EQ(send().error, ShmemError::kPeerTailBehind);
}

TEST_F(HostileGuest, FullRingWaitsForTheGuest) {
  for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) ASSERT_EQ(send().status, RingStatus::kDone);
  EXPECT_EQ(send().status, RingStatus::kFull);
  EXPECT_EQ(host_.check_room_for_guest().status, RingStatus::kFull);
  guest_sets_tail(kStart + 1);
  EXPECT_EQ(host_.check_room_for_guest().status, RingStatus::kDone);
  EXPECT_EQ(send().status, RingStatus::kDone);
  EXPECT_EQ(send().status, RingStatus::kFull);
}

TEST_F(HostileGuest, HostRefusesBadFramesWithoutBreaking) {
  shmem::RingResult empty = send(0);
  EXPECT_EQ(empty.status, RingStatus::kRejected);
  EXPECT_EQ(empty.error, ShmemError::kFrameEmpty);
  std::array<uint8_t, shmem::kMaxFrameSize + 1> big{};
  shmem::RingResult too_long = host_.send(big);
  EXPECT_EQ(too_long.status, RingStatus::kRejected);
  EXPECT_EQ(too_long.error, ShmemError::kFrameTooLong);
  EXPECT_EQ(send().status, RingStatus::kDone);
  EXPECT_EQ(h()->host_to_guest_head.index, kStart + 1);
}

// ---- the wrap at 2^32 ----

TEST_F(HostileGuest, IndicesWrapAround) {
  // kStart is 256 below 2^32: 40 rounds of 8 frames cross it.
  std::array<uint8_t, 64> out;
  shmem::GuestRings guest;
  ASSERT_EQ(shmem::guest_attach(region_.data(), testing::kSmallRegionSize, &guest), ShmemError::kNone);
  for (uint32_t round = 0; round < 40; ++round) {
    for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) {
      frame_[0] = static_cast<uint8_t>(round * testing::kSmallRegionSlots + i);
      ASSERT_EQ(send(1).status, RingStatus::kDone);
      ASSERT_EQ(guest.to_host.try_push(frame_.data(), 2).status, RingStatus::kDone);
    }
    for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) {
      ASSERT_EQ(guest.from_host.try_pop(out.data(), out.size()).value, 1u);
      ASSERT_EQ(out[0], static_cast<uint8_t>(round * testing::kSmallRegionSlots + i));
      ASSERT_EQ(receive().value, 2u);
      ASSERT_EQ(buffer_[0], static_cast<uint8_t>(round * testing::kSmallRegionSlots + i));
    }
  }
  EXPECT_EQ(h()->guest_to_host_tail.index, kStart + 40 * testing::kSmallRegionSlots);  // wrapped to 64
  EXPECT_LT(h()->guest_to_host_tail.index, kStart);
}

TEST_F(HostileGuest, WindowChecksAcrossTheWrap) {
  // Consume up to just below 2^32, then let the guest's head cross it.
  for (uint32_t i = 0; i < 254; ++i) guest_writes_frame(kStart + i, 5);
  for (uint32_t done = 0; done < 254; done += testing::kSmallRegionSlots) {
    uint32_t batch = std::min(testing::kSmallRegionSlots, 254 - done);
    guest_sets_head(kStart + done + batch);
    for (uint32_t i = 0; i < batch; ++i) ASSERT_EQ(receive().status, RingStatus::kDone);
  }
  ASSERT_EQ(h()->guest_to_host_tail.index, 0xfffffffeu);
  for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) guest_writes_frame(0xfffffffeu + i, 5);
  guest_sets_head(0x00000006u);  // 8 ahead across the wrap: a full ring, fine
  for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) EXPECT_EQ(receive().status, RingStatus::kDone);
  TestRegion region(testing::kSmallRegionSize);  // a fresh ring at the same point, with a head 9 ahead
  auto host = ShmemEndpoint::attach(region.bytes());
  region.header()->guest_to_host_head.index = 0x00000007u;
  // tail is kStart here (256 before the wrap): 0x7 is 263 ahead
  EXPECT_EQ(host->receive(buffer_).error, ShmemError::kPeerHeadAhead);
}

// ---- the guest's rings run the same checks against the host ----

TEST(HostileHost, GuestConsumerChecksTheHostsHead) {
  TestRegion region(testing::kSmallRegionSize);
  shmem::GuestRings guest;
  ASSERT_EQ(shmem::guest_attach(region.data(), testing::kSmallRegionSize, &guest), ShmemError::kNone);
  region.header()->host_to_guest_head.index = kStart + testing::kSmallRegionSlots + 1;
  std::array<uint8_t, shmem::kMaxFrameSize> out;
  EXPECT_EQ(guest.from_host.try_pop(out.data(), out.size()).error, ShmemError::kPeerHeadAhead);
}

TEST(HostileHost, GuestProducerChecksTheHostsTail) {
  TestRegion region(testing::kSmallRegionSize);
  shmem::GuestRings guest;
  ASSERT_EQ(shmem::guest_attach(region.data(), testing::kSmallRegionSize, &guest), ShmemError::kNone);
  uint8_t byte = 0;
  for (uint32_t i = 0; i < testing::kSmallRegionSlots; ++i) ASSERT_EQ(guest.to_host.try_push(&byte, 1).status, RingStatus::kDone);
  region.header()->guest_to_host_tail.index = kStart - 1;
  EXPECT_EQ(guest.to_host.try_push(&byte, 1).error, ShmemError::kPeerTailBehind);
}

}  // namespace
}  // namespace vmm
