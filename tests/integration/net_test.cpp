// The guest's network path end to end under real KVM: the bundled guest's
// ping, udpecho, tcpecho, tcpsend and tcprecv against real Linux sockets on
// the host, over the user backend (libslirp: the host's loopback is
// 10.0.2.2, host programs reach guest servers through hostfwd) and over tap
// inside a network namespace the test creates (where root and /dev/net/tun
// allow).
#include <gtest/gtest.h>

#include <unistd.h>

#include <future>
#include <string>
#include <vector>

#include "tests/integration/kvm_available.h"
#include "tests/integration/test_binaries.h"
#include "tests/integration/output_text.h"
#include "tests/integration/net_peers.h"
#include "tests/integration/process.h"
#include "tests/integration/stream_checks.h"

namespace vmm::testing {
namespace {

constexpr int kNetTimeoutSeconds = 240;


// Debug-exit value v ends the VM with status (v << 1) | 1.
constexpr int guest_exit_status(int v) { return (v << 1) | 1; }


// The vmm command line around a network backend and an init program.
std::vector<std::string> vmm_args(const std::string& net, const std::string& init_and_args,
                                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {kVmm, "--smp", "1", "--net", net, "--cmdline", "init=" + init_and_args};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

ProcessResult run_vmm(const std::vector<std::string>& argv) { return run_process(argv, kNetTimeoutSeconds); }

// ---- user backend (libslirp) ----

TEST(NetUser, GuestPingsTheHostGateway) {
  SKIP_WITHOUT_KVM();
  auto r = run_vmm(vmm_args("user", "ping -- -c 3 10.0.2.2"));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "3 transmitted, 3 received")) << r.out;
  EXPECT_TRUE(contains(r.out, "net: eth0 virtio-net")) << r.out;
}

// Every socket call once, over the guest's loopback and AF_UNIX pairs
// (guest/user/netcheck.cpp): socketpair, names, accept4 flags,
// non-blocking connect, poll and select over mixed fds, options, refused
// connects, sendmsg/recvmsg with MSG_PEEK and truncation.
TEST(NetUser, GuestSocketCallsBehaveAsOnLinux) {
  SKIP_WITHOUT_KVM();
  auto r = run_vmm(vmm_args("user", "netcheck"));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, " passed, 0 failed")) << r.out;
  EXPECT_FALSE(contains(r.out, "FAIL")) << r.out;
}

TEST(NetUser, GuestUdpEchoClientGetsTenThousandDatagramsBackIntact) {
  SKIP_WITHOUT_KVM();
  auto server = UdpEchoServer::start("127.0.0.1");
  ASSERT_TRUE(server);
  std::string args = "udpecho -- 10.0.2.2 " + std::to_string(server->port()) + " 10000 1-1472";
  auto r = run_vmm(vmm_args("user", args));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "10000 intact, 0 corrupt")) << r.out;
  EXPECT_GE(server->echoed(), 10000u);
}

TEST(NetUser, HostClientReachesGuestUdpEchoServerThroughHostfwd) {
  SKIP_WITHOUT_KVM();
  uint16_t port = free_port(false);
  constexpr uint64_t kCount = 200;
  std::string net = "user,hostfwd=udp:127.0.0.1:" + std::to_string(port) + "-:7000";
  auto vm = std::async(std::launch::async, [&] {
    return run_vmm(vmm_args(net, "udpecho -- -l 7000 -n " + std::to_string(kCount)));
  });
  uint64_t intact = udp_echo_client("127.0.0.1", port, kCount, 1472, std::chrono::seconds(120));
  while (vm.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    udp_send_filler("127.0.0.1", port);
  }
  auto r = vm.get();
  EXPECT_EQ(intact, kCount);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

TEST(NetUser, GuestTcpsendDelivers16MiBToAHostServerWithMatchingSha256) {
  SKIP_WITHOUT_KVM();
  auto sink = TcpServer::start(TcpServer::Mode::kSink, "127.0.0.1");
  ASSERT_TRUE(sink);
  auto r = run_vmm(vmm_args("user", "tcpsend -- 10.0.2.2 " + std::to_string(sink->port()) + " " +
                                        std::to_string(k16MiB)));
  expect_tcpsend_delivered(r, *sink, k16MiB);
}

TEST(NetUser, HostSends16MiBToGuestTcprecvThroughHostfwdWithMatchingSha256) {
  SKIP_WITHOUT_KVM();
  uint16_t port = free_port(true);
  std::string net = "user,hostfwd=tcp:127.0.0.1:" + std::to_string(port) + "-:7001";
  auto vm = std::async(std::launch::async, [&] { return run_vmm(vmm_args(net, "tcprecv -- -l 7001")); });
  std::string sent = tcp_send_pattern("127.0.0.1", port, k16MiB, false, std::chrono::seconds(120));
  auto r = vm.get();
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_FALSE(sent.empty());
  EXPECT_EQ(guest_sha256(r.out), sent) << r.out;
  EXPECT_TRUE(contains(r.out, " bytes " + std::to_string(k16MiB))) << r.out;
}

TEST(NetUser, GuestTcpechoClientAgainstHostEchoServer) {
  SKIP_WITHOUT_KVM();
  auto echo = TcpServer::start(TcpServer::Mode::kEcho, "127.0.0.1");
  ASSERT_TRUE(echo);
  auto r = run_vmm(vmm_args("user", "tcpecho -- 10.0.2.2 " + std::to_string(echo->port()) + " 1000000"));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "1000000 bytes intact")) << r.out;
}

TEST(NetUser, HostTcpEchoClientAgainstGuestTcpechoServer) {
  SKIP_WITHOUT_KVM();
  uint16_t port = free_port(true);
  std::string net = "user,hostfwd=tcp:127.0.0.1:" + std::to_string(port) + "-:7002";
  auto vm = std::async(std::launch::async, [&] { return run_vmm(vmm_args(net, "tcpecho -- -l 7002 -n 1")); });
  std::string sent = tcp_send_pattern("127.0.0.1", port, 1000000, true, std::chrono::seconds(120));
  auto r = vm.get();
  EXPECT_EQ(sent, pattern_sha256(1000000));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

TEST(NetUser, ConnectToAClosedHostPortIsRefused) {
  SKIP_WITHOUT_KVM();
  uint16_t closed = free_port(true);
  auto r = run_vmm(vmm_args("user", "tcpecho -- 10.0.2.2 " + std::to_string(closed) + " 100"));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, guest_exit_status(3)) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "ECONNREFUSED")) << r.out;
}

TEST(NetUser, FiveHundredShortConnectionsInARow) {
  SKIP_WITHOUT_KVM();
  auto echo = TcpServer::start(TcpServer::Mode::kEcho, "127.0.0.1");
  ASSERT_TRUE(echo);
  auto r = run_vmm(vmm_args("user", "tcpecho -- -c 500 10.0.2.2 " + std::to_string(echo->port()) + " 100"));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(echo->connections(), 500u);
}

// ---- tap inside a network namespace ----

// iproute2's ip: in /usr/sbin, which a non-login PATH may lack.
std::string ip_command() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "ip";
}

class NetTap : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_KVM();
    std::string why;
    ns_ = NetNamespace::create(&why);
    if (!ns_) GTEST_SKIP() << "no network namespace: " << why;
    // The host end: tap0 at 10.0.2.2/24, as the user backend's gateway, so
    // the guest's default addresses fit.
    ASSERT_TRUE(ns_->exec("ip tuntap add dev tap0 mode tap && ip addr add 10.0.2.2/24 dev tap0 && "
                          "ip link set tap0 up"));
  }

  ProcessResult run_in_ns(const std::string& init_and_args) {
    std::vector<std::string> argv = {ip_command(), "netns", "exec", ns_->name()};
    auto vmm = vmm_args("tap,ifname=tap0", init_and_args);
    argv.insert(argv.end(), vmm.begin(), vmm.end());
    return run_process(argv, kNetTimeoutSeconds);
  }

  std::unique_ptr<NetNamespace> ns_;
};

TEST_F(NetTap, GuestPingsTheTapAddress) {
  auto r = run_in_ns("ping -- -c 3 10.0.2.2");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "3 transmitted, 3 received")) << r.out;
}

TEST_F(NetTap, UdpEchoBothWays) {
  auto server = UdpEchoServer::start("10.0.2.2", ns_.get());
  ASSERT_TRUE(server);
  auto r = run_in_ns("udpecho -- 10.0.2.2 " + std::to_string(server->port()) + " 2000 1-1472");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "2000 intact, 0 corrupt")) << r.out;

  auto vm = std::async(std::launch::async, [&] { return run_in_ns("udpecho -- -l 7000 -n 200"); });
  uint64_t intact = udp_echo_client("10.0.2.15", 7000, 200, 1472, std::chrono::seconds(120), ns_.get());
  while (vm.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    udp_send_filler("10.0.2.15", 7000, ns_.get());
  }
  auto r2 = vm.get();
  EXPECT_EQ(intact, 200u);
  EXPECT_EQ(r2.status, 0) << r2.out << r2.err;
}

TEST_F(NetTap, Tcp16MiBBothWaysWithMatchingSha256) {
  auto sink = TcpServer::start(TcpServer::Mode::kSink, "10.0.2.2", ns_.get());
  ASSERT_TRUE(sink);
  auto r = run_in_ns("tcpsend -- 10.0.2.2 " + std::to_string(sink->port()) + " " + std::to_string(k16MiB));
  expect_tcpsend_delivered(r, *sink, k16MiB);

  auto vm = std::async(std::launch::async, [&] { return run_in_ns("tcprecv -- -l 7001"); });
  std::string sent = tcp_send_pattern("10.0.2.15", 7001, k16MiB, false, std::chrono::seconds(120), ns_.get());
  auto r2 = vm.get();
  EXPECT_EQ(r2.status, 0) << r2.out << r2.err;
  EXPECT_EQ(guest_sha256(r2.out), sent) << r2.out;
}

TEST_F(NetTap, TcpechoAndRefusedAndShortConnections) {
  auto echo = TcpServer::start(TcpServer::Mode::kEcho, "10.0.2.2", ns_.get());
  ASSERT_TRUE(echo);
  auto r = run_in_ns("tcpecho -- -c 100 10.0.2.2 " + std::to_string(echo->port()) + " 1000");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(echo->connections(), 100u);
  auto refused = run_in_ns("tcpecho -- 10.0.2.2 9 100");  // nothing listens on port 9
  EXPECT_EQ(refused.status, guest_exit_status(3)) << refused.out << refused.err;
  EXPECT_TRUE(contains(refused.out, "ECONNREFUSED")) << refused.out;
}

}  // namespace
}  // namespace vmm::testing
