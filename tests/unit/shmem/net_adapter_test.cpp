// A NetBackend behind the shared-memory device (ShmemNetAdapter) with the
// poller thread running it: frames each way between the backend and the
// rings, answers computed during a send, back-pressure towards the backend,
// the backend's own wake-ups, and a guest protocol error that stops the
// device without touching the rings again.
#include <gtest/gtest.h>

#include <chrono>
#include <ostream>

#include "tests/unit/shmem/captured_log.h"
#include "tests/support/fake_net_backend.h"
#include "tests/unit/shmem/frame_pattern.h"
#include "tests/unit/shmem/shmem_net_rig.h"

namespace vmm {

void PrintTo(const PollSettings& s, std::ostream* os);

namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::FakeNetBackend;
using testing::FramePattern;
using testing::ShmemNetRig;

std::unique_ptr<net::NetBackend> fake_backend(FakeNetBackend** out, bool echo) {
  auto backend = std::make_unique<FakeNetBackend>();
  backend->echo = echo;
  *out = backend.get();
  return backend;
}

struct Rig {
  explicit Rig(PollSettings settings, bool echo = false)
      : device(fake_backend(&backend, echo), settings) {}
  FakeNetBackend* backend = nullptr;  // owned by device.adapter; set first
  ShmemNetRig device;
};

std::vector<uint8_t> frame_of(uint64_t seq) {
  static const FramePattern pattern;
  std::vector<uint8_t> frame(shmem::kMaxFrameSize);
  frame.resize(pattern.fill(seq, frame.data()));
  return frame;
}

class NetAdapter : public ::testing::TestWithParam<PollSettings> {};

TEST_P(NetAdapter, AFrameTheGuestSendsReachesTheBackend) {
  Rig rig(GetParam());
  rig.device.guest_sends(frame_of(1));
  ASSERT_TRUE(eventually([&] { return rig.backend->sent().size() == 1; }));
  EXPECT_EQ(rig.backend->sent()[0], frame_of(1));
  // The poller counts the frame after the backend's send returns: the count
  // may lag the backend by a moment, never disagree with it.
  EXPECT_TRUE(eventually([&] { return rig.device.poller->stats().frames_to_host == 1u; }));
}

TEST_P(NetAdapter, AFrameTheBackendDeliversArrivesInTheGuestsRing) {
  Rig rig(GetParam());
  rig.backend->deliver_from_host(frame_of(2));
  EXPECT_EQ(rig.device.guest_receives(), frame_of(2));
  EXPECT_EQ(rig.backend->answers(), std::vector<net::Delivery>{net::Delivery::kAccepted});
  EXPECT_EQ(rig.device.poller->stats().bytes_to_guest, frame_of(2).size());
}

// slirp answers ARP and DHCP inside slirp_input(): the answer goes out in
// the same pass that took the request.
TEST_P(NetAdapter, AnAnswerGivenDuringTheSendReachesTheGuest) {
  Rig rig(GetParam(), /*echo=*/true);
  for (uint64_t seq = 0; seq < 20; ++seq) {
    rig.device.guest_sends(frame_of(seq));
    ASSERT_EQ(rig.device.guest_receives(), frame_of(seq)) << seq;
  }
}

// The guest does not read: the ring fills, then the adapter's queue, then
// the backend hears kNoBuffer. The frames come as one burst (as libslirp
// delivers inside one poll): frames posted one by one would let a pass move
// held frames into the ring between two of them, and a frame after a
// refused one would be accepted (a drop, then room: right, but not what
// this test is about; it failed that way once in CI under ASan). The
// accepted frames are a prefix, at least a queue's worth and at most queue
// plus ring. Every accepted frame arrives in order as the guest drains, and
// the backend, told kNoBuffer, is told to resume once the queue has room.
TEST_P(NetAdapter, AFullGuestPushesBackOnTheBackend) {
  Rig rig(GetParam());
  constexpr size_t kRoom = 8 + ShmemNetAdapter::kHeldFrames;  // ring slots + held
  constexpr size_t kSent = kRoom + 5;
  std::vector<std::vector<uint8_t>> burst;
  for (uint64_t seq = 0; seq < kSent; ++seq) burst.push_back(frame_of(seq));
  rig.backend->deliver_burst_from_host(std::move(burst));
  ASSERT_TRUE(eventually([&] { return rig.backend->answer_count() == kSent; }));
  std::vector<net::Delivery> answers = rig.backend->answers();
  size_t accepted = 0;
  while (accepted < kSent && answers[accepted] == net::Delivery::kAccepted) ++accepted;
  EXPECT_GE(accepted, ShmemNetAdapter::kHeldFrames);
  EXPECT_LE(accepted, kRoom);
  for (size_t i = accepted; i < kSent; ++i) EXPECT_EQ(answers[i], net::Delivery::kNoBuffer) << i;
  for (uint64_t seq = 0; seq < accepted; ++seq) ASSERT_EQ(rig.device.guest_receives(), frame_of(seq)) << seq;
  EXPECT_GE(rig.backend->resumes.load(), 1);
  EXPECT_EQ(rig.device.poller->stats().frames_to_guest, accepted);
  std::vector<uint8_t> none(shmem::kMaxFrameSize);
  EXPECT_EQ(rig.device.guest.from_host.try_pop(none.data(), shmem::kMaxFrameSize).status,
            shmem::RingStatus::kEmpty);
}

TEST_P(NetAdapter, AGuestThatBreaksTheRingStopsTheDeviceOnly) {
  testing::CapturedLog log;
  Rig rig(GetParam());
  shmem::Header* h = rig.device.region.header();
  uint32_t head_before = h->host_to_guest_head.index;
  // A guest-to-host head 1000 frames ahead of what an 8-slot ring can hold.
  __atomic_store_n(&h->guest_to_host_head.index, h->guest_to_host_tail.index + 1000, __ATOMIC_RELEASE);
  ASSERT_TRUE(eventually([&] { return !rig.device.poller->polling(); }));
  ShmemStats stats = rig.device.poller->stats();
  EXPECT_EQ(stats.stop_error, shmem::ShmemError::kPeerHeadAhead);
  EXPECT_EQ(h->host.state, static_cast<uint32_t>(shmem::HostState::kFailed));
  EXPECT_EQ(log.count("shmem device stopped"), 1u) << log.all();
  // Nothing runs the backend any more, and nothing reaches the rings.
  rig.backend->deliver_from_host(frame_of(3));
  std::this_thread::sleep_for(10ms);
  EXPECT_EQ(rig.backend->answer_count(), 0u);
  EXPECT_EQ(h->host_to_guest_head.index, head_before);
  EXPECT_TRUE(rig.backend->sent().empty());
}

INSTANTIATE_TEST_SUITE_P(Policies, NetAdapter,
                         ::testing::Values(PollSettings{PollPolicy::kBusy, 100us},
                                           PollSettings{PollPolicy::kAdaptive, 100us},
                                           PollSettings{PollPolicy::kAdaptive, 100ms}));

// The waits themselves, without a poller: an adaptive sleep ends when the
// backend has work or when wake() is called, not when the timeout runs out.
// The 60 s timeout only makes a missed wake-up visible; nothing here is a
// performance bound.
TEST(NetAdapterWait, BackendWorkEndsTheWait) {
  auto backend = std::make_unique<FakeNetBackend>();
  FakeNetBackend* fake = backend.get();
  auto adapter = ShmemNetAdapter::create(std::move(backend)).value();
  fake->deliver_from_host(frame_of(4));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(adapter->wait_for_host(60s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_EQ(fake->answer_count(), 1u);
  std::vector<uint8_t> buffer(shmem::kMaxFrameSize);
  EXPECT_EQ(adapter->fetch_for_guest(buffer), frame_of(4).size());
  EXPECT_EQ(adapter->fetch_for_guest(buffer), 0u);
}

TEST(NetAdapterWait, WakeFromAnotherThreadEndsTheWait) {
  auto adapter = ShmemNetAdapter::create(std::make_unique<FakeNetBackend>()).value();
  std::thread waker([&] {
    std::this_thread::sleep_for(20ms);
    adapter->wake();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(adapter->wait_for_host(60s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  waker.join();
}

TEST(NetAdapterWait, ATimeoutEndsAnIdleWait) {
  auto adapter = ShmemNetAdapter::create(std::make_unique<FakeNetBackend>()).value();
  for (int i = 0; i < 3; ++i) {
    adapter->poll_host();  // runs the cancelled timer's handler, as the poller does
    EXPECT_TRUE(adapter->wait_for_host(1ms));
  }
}

TEST(NetAdapterWait, RefusesToRunWithoutABackend) {
  auto r = ShmemNetAdapter::create(nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no network backend"), std::string::npos);
}

}  // namespace
}  // namespace vmm
