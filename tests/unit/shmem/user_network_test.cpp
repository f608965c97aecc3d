// The device's own libslirp network through the whole host side (adapter,
// poller thread, rings): it is 10.0.3.0/24, not --net user's 10.0.2.0/24.
// slirp answers an ARP request for one of its own addresses inside
// slirp_input(), so the test needs no host network and no timing.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "hostnet/slirp_backend.h"
#include "tests/unit/shmem/shmem_net_rig.h"

namespace vmm {
namespace {

using testing::ShmemNetRig;

constexpr std::array<uint8_t, 6> kGuestMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};

void put_ipv4(std::vector<uint8_t>& frame, size_t at, uint32_t addr) {
  for (int i = 0; i < 4; ++i) frame[at + i] = static_cast<uint8_t>(addr >> (24 - 8 * i));
}

uint32_t get_ipv4(const std::vector<uint8_t>& frame, size_t at) {
  uint32_t addr = 0;
  for (int i = 0; i < 4; ++i) addr = addr << 8 | frame[at + i];
  return addr;
}

// RFC 826 request from the guest (10.0.3.15) asking for `target`.
std::vector<uint8_t> arp_request(uint32_t target) {
  std::vector<uint8_t> frame(42, 0);
  std::fill(frame.begin(), frame.begin() + 6, 0xff);  // broadcast
  std::copy(kGuestMac.begin(), kGuestMac.end(), frame.begin() + 6);
  frame[12] = 0x08, frame[13] = 0x06;                 // ARP
  frame[14] = 0x00, frame[15] = 0x01;                 // Ethernet
  frame[16] = 0x08, frame[17] = 0x00;                 // IPv4
  frame[18] = 6, frame[19] = 4;
  frame[20] = 0x00, frame[21] = 0x01;                 // request
  std::copy(kGuestMac.begin(), kGuestMac.end(), frame.begin() + 22);
  put_ipv4(frame, 28, net::kShmemUserNetwork.guest);
  put_ipv4(frame, 38, target);
  return frame;
}

TEST(ShmemUserNetwork, AnswersArpOnItsOwnSubnetOnly) {
  auto network = net::SlirpBackend::create(net::kShmemUserNetwork, {});
  ASSERT_TRUE(network.ok()) << network.error().message;
  ShmemNetRig rig(std::move(*network), PollSettings{PollPolicy::kAdaptive, std::chrono::microseconds(100)});
  // --net user's gateway is not on this network: no answer; then this
  // network's host and DNS addresses answer, in order.
  rig.guest_sends(arp_request(0x0a000202));
  rig.guest_sends(arp_request(net::kShmemUserNetwork.host));
  rig.guest_sends(arp_request(net::kShmemUserNetwork.dns));
  for (uint32_t want : {net::kShmemUserNetwork.host, net::kShmemUserNetwork.dns}) {
    std::vector<uint8_t> reply = rig.guest_receives();
    ASSERT_GE(reply.size(), 42u);
    EXPECT_EQ(reply[12], 0x08);
    EXPECT_EQ(reply[13], 0x06);
    EXPECT_EQ(reply[21], 0x02);  // reply
    EXPECT_TRUE(std::equal(kGuestMac.begin(), kGuestMac.end(), reply.begin()));
    EXPECT_EQ(get_ipv4(reply, 28), want);
    EXPECT_EQ(get_ipv4(reply, 38), net::kShmemUserNetwork.guest);
  }
  EXPECT_EQ(rig.poller->stats().frames_to_host, 3u);
  EXPECT_EQ(rig.poller->stats().frames_to_guest, 2u);
  EXPECT_EQ(rig.adapter->kind(), "user");
}

}  // namespace
}  // namespace vmm
