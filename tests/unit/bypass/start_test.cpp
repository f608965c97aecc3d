// Bringing the bypass stack up: what the caller must supply, the smallest
// arena it starts in, and the kernel's shm0 defaults (guest/netglue/netif.cpp)
// when the caller gives no addresses.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/bypass/bypass_rig.h"

namespace bypass::test {
namespace {

TEST(BypassStart, RefusesAConfigWithoutClockOrArenaBeforeTouchingTheRings) {
  vmm::testing::TestRegion region(HostSide::kRegionSize);
  ArenaMemory arena(BypassNet::kMinArena);
  for (int missing = 0; missing < 3; ++missing) {
    BypassConfig config = config_for(region, arena);
    if (missing == 0) config.clock = Clock{};
    if (missing == 1) config.arena = nullptr;
    if (missing == 2) config.arena_size = BypassNet::kMinArena - 1;
    BypassNet net;
    EXPECT_EQ(net.start(config), -net::err::kInval) << missing;
    EXPECT_EQ(std::string(net.failure().where), "config") << missing;
    EXPECT_EQ(region.header()->guest.state, static_cast<uint32_t>(shmem::GuestState::kAbsent));
  }
}

TEST(BypassStart, CallsBeforeStartAreErrorsNotCrashes) {
  BypassNet net;
  uint8_t buf[8];
  EXPECT_FALSE(net.running());
  EXPECT_EQ(net.poll(), -kNetDown);
  EXPECT_EQ(net.socket(net::kAfInet, net::kSockDgram, 0), -kNetDown);
  EXPECT_EQ(net.recv_until(1, buf, sizeof buf, net.deadline_after(1000)), -kNetDown);
  EXPECT_EQ(net.close(1), -net::err::kBadF);
  EXPECT_EQ(net.poll_events(1), net::kPollNval);
  net.stop();  // harmless
}

TEST(BypassStart, StartsInTheSmallestArenaItAcceptsWithTheKernelsShm0Defaults) {
  vmm::testing::TestRegion region(HostSide::kRegionSize);
  ArenaMemory arena(BypassNet::kMinArena);
  BypassNet net;
  ASSERT_EQ(net.start(config_for(region, arena)), 0) << net.failure().where << ": " << net.failure().reason();
  EXPECT_TRUE(net.running());
  EXPECT_EQ(region.header()->guest.state, static_cast<uint32_t>(shmem::GuestState::kReady));
  const net::Interface* shm0 = net.stack().interface(net.interface_index());
  ASSERT_NE(shm0, nullptr);
  EXPECT_EQ(std::string(shm0->name), "shm0");
  EXPECT_EQ(shm0->address, net::make_ipv4(10, 0, 3, 15));
  EXPECT_EQ(shm0->prefix_len, 24);
  EXPECT_EQ(shm0->mtu, 1500);
  const uint8_t kernel_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x03, 0x0f};  // guest/dev/shm/shm_net.h
  EXPECT_EQ(std::memcmp(shm0->mac.bytes, kernel_mac, 6), 0);
  // A UDP socket connected outside the subnet finds a route: the default
  // gateway 10.0.3.2 is set.
  int s = net.socket(net::kAfInet, net::kSockDgram, 0);
  net::SockAddrIn outside = ipv4_socket_address(net::make_ipv4(192, 0, 2, 1), 9);
  EXPECT_EQ(net.connect(s, &outside, sizeof outside), 0);
  EXPECT_EQ(net.close(s), 0);
  net.stop();
  EXPECT_EQ(region.header()->guest.state, static_cast<uint32_t>(shmem::GuestState::kStopped));
  EXPECT_FALSE(net.running());
}

TEST(BypassStart, AGatewayOffTheSubnetIsRefusedAndTheRingsAreLetGo) {
  vmm::testing::TestRegion region(HostSide::kRegionSize);
  ArenaMemory arena(BypassNet::kMinArena);
  BypassConfig config = config_for(region, arena);
  config.gateway = net::make_ipv4(10, 0, 4, 2);
  BypassNet net;
  EXPECT_EQ(net.start(config), -net::err::kNetUnreach);
  EXPECT_EQ(std::string(net.failure().where), "stack");
  EXPECT_EQ(region.header()->guest.state, static_cast<uint32_t>(shmem::GuestState::kStopped));
  // It may start again once the caller fixes the config.
  config.gateway = net::make_ipv4(10, 0, 3, 2);
  EXPECT_EQ(net.start(config), 0);
  EXPECT_EQ(region.header()->guest.state, static_cast<uint32_t>(shmem::GuestState::kReady));
  net.stop();
}

}  // namespace
}  // namespace bypass::test
