// The bundled guest under QEMU microvm with TCG (no KVM needed), so that the
// guest kernel's checks and its network path run on every machine,
// /dev/kvm or not: the self-test (SMP, faults on user pointers, the
// tickless check), netcheck, TCP and UDP through QEMU's virtio-net and user
// network against real host sockets, and --bypass failing clearly where
// there is no shared-memory device. The same guest under our VMM on KVM is
// guest_kernel_test.cpp and net_test.cpp.
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
#include "tests/integration/run_checks.h"
#include "tests/integration/stream_checks.h"

namespace vmm::testing {
namespace {

constexpr int kTcgTimeoutSeconds = 300;

// QEMU microvm with the guest's virtio-net at the place
// qemu_test.cpp's comment explains; `extra` adds -netdev options
// (",hostfwd=...").
std::vector<std::string> tcg_args(const std::string& qemu, int cpus, const std::string& init_and_args,
                                  const std::string& extra = "") {
  std::vector<std::string> argv = {qemu, "-M", "microvm,accel=tcg", "-cpu", "max", "-smp", std::to_string(cpus),
                                   "-m", "256", "-global", "virtio-mmio.force-legacy=false",
                                   "-netdev", "user,id=n0" + extra, "-device", "virtio-net-device,netdev=n0"};
  add_qemu_guest_args(argv);
  argv.insert(argv.end(), {"-append", "virtio_mmio.device=512@0xfeb02e00:47 init=" + init_and_args});
  return argv;
}

#define QEMU_OR_SKIP(qemu)                                                              \
  std::string qemu = qemu_system_x86_64();                                              \
  if (qemu.empty()) GTEST_SKIP() << "qemu-system-x86_64 is not installed (scripts/install-deps.sh)"

TEST(QemuTcg, EverySelftestCheckPassesOnTwoCpusTicklessIncluded) {
  QEMU_OR_SKIP(qemu);
  auto r = run_process(tcg_args(qemu, 2, "selftest"), kTcgTimeoutSeconds);
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "selftest tickless: ok")) << r.out;
  EXPECT_TRUE(contains(r.out, "selftest smp-threads: ok")) << r.out;
  EXPECT_TRUE(contains(r.out, "selftest: 17 passed, 0 failed")) << r.out;
  EXPECT_FALSE(contains(r.out, "FAIL")) << r.out;
}

TEST(QemuTcg, NetcheckPassesOverQemusVirtioNet) {
  QEMU_OR_SKIP(qemu);
  auto r = run_process(tcg_args(qemu, 2, "netcheck"), kTcgTimeoutSeconds);
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "netcheck: 9 passed, 0 failed")) << r.out;
}

TEST(QemuTcg, GuestTcpsendDelivers16MiBWithMatchingSha256) {
  QEMU_OR_SKIP(qemu);
  auto sink = TcpServer::start(TcpServer::Mode::kSink, "127.0.0.1");
  ASSERT_TRUE(sink);
  auto r = run_process(tcg_args(qemu, 1, "tcpsend -- 10.0.2.2 " + std::to_string(sink->port()) + " " +
                                             std::to_string(k16MiB)),
                       kTcgTimeoutSeconds);
  expect_tcpsend_delivered(r, *sink, k16MiB);
}

TEST(QemuTcg, HostSends16MiBToGuestTcprecvThroughHostfwdWithMatchingSha256) {
  QEMU_OR_SKIP(qemu);
  uint16_t port = free_port(true);
  auto vm = std::async(std::launch::async, [&] {
    return run_process(tcg_args(qemu, 1, "tcprecv -- -l 7001", ",hostfwd=tcp:127.0.0.1:" + std::to_string(port) + "-:7001"),
                       kTcgTimeoutSeconds);
  });
  std::string sent = tcp_send_pattern("127.0.0.1", port, k16MiB, false, std::chrono::seconds(120));
  auto r = vm.get();
  expect_clean_end(r);
  ASSERT_FALSE(sent.empty()) << r.out;
  EXPECT_EQ(guest_sha256(r.out), sent) << r.out;
}

TEST(QemuTcg, GuestUdpEchoClientGetsAThousandDatagramsOf1To1472BytesBackIntact) {
  QEMU_OR_SKIP(qemu);
  auto server = UdpEchoServer::start("127.0.0.1");
  ASSERT_TRUE(server);
  auto r = run_process(tcg_args(qemu, 1, "udpecho -- 10.0.2.2 " + std::to_string(server->port()) + " 1000 1-1472"),
                       kTcgTimeoutSeconds);
  expect_clean_end(r);
  EXPECT_TRUE(contains(r.out, "1000 intact, 0 corrupt")) << r.out;
  // Through the kernel every round trip enters it: its system calls at
  // least (what --bypass takes away: QemuTcgShmem.BypassRoundTrips...).
  EXPECT_TRUE(contains(r.out, "udpecho: kernel entries on cpu ")) << r.out;
  EXPECT_FALSE(contains(r.out, ": 0 system calls")) << r.out;
}

// netbench's kernel path, every phase (accept included, through the port
// forward) against vmm-bench's own host peer: what `vmm-bench exits` runs
// on its virtio paths, without the counting.
TEST(QemuTcg, NetbenchRunsEveryPhaseAgainstTheBenchPeer) {
  QEMU_OR_SKIP(qemu);
  uint16_t forward = free_port(true);
  auto peer = bench::BenchPeer::start(forward);
  ASSERT_TRUE(peer) << peer.error().message;
  std::string args = "netbench -- -n 40 -a 7000 10.0.2.2 " + std::to_string((*peer)->udp_port()) + " " +
                     std::to_string((*peer)->tcp_port());
  auto r = run_process(tcg_args(qemu, 1, args, ",hostfwd=tcp:127.0.0.1:" + std::to_string(forward) + "-:7000"),
                       kTcgTimeoutSeconds);
  expect_clean_end(r);
  for (const auto& phase : platform::kNetbenchPhases)
    EXPECT_TRUE(contains(r.out, std::string("netbench: ") + phase.name + ": 40 calls")) << phase.name << "\n" << r.out;
  EXPECT_TRUE(contains(r.out, "netbench: done")) << r.out;
  EXPECT_EQ((*peer)->counters().opened, 40u) << "the accept phase's connections";
}

// QEMU has no shared-memory device: every --bypass program says so and
// fails, and the kernel's shm_take says ENODEV (guest/user/bypass_session.h).
TEST(QemuTcg, BypassProgramsFailClearlyWithoutTheSharedMemoryDevice) {
  QEMU_OR_SKIP(qemu);
  struct Case {
    const char* init;
    const char* says;
  };
  const Case cases[] = {
      {"netbench -- --bypass -n 5 10.0.3.2 9 9", "netbench: --bypass: cannot take shm0: ENODEV (-19)"},
      {"udpecho -- --bypass 10.0.3.2 9 1 64", "udpecho: --bypass: cannot take shm0: ENODEV (-19)"},
      {"tcpecho -- --bypass -l 7000", "tcpecho: --bypass: cannot take shm0: ENODEV (-19)"},
      {"shm-take -- hold", "shm-take: hold: no shm0 (ENODEV)"},
  };
  for (const Case& c : cases) {
    auto r = run_process(tcg_args(qemu, 1, c.init), kTcgTimeoutSeconds);
    ASSERT_FALSE(r.timed_out) << c.init << "\n" << r.out << r.err;
    EXPECT_NE(r.status, 0) << c.init << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, c.says)) << c.init << "\n" << r.out;
  }
}

}  // namespace
}  // namespace vmm::testing
