// The poller thread: moves frames while the guest polls, stops promptly when
// asked under both policies, stops by itself on a protocol error without
// taking anything else down, and accounts for its idle time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ostream>
#include <thread>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_poller.h"
#include "tests/unit/shmem/captured_log.h"
#include "tests/unit/shmem/fake_backend.h"
#include "tests/unit/shmem/eventually.h"
#include "tests/unit/shmem/test_region.h"

namespace vmm {

// Names the parameter in gtest's output.
void PrintTo(const PollSettings& s, std::ostream* os) {
  *os << poll_policy_name(s.policy) << ", max latency " << s.max_latency.count() << " ns";
}

namespace {

using namespace std::chrono_literals;
using shmem::RingStatus;
using shmem::ShmemError;
using testing::CapturedLog;
using testing::FakeBackend;
using testing::TestRegion;
using testing::eventually;

struct Device {
  explicit Device(PollSettings settings) : region(testing::kSmallRegionSize) {
    EXPECT_EQ(shmem::guest_attach(region.data(), testing::kSmallRegionSize, &guest), ShmemError::kNone);
    shmem::guest_announce_ready(region.data(), 0);
    auto p = ShmemPoller::start(ShmemEndpoint::attach(region.bytes()).value(), backend, settings);
    EXPECT_TRUE(p.ok());
    poller = std::move(*p);
  }
  TestRegion region;  // outlives the poller (declared first, destroyed last)
  FakeBackend backend;
  shmem::GuestRings guest;
  std::unique_ptr<ShmemPoller> poller;
};

const PollSettings kBusy{PollPolicy::kBusy, 100us};
const PollSettings kAdaptive{PollPolicy::kAdaptive, 100us};

class PollerPolicies : public ::testing::TestWithParam<PollSettings> {};

TEST_P(PollerPolicies, MovesFramesBothWays) {
  Device d(GetParam());
  constexpr int kFrames = 2000;
  uint8_t frame[64] = {};
  for (int i = 0; i < kFrames;) {
    frame[0] = static_cast<uint8_t>(i);
    shmem::RingResult r = d.guest.to_host.try_push(frame, 64);
    if (r.status == RingStatus::kDone) ++i;
    else std::this_thread::yield();
  }
  ASSERT_TRUE(eventually([&] { return d.backend.from_guest_count() == kFrames; }));
  for (int i = 0; i < kFrames; ++i) d.backend.queue_for_guest(std::vector<uint8_t>(30, static_cast<uint8_t>(i)));
  uint8_t out[shmem::kMaxFrameSize];
  int received = 0;
  ASSERT_TRUE(eventually([&] {
    while (d.guest.from_host.try_pop(out, sizeof out).status == RingStatus::kDone) {
      EXPECT_EQ(out[0], static_cast<uint8_t>(received));
      ++received;
    }
    return received == kFrames;
  }));
  auto got = d.backend.from_guest();
  for (int i = 0; i < kFrames; ++i) ASSERT_EQ(got[i][0], static_cast<uint8_t>(i));
  ShmemStats s = d.poller->stats();
  EXPECT_EQ(s.frames_to_host, uint64_t{kFrames});
  EXPECT_EQ(s.frames_to_guest, uint64_t{kFrames});
  EXPECT_EQ(s.stop_error, ShmemError::kNone);
}

TEST_P(PollerPolicies, StopsPromptlyWhenAsked) {
  Device d(GetParam());
  std::this_thread::sleep_for(20ms);  // let adaptive reach its sleeping phase
  auto begin = std::chrono::steady_clock::now();
  d.poller->stop();
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_FALSE(d.poller->polling());
  // Structurally: the loop checks the stop token every pass, and a sleep
  // wakes on the stop request. The bound here only catches a hang.
  EXPECT_LT(took, 2s);
  std::printf("stop took %lld us\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(took).count()));
  EXPECT_EQ(d.region.header()->host.state, static_cast<uint32_t>(shmem::HostState::kIdle));
  d.poller->stop();  // idempotent
}

TEST_P(PollerPolicies, ProtocolErrorStopsOnlyTheDevice) {
  CapturedLog log;
  Device d(GetParam());
  d.region.header()->guest_to_host_head.index = 0x12345678;
  ASSERT_TRUE(eventually([&] { return !d.poller->polling(); }));
  ShmemStats s = d.poller->stats();
  EXPECT_EQ(s.stop_error, ShmemError::kPeerHeadAhead);
  EXPECT_FALSE(s.stop_reason.empty());
  EXPECT_EQ(log.count("shmem device stopped"), 1u);
  EXPECT_EQ(d.region.header()->host.state, static_cast<uint32_t>(shmem::HostState::kFailed));
  d.poller->stop();  // joins a thread that has already left its loop
}

INSTANTIATE_TEST_SUITE_P(Policies, PollerPolicies, ::testing::Values(kBusy, kAdaptive),
                         [](const auto& info) { return std::string(poll_policy_name(info.param.policy)); });

TEST(PollerLongestSleep, StopCutsASleepShort) {
  Device d(PollSettings{PollPolicy::kAdaptive, 100ms});
  ASSERT_TRUE(eventually([&] { return d.poller->stats().sleeps >= 18; }));  // now each sleep is 100 ms
  auto begin = std::chrono::steady_clock::now();
  d.poller->stop();
  auto took = std::chrono::steady_clock::now() - begin;
  std::printf("stop during a 100 ms sleep took %lld us\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(took).count()));
  EXPECT_LT(took, 2s);
}

TEST(PollerIdleTime, BusySpinTimeIsCurrentWhileItRuns) {
  Device busy(kBusy);
  ASSERT_TRUE(eventually([&] { return busy.poller->stats().spin_ns > 0; }));
}

TEST(PollerIdleTime, AdaptiveSleepsAndBusyNever) {
  Device adaptive(kAdaptive);
  Device busy(kBusy);
  std::this_thread::sleep_for(30ms);
  adaptive.poller->stop();
  busy.poller->stop();
  ShmemStats a = adaptive.poller->stats();
  ShmemStats b = busy.poller->stats();
  EXPECT_GT(a.sleeps, 0u);
  EXPECT_GT(a.sleep_ns, 0u);
  EXPECT_GT(a.spin_ns, 0u);
  EXPECT_EQ(b.sleeps, 0u);
  EXPECT_EQ(b.sleep_ns, 0u);
  EXPECT_GT(b.spin_ns, 0u);
  EXPECT_GT(b.polls, a.polls);
}

}  // namespace
}  // namespace vmm
