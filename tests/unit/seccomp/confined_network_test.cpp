// libslirp's run-time system calls under the network threads' filters: a
// SlirpBackend on an io_context whose thread is confined as the device
// thread (and, same tables, as the shared-memory poller) carries a guest's
// ARP, ping, UDP to a host socket, a TCP connection to a host server with
// data both ways, and a connection from the host through a host forward.
// A call the filter lacked would kill this test process (SIGSYS).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "tests/unit/seccomp/guest_frames.h"
#include "tests/unit/virtio/test_frames.h"
#include "virtio/net/backend/slirp_backend.h"
#include "vmm/seccomp/thread_filters.h"

namespace vmm::seccomp::testing {
namespace {

using namespace std::chrono_literals;
namespace nt = net::testing;

const net::MacAddress kGuestMac = net::default_mac(0);
constexpr auto kWait = 5s;

// Frames for the guest, handed from the confined thread to the test's.
class FrameQueue : public net::FrameReceiver {
 public:
  net::Delivery deliver_frame(std::span<const uint8_t> frame) override {
    std::lock_guard lock(mutex_);
    frames_.emplace_back(frame.begin(), frame.end());
    arrived_.notify_all();
    return net::Delivery::kAccepted;
  }
  // The first frame `wanted` accepts, dropping those before it.
  std::optional<Frame> take(const std::function<bool(const Frame&)>& wanted) {
    std::unique_lock lock(mutex_);
    auto deadline = std::chrono::steady_clock::now() + kWait;
    while (true) {
      while (!frames_.empty()) {
        Frame f = std::move(frames_.front());
        frames_.pop_front();
        if (wanted(f)) return f;
      }
      if (arrived_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Frame> frames_;
};

// The backend's loop on a thread of its own, confined before it runs.
class ConfinedSlirp {
 public:
  ConfinedSlirp(ThreadKind kind, const ThreadFilters& filters, std::vector<net::HostForward> forwards = {}) {
    auto backend = net::SlirpBackend::create(forwards);
    EXPECT_TRUE(backend.ok()) << backend.error().message;
    backend_ = std::move(*backend);
    EXPECT_TRUE(backend_->attach(context_, frames).ok());
    thread_ = std::thread([this, kind, &filters] {
      confined_ = filters.install(kind).ok();
      if (confined_) context_.run();
    });
  }
  ~ConfinedSlirp() {
    work_.reset();
    context_.stop();
    thread_.join();
  }
  bool confined() const { return confined_; }

  void guest_sends(Frame frame) {
    boost::asio::post(context_, [this, frame = std::move(frame)] { backend_->send_frame(frame); });
  }
  // ARP for the gateway: slirp learns the guest's address; its MAC back.
  net::MacAddress announce_guest() {
    guest_sends(nt::arp_request(kGuestMac, nt::kGuestIp, nt::kHostIp));
    auto reply = frames.take([](const Frame& f) { return nt::be16(f, nt::kEtherTypeAt) == nt::kEtherTypeArp; });
    net::MacAddress mac{};
    if (reply) std::copy_n(reply->begin() + nt::kArpSenderMacAt, 6, mac.begin());
    return mac;
  }

  FrameQueue frames;

 private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{context_.get_executor()};
  std::unique_ptr<net::SlirpBackend> backend_;
  std::atomic<bool> confined_{false};
  std::thread thread_;
};

// A host socket on 127.0.0.1, port picked by the kernel.
struct HostSocket {
  explicit HostSocket(int type) : fd(socket(AF_INET, type | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t length = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    port = ntohs(addr.sin_port);
  }
  ~HostSocket() { close(fd); }
  bool readable() const {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, int(std::chrono::milliseconds(kWait).count())) == 1;
  }
  int fd;
  uint16_t port;
};

class ConfinedNetwork : public ::testing::TestWithParam<ThreadKind> {
 protected:
  void SetUp() override {
    if (kSanitizerBuild) GTEST_SKIP() << "a sanitizer build runs unconfined (vmm/seccomp/CMakeLists.txt)";
    auto compiled = ThreadFilters::compile();
    ASSERT_TRUE(compiled.ok()) << compiled.error().message;
    filters_ = std::make_unique<ThreadFilters>(std::move(*compiled));
  }
  std::unique_ptr<ThreadFilters> filters_;
};

TEST_P(ConfinedNetwork, PingAndUdpToTheHost) {
  ConfinedSlirp slirp(GetParam(), *filters_);
  net::MacAddress gateway = slirp.announce_guest();
  ASSERT_TRUE(slirp.confined());

  std::vector<uint8_t> data{1, 2, 3};
  slirp.guest_sends(nt::icmp_echo_request(kGuestMac, gateway, nt::kGuestIp, nt::kHostIp, 7, 1, data));
  EXPECT_TRUE(slirp.frames.take([](const Frame& f) {
    return nt::be16(f, nt::kEtherTypeAt) == nt::kEtherTypeIpv4 && f[nt::kIpProtocolAt] == nt::kIpProtoIcmp;
  }));

  // slirp opens a host UDP socket for the guest's datagram; the reply comes
  // back through it (FIONREAD, recvfrom, recvmsg of the error queue).
  HostSocket echo(SOCK_DGRAM);
  const std::string text = "datagram";
  slirp.guest_sends(udp_frame({kGuestMac, gateway, nt::kGuestIp, nt::kHostIp, 40000, echo.port},
                              std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
  ASSERT_TRUE(echo.readable());
  char buffer[64];
  sockaddr_in from{};
  socklen_t from_length = sizeof from;
  ssize_t n = recvfrom(echo.fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_length);
  ASSERT_EQ(n, ssize_t(text.size()));
  ASSERT_EQ(sendto(echo.fd, "reply", 5, 0, reinterpret_cast<sockaddr*>(&from), from_length), 5);
  auto reply = slirp.frames.take([](const Frame& f) {
    auto ip = read_ipv4(f);
    return ip && ip->protocol == 17 && ip->dst_port == 40000;
  });
  ASSERT_TRUE(reply);
  EXPECT_EQ(std::string(reply->end() - 5, reply->end()), "reply");
}

TEST_P(ConfinedNetwork, TcpConnectionToAHostServerBothWays) {
  ConfinedSlirp slirp(GetParam(), *filters_);
  net::MacAddress gateway = slirp.announce_guest();
  HostSocket server(SOCK_STREAM);
  ASSERT_EQ(listen(server.fd, 1), 0);
  Endpoints guest{kGuestMac, gateway, nt::kGuestIp, nt::kHostIp, 40001, server.port};

  // SYN: slirp connects a host socket (socket, fcntl, setsockopt, connect)
  // and answers SYN-ACK once the host accepted.
  slirp.guest_sends(tcp_frame(guest, 1000, 0, kTcpSyn));
  ASSERT_TRUE(server.readable());
  int connection = accept4(server.fd, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(connection, 0);
  auto syn_ack = slirp.frames.take([](const Frame& f) {
    auto ip = read_ipv4(f);
    return ip && ip->protocol == 6 && ip->flags == (kTcpSyn | kTcpAck);
  });
  ASSERT_TRUE(syn_ack);
  uint32_t server_seq = read_ipv4(*syn_ack)->seq + 1;

  const std::string hello = "hello";
  slirp.guest_sends(tcp_frame(guest, 1001, server_seq, kTcpAck | kTcpPsh,
                              std::span(reinterpret_cast<const uint8_t*>(hello.data()), hello.size())));
  char buffer[16] = {};
  pollfd p{connection, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 5000), 1);
  ASSERT_EQ(read(connection, buffer, sizeof buffer), ssize_t(hello.size()));
  EXPECT_EQ(std::string(buffer, hello.size()), hello);

  ASSERT_EQ(write(connection, "world", 5), 5);
  auto data = slirp.frames.take([](const Frame& f) {
    auto ip = read_ipv4(f);
    return ip && ip->protocol == 6 && !ip->payload.empty();
  });
  ASSERT_TRUE(data);
  std::vector<uint8_t> payload = read_ipv4(*data)->payload;
  EXPECT_EQ(std::string(payload.begin(), payload.end()), "world");

  // The host closes (slirp: recv 0, shutdown), the guest resets.
  close(connection);
  EXPECT_TRUE(slirp.frames.take([](const Frame& f) {
    auto ip = read_ipv4(f);
    return ip && ip->protocol == 6 && (ip->flags & kTcpFin);
  }));
  slirp.guest_sends(tcp_frame(guest, 1001 + uint32_t(hello.size()), server_seq + 6, kTcpRst));
}

TEST_P(ConfinedNetwork, HostConnectsThroughAHostForward) {
  // A port that was free a moment ago.
  uint16_t port = HostSocket(SOCK_STREAM).port;
  net::HostForward forward{};
  forward.protocol = net::Protocol::kTcp;
  forward.host_addr = INADDR_LOOPBACK;
  forward.host_port = port;
  forward.guest_addr = nt::kGuestIp;
  forward.guest_port = 7001;
  ConfinedSlirp slirp(GetParam(), *filters_, {forward});
  slirp.announce_guest();

  // slirp accepts on the confined thread and sends the guest a SYN.
  int client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  connect(client, reinterpret_cast<sockaddr*>(&to), sizeof to);
  auto syn = slirp.frames.take([](const Frame& f) {
    auto ip = read_ipv4(f);
    return ip && ip->protocol == 6 && ip->dst_port == 7001 && ip->flags == kTcpSyn;
  });
  EXPECT_TRUE(syn);
  close(client);
}

INSTANTIATE_TEST_SUITE_P(DeviceAndPoller, ConfinedNetwork,
                         ::testing::Values(ThreadKind::kDevice, ThreadKind::kShmemPoller),
                         [](const auto& info) {
                           return info.param == ThreadKind::kDevice ? std::string("Device") : std::string("ShmemPoller");
                         });

}  // namespace
}  // namespace vmm::seccomp::testing
