// Boots the bundled guest and foreign PVH guests under real KVM through the
// real `vmm` binary.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/kvm_available.h"
#include "tests/integration/test_binaries.h"
#include "tests/integration/output_text.h"
#include "tests/integration/process.h"

namespace vmm::testing {
namespace {

class BundledGuestBoot : public ::testing::TestWithParam<int> {};

TEST_P(BundledGuestBoot, AllCpusComeOnlineAndTheGuestPowersOff) {
  SKIP_WITHOUT_KVM();
  int cpus = GetParam();
  auto r = run_process({kVmm, "--smp", std::to_string(cpus)});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  for (int cpu = 0; cpu < cpus; ++cpu)
    EXPECT_TRUE(contains(r.out, "cpu " + std::to_string(cpu) + " online (apic " +
                                    std::to_string(cpu) + ")"))
        << r.out;
  std::string all = std::to_string(cpus);
  EXPECT_TRUE(contains(r.out, "smp: " + all + " of " + all + " CPUs online")) << r.out;
  EXPECT_TRUE(contains(r.out, "boot: ok")) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;  // the VMM's log never mixes into the console
}

INSTANTIATE_TEST_SUITE_P(Smp, BundledGuestBoot, ::testing::Values(1, 2, 4));

TEST(Boot, ExplicitGuestPathBootsTheSameImage) {
  SKIP_WITHOUT_KVM();
  auto r = run_process({kVmm, "--guest", kBundledGuest, "--smp", "2"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "smp: 2 of 2 CPUs online")) << r.out;
}

TEST(Boot, ForeignGuestPrintsAndEndsThroughDebugExit) {
  SKIP_WITHOUT_KVM();
  auto r = run_process({kVmm, "--guest", kGuestDir + "/hello_guest.elf"});
  EXPECT_EQ(r.status, (0x21 << 1) | 1) << r.err;
  EXPECT_EQ(r.out, "hello from a foreign pvh guest\n");
}

TEST(Boot, TripleFaultEndsWithGuestFaultStatusAndRegisters) {
  SKIP_WITHOUT_KVM();
  auto r = run_process({kVmm, "--guest", kGuestDir + "/triple_fault_guest.elf", "--smp", "2"});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.status, 4) << r.err;
  EXPECT_TRUE(contains(r.err, "vcpu 0: triple fault")) << r.err;
  EXPECT_TRUE(contains(r.err, "rip=0x")) << r.err;
}

class StopSignal : public ::testing::TestWithParam<int> {};

TEST_P(StopSignal, EndsAHaltedVmWithStatus128PlusSignal) {
  SKIP_WITHOUT_KVM();
  int signal = GetParam();
  SignalOnOutput stop{"u\n", signal};
  auto r = run_process({kVmm, "--guest", kGuestDir + "/halt_forever_guest.elf", "--smp", "4"}, 30,
                       &stop);
  ASSERT_FALSE(r.timed_out) << "the VMM did not stop on signal " << signal;
  EXPECT_EQ(r.status, 128 + signal) << r.err;
  // Torn down in order, then ended by the signal itself (exit_status.h): a
  // guest's debug-exit status is always an exit, never this.
  EXPECT_EQ(r.killed_by, signal) << r.err;
  EXPECT_TRUE(contains(r.err, signal == SIGINT ? "SIGINT" : "SIGTERM")) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Signals, StopSignal, ::testing::Values(SIGINT, SIGTERM));

TEST(Stats, PortLoopExitCountIsExactInTheJson) {
  SKIP_WITHOUT_KVM();
  std::string json_path = ::testing::TempDir() + "port_loop_stats.json";
  auto r = run_process({kVmm, "--guest", kGuestDir + "/port_loop_guest.elf", "--smp", "2",
                        "--stats", "--stats-json", json_path});
  ASSERT_EQ(r.status, 1) << r.err;  // debug-exit with 0 -> (0 << 1) | 1
  EXPECT_TRUE(contains(r.out, "unmapped")) << r.out;
  std::ifstream in(json_path);
  auto doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc["vcpus"].size(), 2u);
  const auto& vcpu0 = doc["vcpus"][0];
  uint64_t unmapped_out = 0, debug_exit_out = 0;  // port 0x80 has no device
  for (const auto& io : vcpu0["vmm"]["io"]) {
    if (io["region"] == "unmapped" && io["direction"] == "out") unmapped_out = io["count"];
    if (io["region"] == "debug-exit" && io["direction"] == "out") debug_exit_out = io["count"];
  }
  EXPECT_EQ(unmapped_out, 1000u);
  EXPECT_EQ(debug_exit_out, 1u);
  EXPECT_EQ(vcpu0["vmm"]["by_reason"]["IO"], 1001);
  EXPECT_GE(vcpu0["kvm"]["exits"].get<uint64_t>(), 1001u);  // KVM sees these and more
  EXPECT_TRUE(doc["vcpus"][1]["kvm"].contains("exits"));
  std::remove(json_path.c_str());
}

}  // namespace
}  // namespace vmm::testing
