// Issue 15: the guest cannot spend the VMM's file descriptors through
// libslirp. Which frames may open a host socket, and the budget that holds
// once 256 are open: further UDP source ports, connections and outside
// pings are dropped and counted, while connections already open go on.
#include <dirent.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "tests/unit/virtio/test_frames.h"
#include "hostnet/slirp_backend.h"
#include "hostnet/socket_opening_frame.h"

namespace vmm::net {
namespace {

using namespace testing;

const MacAddress kFrom = default_mac(0);
const MacAddress kTo = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
constexpr uint32_t kDnsIp = 0x0a000203;
constexpr uint32_t kOutsideIp = 0xc0000201;  // 192.0.2.1 (TEST-NET-1): never reached, only classified

bool opens(const std::vector<uint8_t>& frame) { return may_open_host_socket(frame, kHostIp, kDnsIp); }

TEST(SocketOpeningFrame, TcpOnlyASynWithoutAckOpensOne) {
  EXPECT_TRUE(opens(tcp_segment(kFrom, kTo, kGuestIp, kHostIp, 40000, 80, kTcpSyn)));
  EXPECT_FALSE(opens(tcp_segment(kFrom, kTo, kGuestIp, kHostIp, 40000, 80, kTcpSyn | kTcpAck)));
  EXPECT_FALSE(opens(tcp_segment(kFrom, kTo, kGuestIp, kHostIp, 40000, 80, kTcpAck)));
  EXPECT_FALSE(opens(tcp_segment(kFrom, kTo, kGuestIp, kHostIp, 40000, 80, kTcpFin | kTcpAck)));
}

TEST(SocketOpeningFrame, UdpOpensOneUnlessItIsDhcp) {
  std::vector<uint8_t> payload = {1, 2, 3};
  EXPECT_TRUE(opens(udp_datagram(kFrom, kTo, kGuestIp, kHostIp, 40000, 7, payload)));
  EXPECT_TRUE(opens(udp_datagram(kFrom, kTo, kGuestIp, kDnsIp, 40000, 53, payload)));  // forwarded
  EXPECT_FALSE(opens(udp_datagram(kFrom, kTo, 0, 0xffffffff, 68, 67, payload)));
}

TEST(SocketOpeningFrame, OnlyPingsOfOutsideAddressesOpenOne) {
  std::vector<uint8_t> payload = {'p'};
  EXPECT_TRUE(opens(icmp_echo_request(kFrom, kTo, kGuestIp, kOutsideIp, 1, 1, payload)));
  EXPECT_FALSE(opens(icmp_echo_request(kFrom, kTo, kGuestIp, kHostIp, 1, 1, payload)));
  EXPECT_FALSE(opens(icmp_echo_request(kFrom, kTo, kGuestIp, kDnsIp, 1, 1, payload)));
}

TEST(SocketOpeningFrame, FragmentsMayBeAnythingAndArpOrGarbageNothing) {
  auto fragment = udp_datagram(kFrom, kTo, kGuestIp, kHostIp, 68, 67, std::vector<uint8_t>(8));
  fragment[kEtherTypeAt + 2 + 6] = 0x20;  // more fragments
  EXPECT_TRUE(opens(fragment));
  auto later = tcp_segment(kFrom, kTo, kGuestIp, kHostIp, 1, 2, kTcpAck);
  later[kEtherTypeAt + 2 + 7] = 0x08;  // offset 8, no flags
  EXPECT_TRUE(opens(later));
  EXPECT_FALSE(opens(arp_request(kFrom, kGuestIp, kHostIp)));
  EXPECT_FALSE(opens({}));
  auto bad_header = udp_datagram(kFrom, kTo, kGuestIp, kHostIp, 1, 7, {});
  bad_header[kEtherTypeAt + 2] = 0x4f;  // 60-byte header, longer than the frame
  EXPECT_FALSE(opens(bad_header));
}

size_t open_descriptors() {
  size_t n = 0;
  DIR* dir = opendir("/proc/self/fd");
  while (dir && readdir(dir)) ++n;
  if (dir) closedir(dir);
  return n;
}

TEST(SocketBudget, AGuestOpensAtMost256HostSocketsAndExistingConnectionsGoOn) {
  boost::asio::io_context context;  // first: the backend's timers must go before it
  auto created = SlirpBackend::create({});
  ASSERT_TRUE(created.ok()) << created.error().message;
  SlirpBackend& backend = **created;
  struct : FrameReceiver {
    Delivery deliver_frame(std::span<const uint8_t>) override { return Delivery::kAccepted; }
  } receiver;
  ASSERT_TRUE(backend.attach(context, receiver).ok());
  const size_t before = open_descriptors();
  const std::vector<uint8_t> payload = {'x'};
  // Each datagram from a new source port makes slirp open a UDP socket (to
  // 10.0.2.2's discard port: the host's loopback).
  constexpr uint16_t kAttempts = 400;
  for (uint16_t i = 0; i < kAttempts; ++i)
    backend.send_frame(udp_datagram(kFrom, kTo, kGuestIp, kHostIp, uint16_t(20000 + i), 9, payload));
  const size_t opened = open_descriptors() - before;
  EXPECT_EQ(opened, SlirpBackend::kMaxHostSockets);
  EXPECT_EQ(backend.counters().tx_dropped_socket_budget, kAttempts - SlirpBackend::kMaxHostSockets);
  // At the budget: a new connection is refused, a segment of an existing
  // one is not, nor DHCP.
  EXPECT_EQ(backend.send_frame(tcp_segment(kFrom, kTo, kGuestIp, kHostIp, 30000, 9, kTcpSyn)), SendResult::kDropped);
  EXPECT_EQ(backend.send_frame(tcp_segment(kFrom, kTo, kGuestIp, kHostIp, 30000, 9, kTcpAck)), SendResult::kSent);
  EXPECT_EQ(backend.send_frame(udp_datagram(kFrom, kTo, 0, 0xffffffff, 68, 67, payload)), SendResult::kSent);
  EXPECT_EQ(open_descriptors() - before, SlirpBackend::kMaxHostSockets);
}

}  // namespace
}  // namespace vmm::net
