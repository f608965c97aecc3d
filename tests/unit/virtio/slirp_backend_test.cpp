// The libslirp backend without a VM: frames a guest would send go in, the
// user network's replies come out on the same thread; host forwards listen
// on the host; a full receiver holds frames, in order, up to a bound.
#include "hostnet/slirp_backend.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

#include "tests/unit/virtio/test_frames.h"

namespace vmm::net {
namespace {

using namespace testing;

const MacAddress kGuestMac = default_mac(0);

class CollectingReceiver : public FrameReceiver {
 public:
  Delivery deliver_frame(std::span<const uint8_t> frame) override {
    if (full) return Delivery::kNoBuffer;
    frames.emplace_back(frame.begin(), frame.end());
    return Delivery::kAccepted;
  }
  bool full = false;
  std::vector<std::vector<uint8_t>> frames;
};

// A host socket of `type` bound to 127.0.0.1 on a port the kernel picks.
struct HostSocket {
  explicit HostSocket(int type) : fd(socket(AF_INET, type, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~HostSocket() { close(fd); }
  int fd;
  uint16_t port;
};

class SlirpBackendTest : public ::testing::Test {
 protected:
  void start(const std::vector<HostForward>& forwards = {}) {
    auto backend = SlirpBackend::create(forwards);
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    backend_ = std::move(*backend);
    ASSERT_TRUE(backend_->attach(context_, receiver_).ok());
  }

  // Runs the backend's thread (this one) until `done` or five seconds pass.
  bool run_until(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      context_.restart();
      context_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  void run_for(std::chrono::milliseconds duration) {
    context_.restart();
    context_.run_for(duration);
  }

  // The guest announces itself, so that slirp knows where 10.0.2.15 is.
  MacAddress resolve_host() {
    EXPECT_EQ(backend_->send_frame(arp_request(kGuestMac, kGuestIp, kHostIp)), SendResult::kSent);
    EXPECT_TRUE(run_until([&] { return !receiver_.frames.empty(); }));
    MacAddress mac{};
    std::copy_n(receiver_.frames.back().begin() + kArpSenderMacAt, 6, mac.begin());
    receiver_.frames.clear();
    return mac;
  }

  boost::asio::io_context context_;
  CollectingReceiver receiver_;
  std::unique_ptr<SlirpBackend> backend_;
};

TEST_F(SlirpBackendTest, ArpRequestForTheHostGetsAReply) {
  start();
  backend_->send_frame(arp_request(kGuestMac, kGuestIp, kHostIp));
  ASSERT_TRUE(run_until([&] { return !receiver_.frames.empty(); }));
  const auto& reply = receiver_.frames[0];
  EXPECT_EQ(be16(reply, kEtherTypeAt), kEtherTypeArp);
  EXPECT_EQ(be16(reply, kArpOperationAt), 2);  // reply
  EXPECT_EQ(be32(reply, kArpSenderIpAt), kHostIp);
  EXPECT_EQ(be32(reply, kArpTargetIpAt), kGuestIp);
  EXPECT_TRUE(std::equal(kGuestMac.begin(), kGuestMac.end(), reply.begin()));  // to the guest
}

TEST_F(SlirpBackendTest, IcmpEchoToTheHostIsAnswered) {
  start();
  MacAddress host_mac = resolve_host();
  std::vector<uint8_t> payload = {'p', 'i', 'n', 'g', 0, 1, 2, 3};
  backend_->send_frame(icmp_echo_request(kGuestMac, host_mac, kGuestIp, kHostIp, 0x77, 5, payload));
  ASSERT_TRUE(run_until([&] { return !receiver_.frames.empty(); }));
  const auto& reply = receiver_.frames[0];
  ASSERT_GE(reply.size(), kIpPayloadAt + 8 + payload.size());
  EXPECT_EQ(be16(reply, kEtherTypeAt), kEtherTypeIpv4);
  EXPECT_EQ(reply[kIpProtocolAt], kIpProtoIcmp);
  EXPECT_EQ(be32(reply, kIpSrcAt), kHostIp);
  EXPECT_EQ(be32(reply, kIpDstAt), kGuestIp);
  EXPECT_EQ(reply[kIpPayloadAt], 0);  // echo reply
  EXPECT_EQ(be16(reply, kIpPayloadAt + 4), 0x77);
  EXPECT_EQ(be16(reply, kIpPayloadAt + 6), 5);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), reply.begin() + kIpPayloadAt + 8));
}

TEST_F(SlirpBackendTest, FullReceiverHoldsFramesInOrderUntilResumed) {
  start();
  receiver_.full = true;
  backend_->send_frame(arp_request(kGuestMac, kGuestIp, kHostIp));
  backend_->send_frame(arp_request(kGuestMac, kGuestIp, kUserDnsAddr));
  run_for(std::chrono::milliseconds(100));  // nothing comes out while full
  EXPECT_TRUE(receiver_.frames.empty());
  receiver_.full = false;
  backend_->resume_receive();
  ASSERT_TRUE(run_until([&] { return receiver_.frames.size() == 2; }));
  EXPECT_EQ(be32(receiver_.frames[0], kArpSenderIpAt), kHostIp);
  EXPECT_EQ(be32(receiver_.frames[1], kArpSenderIpAt), kUserDnsAddr);
  EXPECT_EQ(backend_->counters().rx_dropped_no_buffer, 0u);
}

TEST_F(SlirpBackendTest, FramesBeyondTheHoldLimitAreCountedDrops) {
  start();
  receiver_.full = true;
  for (size_t i = 0; i < SlirpBackend::kMaxHeldFrames + 10; ++i)
    backend_->send_frame(arp_request(kGuestMac, kGuestIp, kHostIp));
  EXPECT_EQ(backend_->counters().rx_dropped_no_buffer, 10u);
  receiver_.full = false;
  backend_->resume_receive();
  ASSERT_TRUE(run_until([&] { return receiver_.frames.size() == SlirpBackend::kMaxHeldFrames; }));
}

TEST_F(SlirpBackendTest, UdpHostForwardReachesTheGuest) {
  HostSocket sender(SOCK_DGRAM);
  uint16_t port;
  {
    HostSocket probe(SOCK_DGRAM);  // a free port, released for the forward
    port = probe.port;
  }
  start({HostForward{Protocol::kUdp, kDefaultForwardHostAddr, port, kGuestIp, 5555}});
  resolve_host();
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  const char message[] = "hello guest";
  ASSERT_EQ(sendto(sender.fd, message, sizeof message, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
            ssize_t(sizeof message));
  ASSERT_TRUE(run_until([&] { return !receiver_.frames.empty(); }));
  const auto& frame = receiver_.frames[0];
  EXPECT_EQ(frame[kIpProtocolAt], kIpProtoUdp);
  EXPECT_EQ(be32(frame, kIpDstAt), kGuestIp);
  EXPECT_EQ(be16(frame, kIpPayloadAt + 2), 5555);  // UDP destination port
  EXPECT_TRUE(std::equal(message, message + sizeof message, frame.begin() + kIpPayloadAt + 8));
}

TEST_F(SlirpBackendTest, TcpHostForwardListensOnTheHost) {
  uint16_t port;
  {
    HostSocket probe(SOCK_STREAM);
    port = probe.port;
  }
  start({HostForward{Protocol::kTcp, kDefaultForwardHostAddr, port, kGuestIp, 80}});
  int client = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  EXPECT_EQ(connect(client, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  close(client);
}

TEST_F(SlirpBackendTest, ForwardFromABusyHostPortIsAClearError) {
  HostSocket busy(SOCK_STREAM);
  ASSERT_EQ(listen(busy.fd, 1), 0);
  auto backend = SlirpBackend::create({HostForward{Protocol::kTcp, kDefaultForwardHostAddr, busy.port, kGuestIp, 80}});
  ASSERT_FALSE(backend.ok());
  EXPECT_NE(backend.error().message.find("--net user: hostfwd tcp 127.0.0.1:" + std::to_string(busy.port)),
            std::string::npos)
      << backend.error().message;
  EXPECT_NE(backend.error().message.find("cannot listen"), std::string::npos);
}

}  // namespace
}  // namespace vmm::net
