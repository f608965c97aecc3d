// One pass of the device at a time (no thread): frames each way, the guest's
// readiness, backpressure, drops by cause, and the stop on a protocol error
// (logged once, recorded, published), including random garbage everywhere in
// the region.
#include <gtest/gtest.h>

#include <random>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_pump.h"
#include "tests/unit/shmem/captured_log.h"
#include "tests/unit/shmem/fake_backend.h"
#include "tests/unit/shmem/test_region.h"

namespace vmm {
namespace {

using shmem::RingStatus;
using shmem::ShmemError;
using testing::CapturedLog;
using testing::FakeBackend;
using testing::TestRegion;


class PumpTest : public ::testing::Test {
 protected:
  PumpTest() : region_(testing::kSmallRegionSize), pump_(ShmemEndpoint::attach(region_.bytes()).value(), backend_, counters_) {
    EXPECT_EQ(shmem::guest_attach(region_.data(), testing::kSmallRegionSize, &guest_), ShmemError::kNone);
  }

  void guest_ready() { shmem::guest_announce_ready(region_.data(), 0); }
  void guest_sends(uint32_t length, uint8_t fill) {
    std::vector<uint8_t> frame(length, fill);
    ASSERT_EQ(guest_.to_host.try_push(frame.data(), length).status, RingStatus::kDone);
  }
  shmem::RingResult guest_receives(std::vector<uint8_t>& out) {
    out.resize(shmem::kMaxFrameSize);
    shmem::RingResult r = guest_.from_host.try_pop(out.data(), shmem::kMaxFrameSize);
    out.resize(r.status == RingStatus::kDone ? r.value : 0);
    return r;
  }
  shmem::Header* h() { return region_.header(); }

  TestRegion region_;
  FakeBackend backend_;
  ShmemCounters counters_;
  ShmemPump pump_;
  shmem::GuestRings guest_;
};

TEST_F(PumpTest, NothingMovesUntilTheGuestIsReady) {
  guest_sends(60, 1);
  backend_.queue_for_guest(std::vector<uint8_t>(60, 2));
  EXPECT_EQ(pump_.pump_once(), 0u);
  EXPECT_EQ(backend_.from_guest_count(), 0u);
  EXPECT_EQ(backend_.waiting_for_guest(), 1u);
  guest_ready();
  EXPECT_EQ(pump_.pump_once(), 2u);
  EXPECT_EQ(backend_.from_guest_count(), 1u);
  EXPECT_EQ(backend_.waiting_for_guest(), 0u);
}

TEST_F(PumpTest, MovesFramesBothWaysAndCountsThem) {
  guest_ready();
  guest_sends(60, 0xaa);
  guest_sends(1514, 0xbb);
  backend_.queue_for_guest(std::vector<uint8_t>(42, 0xcc));
  EXPECT_EQ(pump_.pump_once(), 3u);
  auto got = backend_.from_guest();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], std::vector<uint8_t>(60, 0xaa));
  EXPECT_EQ(got[1], std::vector<uint8_t>(1514, 0xbb));
  std::vector<uint8_t> frame;
  EXPECT_EQ(guest_receives(frame).status, RingStatus::kDone);
  EXPECT_EQ(frame, std::vector<uint8_t>(42, 0xcc));
  ShmemStats s = counters_.snapshot();
  EXPECT_EQ(s.frames_to_host, 2u);
  EXPECT_EQ(s.bytes_to_host, 60u + 1514u);
  EXPECT_EQ(s.frames_to_guest, 1u);
  EXPECT_EQ(s.bytes_to_guest, 42u);
  EXPECT_EQ(s.total_drops(), 0u);
  EXPECT_EQ(h()->host.frames_from_guest, 2u);  // published for the guest to read
  EXPECT_EQ(h()->host.frames_to_guest, 1u);
}

TEST_F(PumpTest, FullGuestRingLeavesFramesInTheBackend) {
  guest_ready();
  for (int i = 0; i < 20; ++i) backend_.queue_for_guest(std::vector<uint8_t>(10, static_cast<uint8_t>(i)));
  EXPECT_EQ(pump_.pump_once(), testing::kSmallRegionSlots);  // one ring's worth per pass
  EXPECT_EQ(pump_.pump_once(), 0u);      // full: nothing fetched, nothing lost
  EXPECT_EQ(backend_.waiting_for_guest(), 20u - testing::kSmallRegionSlots);
  std::vector<uint8_t> frame;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(guest_receives(frame).status, RingStatus::kDone);
  EXPECT_EQ(pump_.pump_once(), 3u);
  EXPECT_EQ(counters_.snapshot().total_drops(), 0u);
}

TEST_F(PumpTest, DropsAreCountedByCause) {
  guest_ready();
  backend_.accept = false;
  guest_sends(60, 1);
  backend_.queue_for_guest(std::vector<uint8_t>(shmem::kMaxFrameSize + 1, 3));
  backend_.queue_for_guest(std::vector<uint8_t>(20, 4));
  EXPECT_EQ(pump_.pump_once(), 3u);
  ShmemStats s = counters_.snapshot();
  EXPECT_EQ(s.drops[static_cast<size_t>(ShmemDrop::kRefusedByBackend)], 1u);
  EXPECT_EQ(s.drops[static_cast<size_t>(ShmemDrop::kTooLongForGuest)], 1u);
  EXPECT_EQ(s.frames_to_guest, 1u);
  EXPECT_EQ(h()->host.drops, 2u);
  EXPECT_EQ(shmem_drop_name(ShmemDrop::kRefusedByBackend), "refused_by_backend");
}

TEST_F(PumpTest, ProtocolErrorStopsTheDeviceAndIsLoggedOnce) {
  CapturedLog log;
  guest_ready();
  h()->guest_to_host_head.index = shmem::kInitialIndex + 1000;
  EXPECT_EQ(pump_.pump_once(), 0u);
  EXPECT_TRUE(pump_.failed());
  guest_sends(60, 1);  // nothing after the failure is looked at
  for (int i = 0; i < 5; ++i) EXPECT_EQ(pump_.pump_once(), 0u);
  EXPECT_EQ(log.count("shmem device stopped"), 1u) << log.all();
  ShmemStats s = counters_.snapshot();
  EXPECT_EQ(s.stop_error, ShmemError::kPeerHeadAhead);
  EXPECT_NE(s.stop_reason.find("guest-to-host ring"), std::string::npos) << s.stop_reason;
  EXPECT_NE(s.stop_reason.find("guest wrote 0x2e8"), std::string::npos) << s.stop_reason;
  EXPECT_EQ(h()->host.state, static_cast<uint32_t>(shmem::HostState::kFailed));
  EXPECT_EQ(h()->host.error, static_cast<uint32_t>(ShmemError::kPeerHeadAhead));
  EXPECT_EQ(backend_.from_guest_count(), 0u);
}

TEST_F(PumpTest, GuestStatusLineIsChecked) {
  struct Case {
    uint32_t state;
    uint64_t features;
    ShmemError want;
  };
  for (Case c : {Case{7, 0, ShmemError::kBadGuestState}, Case{0xffffffff, 0, ShmemError::kBadGuestState},
                 Case{1, 1, ShmemError::kBadGuestFeatures}}) {
    TestRegion region(testing::kSmallRegionSize);
    FakeBackend backend;
    ShmemCounters counters;
    ShmemPump pump(ShmemEndpoint::attach(region.bytes()).value(), backend, counters);
    region.header()->guest.features = c.features;
    region.header()->guest.state = c.state;
    CapturedLog log;
    EXPECT_EQ(pump.pump_once(), 0u);
    EXPECT_TRUE(pump.failed());
    EXPECT_EQ(counters.snapshot().stop_error, c.want) << c.state;
  }
}

TEST_F(PumpTest, GuestThatStopsIsLeftAlone) {
  guest_ready();
  guest_sends(60, 1);
  shmem::guest_announce_stopped(region_.data(), ShmemError::kNone);
  EXPECT_EQ(pump_.pump_once(), 0u);
  EXPECT_FALSE(pump_.failed());
}

// Random bytes anywhere in the region, the host's own lines included: every
// pass is bounded (at most one ring each way), and nothing outside the
// region is touched (AddressSanitizer).
TEST(PumpGarbage, RandomRegionContentsStayInBounds) {
  std::mt19937_64 rng(20240601);
  CapturedLog log;
  int failures = 0;
  for (int round = 0; round < 300; ++round) {
    TestRegion region(testing::kSmallRegionSize);
    FakeBackend backend;
    for (int i = 0; i < 4; ++i) backend.queue_for_guest(std::vector<uint8_t>(100 + i, 9));
    ShmemCounters counters;
    ShmemPump pump(ShmemEndpoint::attach(region.bytes()).value(), backend, counters);
    shmem::guest_announce_ready(region.data(), 0);
    for (int pass = 0; pass < 8; ++pass) {
      for (int w = 0; w < 8; ++w) {  // scribble words, mostly in the header
        uint64_t limit = (rng() & 1) ? 0x400 : testing::kSmallRegionSize;
        uint64_t at = (rng() % (limit / 4)) * 4;
        uint32_t value = static_cast<uint32_t>(rng());
        if (rng() % 4 == 0) value = shmem::kInitialIndex + static_cast<uint32_t>(rng() % 32);
        std::memcpy(region.data() + at, &value, sizeof value);
      }
      if (round % 2) shmem::guest_announce_ready(region.data(), 0);  // keep the guest "ready" often
      ASSERT_LE(pump.pump_once(), 2u * testing::kSmallRegionSlots);
    }
    failures += pump.failed();
  }
  EXPECT_GT(failures, 0);  // the garbage did trip the checks
}

}  // namespace
}  // namespace vmm
