// shm0 and the --bypass programs under QEMU with TCG, with the VMM's own
// host side of the shared-memory device in this process
// (qemu_shmem_host.h): the guest kernel's hand-over of the rings, its give-
// back after an exit or a crash, the programs' own stacks carrying UDP and
// TCP intact both ways, hostile holders, and netbench --bypass, on every
// machine, /dev/kvm or not. Under our VMM on KVM the same runs are
// shmem_net_test.cpp's.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "abi/netbench.h"
#include "bench/exits/bench_peer.h"
#include "tests/integration/net_peers.h"
#include "tests/integration/output_text.h"
#include "tests/integration/process.h"
#include "tests/integration/qemu_binary.h"
#include "tests/integration/qemu_shmem_host.h"
#include "tests/integration/run_checks.h"
#include "tests/integration/stream_checks.h"

namespace vmm::testing {
namespace {

constexpr int kTimeoutSeconds = 300;

// A QEMU microvm guest with shm0 and no other network device (as `vmm
// --net none --shmem ...`), running `init_and_args`.
class QemuShm0 {
 public:
  explicit QemuShm0(const std::vector<std::string>& host_forwards = {}) {
    qemu_ = qemu_system_x86_64();
    auto host = QemuShmemHost::start(host_forwards);
    if (!host) {
      why_ = host.error().message;
      return;
    }
    host_ = std::move(*host);
  }

  // Why the test cannot run, or "".
  std::string unavailable() const {
    if (qemu_.empty()) return "qemu-system-x86_64 is not installed (scripts/install-deps.sh)";
    return why_;
  }

  ProcessResult run(const std::string& init_and_args) {
    std::vector<std::string> argv = {qemu_, "-smp", "1"};
    for (const auto& a : host_->qemu_machine_args()) argv.push_back(a);
    add_qemu_guest_args(argv);
    argv.insert(argv.end(), {"-append", QemuShmemHost::kernel_words() + " init=" + init_and_args});
    return run_process(argv, kTimeoutSeconds);
  }

  const QemuShmemHost& host() const { return *host_; }

 private:
  std::string qemu_, why_;
  std::unique_ptr<QemuShmemHost> host_;
};

#define SKIP_WITHOUT(vm)                                      \
  if (!(vm).unavailable().empty()) GTEST_SKIP() << (vm).unavailable()

TEST(QemuTcgShmem, TheKernelsShm0PingsTheHost) {
  QemuShm0 vm;
  SKIP_WITHOUT(vm);
  auto r = vm.run("ping -- -c 3 10.0.3.2");
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "net: shm0 shared memory at 0x10000000")) << r.out;
  EXPECT_TRUE(contains(r.out, "3 transmitted, 3 received")) << r.out;
}

// shm_take(2): one process at a time, given back after an exit and after a
// crash, and then the kernel's own shm0 pings again (guest/user/shm_take.cpp).
TEST(QemuTcgShmem, Shm0RingsGoToOneProcessAtATimeAndComeBackAfterItsEndOrCrash) {
  QemuShm0 vm;
  SKIP_WITHOUT(vm);
  auto r = vm.run("shm-take");
  expect_clean_end(r);
  for (const char* line : {"shm-take: hold: ok region", "shm-take: crash: ok region", "shm-take: hold-busy: ok region",
                           "shm-take: busy: ok (shm_take returned -16)", "shm-take: stack: ok",
                           "the kernel has the rings again", "shm-take: check: ok"})
    EXPECT_TRUE(contains(r.out, line)) << line << "\n" << r.out;
}

TEST(QemuTcgShmem, BypassUdpEchoClientGets10000DatagramsOf1To1472BytesBackIntact) {
  QemuShm0 vm;
  SKIP_WITHOUT(vm);
  auto server = UdpEchoServer::start("127.0.0.1");
  ASSERT_TRUE(server);
  auto r = vm.run("udpecho -- --bypass 10.0.3.2 " + std::to_string(server->port()) + " 10000 1-1472");
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "rings handed to process")) << r.out;
  EXPECT_TRUE(contains(r.out, "10000 intact, 0 corrupt")) << r.out;
  EXPECT_GE(server->echoed(), 10000u);
}

// Issue 18, "quiet while polling": after the first echo (ARP, first touches
// of memory) a --bypass round trip enters the guest kernel not once on its
// CPU: no system call, no interrupt (no timer tick: the CPU runs one thread),
// no fault. On a host that emulates the guest kernel each entry would be a
// VM exit; the kernel's own path makes four system calls and takes an
// interrupt a round trip (QemuTcg.GuestUdpEchoClient...).
TEST(QemuTcgShmem, BypassRoundTripsEnterTheGuestKernelNotOnceAfterTheFirst) {
  QemuShm0 vm;
  SKIP_WITHOUT(vm);
  auto server = UdpEchoServer::start("127.0.0.1");
  ASSERT_TRUE(server);
  auto r = vm.run("udpecho -- --bypass 10.0.3.2 " + std::to_string(server->port()) + " 10000 64");
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "10000 intact, 0 corrupt")) << r.out;
  EXPECT_TRUE(contains(r.out, "udpecho: kernel entries on cpu 0 after the first echo: 0 system calls, 0 interrupts, "
                              "0 exceptions"))
      << r.out;
}

TEST(QemuTcgShmem, BypassTcpsendDelivers16MiBWithMatchingSha256) {
  QemuShm0 vm;
  SKIP_WITHOUT(vm);
  auto sink = TcpServer::start(TcpServer::Mode::kSink, "127.0.0.1");
  ASSERT_TRUE(sink);
  auto r = vm.run("tcpsend -- --bypass 10.0.3.2 " + std::to_string(sink->port()) + " " + std::to_string(k16MiB));
  EXPECT_TRUE(contains(r.out, "tcpsend: --bypass: shm0 at")) << r.out;
  expect_tcpsend_delivered(r, *sink, k16MiB);
}

TEST(QemuTcgShmem, HostSends16MiBToABypassTcprecvThroughHostfwdWithMatchingSha256) {
  uint16_t port = free_port(true);
  QemuShm0 vm({"tcp:127.0.0.1:" + std::to_string(port) + "-:7001"});
  SKIP_WITHOUT(vm);
  auto guest = std::async(std::launch::async, [&] { return vm.run("tcprecv -- --bypass -l 7001"); });
  std::string sent = tcp_send_pattern("127.0.0.1", port, k16MiB, false, std::chrono::seconds(120));
  auto r = guest.get();
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "tcprecv: --bypass: shm0 at")) << r.out;
  ASSERT_FALSE(sent.empty()) << r.out;
  EXPECT_EQ(guest_sha256(r.out), sent) << r.out;
}

TEST(QemuTcgShmem, BypassTcpechoClientAndServerEchoEveryByte) {
  auto echo = TcpServer::start(TcpServer::Mode::kEcho, "127.0.0.1");
  ASSERT_TRUE(echo);
  {
    QemuShm0 vm;
    SKIP_WITHOUT(vm);
    auto r = vm.run("tcpecho -- --bypass 10.0.3.2 " + std::to_string(echo->port()) + " 1000000");
    expect_clean_end(r);
    EXPECT_TRUE(contains(r.out, "1000000 bytes intact")) << r.out;
  }
  uint16_t port = free_port(true);
  QemuShm0 vm({"tcp:127.0.0.1:" + std::to_string(port) + "-:7000"});
  auto guest = std::async(std::launch::async, [&] { return vm.run("tcpecho -- --bypass -l 7000 -n 1"); });
  std::string sent = tcp_send_pattern("127.0.0.1", port, 1000000, /*echo=*/true, std::chrono::seconds(120));
  auto r = guest.get();
  expect_clean_end(r);
  EXPECT_FALSE(sent.empty()) << "the echo differed or never came\n" << r.out;
}

// A holder whose producer index jumps past the ring: the host stops the
// device and says why; the holder's stack reports ENETDOWN; the kernel keeps
// shm0 stopped (the next shm_take gets -EIO); the guest runs on.
TEST(QemuTcgShmem, AProcessScribblingOnItsRingsStopsTheDeviceNotTheGuest) {
  QemuShm0 vm;
  SKIP_WITHOUT(vm);
  auto r = vm.run("shm-take -- hostile scribble");
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "shm-take: scribble: ok the stack reports ENETDOWN (host: peer head beyond tail + slots)"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "shm-take: hostile: ok")) << r.out;
  EXPECT_TRUE(contains(vm.host().stats().stop_reason, "peer head beyond tail + slots")) << vm.host().stats().stop_reason;
}

TEST(QemuTcgShmem, AProcessWritingGarbageOverTheWholeRegionHarmsNeitherTheGuestNorTheHost) {
  QemuShm0 vm;
  SKIP_WITHOUT(vm);
  auto r = vm.run("shm-take -- hostile garbage");
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "shm-take: garbage: ok 262144 random bytes over the region")) << r.out;
  EXPECT_TRUE(contains(r.out, "interface stopped")) << r.out;
  EXPECT_TRUE(contains(r.out, "shm-take: hostile: ok")) << r.out;
}

// What `vmm-bench exits --paths shmem-bypass` runs, without the counting:
// every phase over netbench's own stack, accept included.
TEST(QemuTcgShmem, NetbenchBypassRunsEveryPhaseAgainstTheBenchPeer) {
  uint16_t forward = free_port(true);
  QemuShm0 vm({"tcp:127.0.0.1:" + std::to_string(forward) + "-:7000"});
  SKIP_WITHOUT(vm);
  auto peer = bench::BenchPeer::start(forward);
  ASSERT_TRUE(peer) << peer.error().message;
  auto r = vm.run("netbench -- --bypass -n 40 -a 7000 10.0.3.2 " + std::to_string((*peer)->udp_port()) + " " +
                  std::to_string((*peer)->tcp_port()));
  expect_clean_end(r);
  for (const auto& phase : platform::kNetbenchPhases)
    EXPECT_TRUE(contains(r.out, std::string("netbench: ") + phase.name + ": 40 calls")) << phase.name << "\n" << r.out;
  EXPECT_TRUE(contains(r.out, "netbench: done")) << r.out;
  EXPECT_EQ((*peer)->counters().opened, 40u) << "the accept phase's connections";
}

}  // namespace
}  // namespace vmm::testing
