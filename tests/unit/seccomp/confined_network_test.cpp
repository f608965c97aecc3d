// libslirp's run-time system calls under the network threads' filters: a
// SlirpBackend on an io_context whose thread is confined as the device
// thread (and, same tables, as the shared-memory poller) carries a guest's
// ARP, ping, UDP to a host socket, a TCP connection to a host server with
// data both ways, and a connection from the host through a host forward;
// DNS forwarded to the host's resolver, which no confined thread may read
// (it is read before confinement); and a restrict=on network, which lets
// the guest reach nothing but the host forwards.
// A call the filter lacked would kill this test process (SIGSYS).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "tests/unit/seccomp/guest_frames.h"
#include "tests/unit/virtio/test_frames.h"
#include "hostnet/slirp_backend.h"
#include "hostnet/slirp_resolver.h"
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
  ConfinedSlirp(ThreadKind kind, const ThreadFilters& filters, std::vector<net::HostForward> forwards = {},
                net::GuestReach reach = net::GuestReach::kOutside) {
    auto backend = net::SlirpBackend::create(forwards, reach);
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

// A host socket on 127.0.0.1 (or another loopback address), port picked by
// the kernel.
struct HostSocket {
  explicit HostSocket(int type, uint32_t address = INADDR_LOOPBACK, uint16_t at_port = 0)
      : fd(socket(AF_INET, type | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(address);
    addr.sin_port = htons(at_port);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t length = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    port = ntohs(addr.sin_port);
  }
  ~HostSocket() { close(fd); }
  bool readable(std::chrono::milliseconds within = kWait) const {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, int(within.count())) == 1;
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

// restrict=on: the guest's datagrams and connections to the host go
// nowhere; slirp still answers for its own addresses, and a host forward
// still carries a connection in. (DNS: RestrictedNetworkForwardsNoDns.)
TEST_P(ConfinedNetwork, RestrictedNetworkReachesOnlyWhatHostForwardsOpen) {
  uint16_t forwarded_port = HostSocket(SOCK_STREAM).port;  // free a moment ago
  net::HostForward forward{net::Protocol::kTcp, INADDR_LOOPBACK, forwarded_port, nt::kGuestIp, 7001};
  ConfinedSlirp slirp(GetParam(), *filters_, {forward}, net::GuestReach::kForwardsOnly);
  net::MacAddress gateway = slirp.announce_guest();
  ASSERT_TRUE(slirp.confined());

  HostSocket udp_server(SOCK_DGRAM);
  HostSocket tcp_server(SOCK_STREAM);
  ASSERT_EQ(listen(tcp_server.fd, 1), 0);
  const std::string text = "let me out";
  std::span payload(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  slirp.guest_sends(udp_frame({kGuestMac, gateway, nt::kGuestIp, nt::kHostIp, 40000, udp_server.port}, payload));
  slirp.guest_sends(tcp_frame({kGuestMac, gateway, nt::kGuestIp, nt::kHostIp, 40002, tcp_server.port}, 1000, 0, kTcpSyn));
  // Frames are handled in order, each at once: once the ping of slirp's own
  // address is answered, anything let out would be on its way.
  std::vector<uint8_t> data{1, 2, 3};
  slirp.guest_sends(nt::icmp_echo_request(kGuestMac, gateway, nt::kGuestIp, nt::kHostIp, 7, 1, data));
  EXPECT_TRUE(slirp.frames.take([](const Frame& f) {
    return nt::be16(f, nt::kEtherTypeAt) == nt::kEtherTypeIpv4 && f[nt::kIpProtocolAt] == nt::kIpProtoIcmp;
  }));
  EXPECT_FALSE(udp_server.readable(300ms)) << "a datagram to 10.0.2.2 reached the host";
  EXPECT_FALSE(tcp_server.readable(0ms)) << "a connection to 10.0.2.2 reached the host";

  int client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(forwarded_port);
  connect(client, reinterpret_cast<sockaddr*>(&to), sizeof to);
  auto syn = slirp.frames.take([](const Frame& f) {
    auto ip = read_ipv4(f);
    return ip && ip->protocol == 6 && ip->dst_port == 7001 && ip->flags == kTcpSyn;
  });
  ASSERT_TRUE(syn) << "the host forward no longer reaches the guest";
  // The guest's side of the forwarded connection gets through both ways.
  Ipv4Frame opening = *read_ipv4(*syn);
  Endpoints guest{kGuestMac, gateway, nt::kGuestIp, opening.src_ip, 7001, opening.src_port};
  slirp.guest_sends(tcp_frame(guest, 5000, opening.seq + 1, kTcpSyn | kTcpAck));
  const std::string hello = "from the guest";
  slirp.guest_sends(tcp_frame(guest, 5001, opening.seq + 1, kTcpAck | kTcpPsh,
                              std::span(reinterpret_cast<const uint8_t*>(hello.data()), hello.size())));
  pollfd p{client, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 5000), 1);
  char buffer[32] = {};
  EXPECT_EQ(read(client, buffer, sizeof buffer), ssize_t(hello.size()));
  EXPECT_EQ(std::string(buffer, hello.size()), hello);
  close(client);
}

// ---- DNS: the host's resolver, read before confinement ----

// This process's own /etc/resolv.conf, bind-mounted in a private mount
// namespace (the host's file is untouched), and a network namespace of its
// own, whose loopback the test's nameserver listens on at port 53 (the only
// port libslirp forwards DNS to). False where namespaces are not allowed.
bool use_own_resolver_config(const std::string& path, const std::string& text) {
  constexpr int kNamespaces = CLONE_NEWNS | CLONE_NEWNET;
  if (unshare(kNamespaces) != 0 && unshare(CLONE_NEWUSER | kNamespaces) != 0) return false;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
  FILE* file = std::fopen(path.c_str(), "w");
  if (!file) return false;
  std::fputs(text.c_str(), file);
  std::fclose(file);
  if (mount(path.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0) return false;
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq lo{};
  std::strcpy(lo.ifr_name, "lo");
  bool up = ioctl(s, SIOCGIFFLAGS, &lo) == 0 && (lo.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &lo) == 0);
  close(s);
  return up;
}

bool can_use_own_resolver_config(const std::string& path) {
  pid_t child = fork();
  if (child == 0) _exit(use_own_resolver_config(path, "nameserver 127.0.0.2\n") ? 0 : 1);
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

constexpr uint32_t kTestResolver = 0x7f000002;  // 127.0.0.2, on the host's loopback

// The guest's datagram to 10.0.2.3:53 goes to the first nameserver of
// /etc/resolv.conf and its answer comes back from 10.0.2.3. Then the file
// changes: libslirp's attempt to re-read it fails (EACCES) without harm.
int dns_round_trip(ThreadKind kind, const ThreadFilters& filters, const std::string& config_path) {
  HostSocket resolver(SOCK_DGRAM, kTestResolver, 53);
  if (resolver.port != 53) return 8;
  ConfinedSlirp slirp(kind, filters);
  net::MacAddress gateway = slirp.announce_guest();
  if (!slirp.confined()) return 2;
  const std::string query = "query";
  std::span payload(reinterpret_cast<const uint8_t*>(query.data()), query.size());
  slirp.guest_sends(udp_frame({kGuestMac, gateway, nt::kGuestIp, net::kUserDnsAddr, 40053, resolver.port}, payload));
  if (!resolver.readable()) return 3;  // went elsewhere, e.g. 127.0.0.1
  char buffer[64];
  sockaddr_in from{};
  socklen_t from_length = sizeof from;
  ssize_t n = recvfrom(resolver.fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_length);
  if (n != ssize_t(query.size())) return 4;
  if (sendto(resolver.fd, "answer", 6, 0, reinterpret_cast<sockaddr*>(&from), from_length) != 6) return 5;
  auto answer = slirp.frames.take([](const Frame& f) {
    auto ip = read_ipv4(f);
    return ip && ip->protocol == 17 && ip->dst_port == 40053;
  });
  if (!answer || read_ipv4(*answer)->src_ip != net::kUserDnsAddr) return 6;

  FILE* file = std::fopen(config_path.c_str(), "a");
  std::fputs("nameserver 127.0.0.3\n", file);
  std::fclose(file);
  std::this_thread::sleep_for(1100ms);  // past libslirp's once-a-second check
  slirp.guest_sends(udp_frame({kGuestMac, gateway, nt::kGuestIp, net::kUserDnsAddr, 40054, resolver.port}, payload));
  std::vector<uint8_t> data{1};
  slirp.guest_sends(nt::icmp_echo_request(kGuestMac, gateway, nt::kGuestIp, nt::kHostIp, 9, 2, data));
  bool alive = slirp.frames.take([](const Frame& f) {
    return nt::be16(f, nt::kEtherTypeAt) == nt::kEtherTypeIpv4 && f[nt::kIpProtocolAt] == nt::kIpProtoIcmp;
  }).has_value();
  return alive ? 0 : 7;
}

// restrict=on forwards no DNS either (libslirp's udp_input lets only DHCP
// and TFTP through). libslirp knows the nameserver all the same (a
// restricted network alone would not have it read), so that only the
// restriction stops the query.
int restricted_dns_goes_nowhere(ThreadKind kind, const ThreadFilters& filters) {
  HostSocket resolver(SOCK_DGRAM, kTestResolver, 53);
  if (resolver.port != 53) return 8;
  net::load_host_resolver_into_slirp();
  ConfinedSlirp slirp(kind, filters, {}, net::GuestReach::kForwardsOnly);
  net::MacAddress gateway = slirp.announce_guest();
  if (!slirp.confined()) return 2;
  const std::string query = "query";
  std::span payload(reinterpret_cast<const uint8_t*>(query.data()), query.size());
  slirp.guest_sends(udp_frame({kGuestMac, gateway, nt::kGuestIp, net::kUserDnsAddr, 40053, 53}, payload));
  return resolver.readable(500ms) ? 3 : 0;
}

TEST_P(ConfinedNetwork, DnsGoesToTheHostsResolverReadBeforeConfinement) {
  ThreadKind kind = GetParam();
  std::string path = ::testing::TempDir() + "confined_network_resolv_" + std::string(thread_kind_name(kind));
  if (!can_use_own_resolver_config(path)) GTEST_SKIP() << "no private mount namespace here (unshare refused)";
  // A fresh process (re-executed, not forked): libslirp keeps the
  // nameserver it read in a global, and this one has read it already.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        if (!use_own_resolver_config(path, "nameserver 127.0.0.2\n")) _exit(1);
        _exit(dns_round_trip(kind, *filters_, path));
      },
      ::testing::ExitedWithCode(0), "");
  std::remove(path.c_str());
}

TEST_P(ConfinedNetwork, RestrictedNetworkForwardsNoDns) {
  ThreadKind kind = GetParam();
  std::string path = ::testing::TempDir() + "confined_network_resolv_restricted_" + std::string(thread_kind_name(kind));
  if (!can_use_own_resolver_config(path)) GTEST_SKIP() << "no private mount namespace here (unshare refused)";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        if (!use_own_resolver_config(path, "nameserver 127.0.0.2\n")) _exit(1);
        _exit(restricted_dns_goes_nowhere(kind, *filters_));
      },
      ::testing::ExitedWithCode(0), "");
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(DeviceAndPoller, ConfinedNetwork,
                         ::testing::Values(ThreadKind::kDevice, ThreadKind::kShmemPoller),
                         [](const auto& info) {
                           return info.param == ThreadKind::kDevice ? std::string("Device") : std::string("ShmemPoller");
                         });

}  // namespace
}  // namespace vmm::seccomp::testing
