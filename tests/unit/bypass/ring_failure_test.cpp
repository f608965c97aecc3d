// What a bypass process sees when the rings go wrong: the header refused at
// attach, the host stopping the device over a bad index, a bad index from
// the host. Each is an error value with where and why, never a crash, and
// the host is told the guest side stopped.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/unit/bypass/bypass_rig.h"

namespace bypass::test {
namespace {

using std::chrono::milliseconds;

// Polls until poll() fails, for at most `limit`; its last result.
int poll_until_failure(BypassNet& net, milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  int r = 0;
  while (r >= 0 && std::chrono::steady_clock::now() < end) r = net.poll();
  return r;
}

shmem::GuestState guest_state(const vmm::testing::TestRegion& region) {
  return static_cast<shmem::GuestState>(__atomic_load_n(&region.header()->guest.state, __ATOMIC_ACQUIRE));
}

TEST(BypassRings, AttachRefusesAHeaderTheHostDidNotWriteAndSaysWhy) {
  vmm::testing::TestRegion region(HostSide::kRegionSize);
  region.header()->config.magic ^= 1;
  ArenaMemory arena(1 << 20);
  BypassNet net;
  EXPECT_EQ(net.start(config_for(region, arena)), -net::err::kInval);
  EXPECT_FALSE(net.running());
  EXPECT_EQ(net.poll(), -kNetDown);
  Failure f = net.failure();
  EXPECT_EQ(f.ring, shmem::ShmemError::kBadMagic);
  EXPECT_EQ(std::string(f.where), "attach");
  EXPECT_EQ(std::string(f.reason()), "bad magic");
  EXPECT_EQ(guest_state(region), shmem::GuestState::kStopped);
  EXPECT_EQ(region.header()->guest.error, static_cast<uint32_t>(shmem::ShmemError::kBadMagic));
}

// The guest's own producer index scribbled beyond what the ring holds (as a
// hostile or buggy process could): the host stops the device and says so in
// its status line; poll() and the blocking calls report it.
TEST(BypassRings, AHostThatStoppedTheDeviceIsReportedToTheCaller) {
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  int udp = rig.net.socket(net::kAfInet, net::kSockDgram, 0);
  ASSERT_GE(udp, 0);
  uint32_t* head = &rig.host.region.header()->guest_to_host_head.index;
  __atomic_store_n(head, __atomic_load_n(head, __ATOMIC_RELAXED) + 1000, __ATOMIC_RELEASE);
  EXPECT_EQ(poll_until_failure(rig.net, milliseconds(10000)), -kNetDown);
  Failure f = rig.net.failure();
  EXPECT_EQ(f.error, -kNetDown);
  EXPECT_EQ(std::string(f.where), "host");
  EXPECT_EQ(f.ring, shmem::ShmemError::kPeerHeadAhead);
  EXPECT_EQ(rig.host.poller->stats().stop_error, shmem::ShmemError::kPeerHeadAhead);  // the host's own account
  uint8_t buf[16];
  EXPECT_EQ(rig.net.recv_until(udp, buf, sizeof buf, rig.deadline_in(milliseconds(5000))), -kNetDown);
  net::SockAddrIn to = ipv4_socket_address(net::make_ipv4(10, 0, 3, 2), 9);
  EXPECT_EQ(rig.net.sendto(udp, buf, sizeof buf, 0, &to, sizeof to), -kNetDown);  // not dropped silently
  EXPECT_NE(rig.net.poll_events(udp) & net::kPollErr, 0u);
  EXPECT_EQ(rig.net.close(udp), 0);
  EXPECT_EQ(guest_state(rig.host.region), shmem::GuestState::kStopped);
}

// The host's producer index beyond the ring (the host is trusted no more
// than the guest): the guest's checks stop the device.
TEST(BypassRings, ABadIndexFromTheHostStopsTheDeviceWithItsReason) {
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  rig.host.poller->stop();  // the test plays the host from here on
  shmem::Header* h = rig.host.region.header();
  uint32_t tail = __atomic_load_n(&h->host_to_guest_tail.index, __ATOMIC_RELAXED);
  uint32_t bad = tail + h->config.slots_per_ring + 1;
  __atomic_store_n(&h->host_to_guest_head.index, bad, __ATOMIC_RELEASE);
  EXPECT_EQ(rig.net.poll(), -kNetDown);
  Failure f = rig.net.failure();
  EXPECT_EQ(std::string(f.where), "host-to-guest ring");
  EXPECT_EQ(f.ring, shmem::ShmemError::kPeerHeadAhead);
  EXPECT_EQ(f.bad_value, bad);
  EXPECT_EQ(guest_state(rig.host.region), shmem::GuestState::kStopped);
  EXPECT_EQ(h->guest.error, static_cast<uint32_t>(shmem::ShmemError::kPeerHeadAhead));
}

}  // namespace
}  // namespace bypass::test
