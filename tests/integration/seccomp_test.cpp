// The VMM under its default seccomp filters (every thread confined once set
// up, vmm/seccomp) with real KVM: a guest that uses both network paths and
// the statistics files ends with status 0; a confined VM still stops on a
// signal; --no-seccomp boots as well. The other integration tests run with
// the filters too, since they are on by default.
//
// That a forbidden system call from a vCPU thread ends the VMM is checked
// below the guest, in tests/unit/seccomp (confinement_test.cpp, and
// confined_vm_test.cpp where the whole VM runs on the mock KVM): a guest
// cannot make the VMM's vCPU thread issue a system call of its choosing, and
// a hidden switch in the VMM to provoke one would be a hole in itself.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/kvm_available.h"
#include "tests/integration/test_binaries.h"
#include "tests/integration/output_text.h"
#include "tests/integration/process.h"

namespace vmm::testing {
namespace {

// Below ctest's 120 s for this group: a hang fails here, with the output.
constexpr int kConfinedRunTimeoutSeconds = 110;

// A kill by seccomp shows as status 128 + SIGSYS (159); name it if it happens.
std::string diagnosis(const ProcessResult& r) {
  std::string why = r.status == 128 + SIGSYS ? "killed by SIGSYS: a seccomp filter lacks a system call "
                                               "(the kernel log names it: dmesg | grep 'type=1326')\n"
                                             : "";
  return why + r.out + r.err;
}

TEST(Seccomp, GuestPingsOverVirtioNetAndShm0UnderTheDefaultFilters) {
  SKIP_WITHOUT_KVM();
  std::string json_path = ::testing::TempDir() + "seccomp_ping_stats.json";
  auto r = run_process({kVmm, "--smp", "2", "--net", "user", "--shmem", "size=256K", "--cmdline",
                        "init=ping -- -c 3 10.0.2.2", "--stats", "--stats-json", json_path},
                       kConfinedRunTimeoutSeconds);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << diagnosis(r);
  EXPECT_TRUE(contains(r.out, "3 transmitted, 3 received")) << r.out;
  EXPECT_TRUE(contains(r.out, "net: eth0 virtio-net")) << r.out;
  EXPECT_TRUE(contains(r.out, "net: shm0 shared memory")) << r.out;
  // The statistics: KVM's counters read (pread) and the JSON file written
  // by the confined main thread, into the file it opened beforehand.
  std::ifstream in(json_path);
  auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  std::remove(json_path.c_str());
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["vcpus"].size(), 2u);
  EXPECT_EQ(doc["devices"].size(), 2u);
}

TEST(Seccomp, GuestPingsTheShmemNetworkUnderTheDefaultFilters) {
  SKIP_WITHOUT_KVM();
  auto r = run_process({kVmm, "--shmem", "size=256K", "--cmdline", "init=ping -- -c 3 10.0.3.2"},
                       kConfinedRunTimeoutSeconds);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << diagnosis(r);
  EXPECT_TRUE(contains(r.out, "3 transmitted, 3 received")) << r.out;
}

TEST(Seccomp, AConfinedVmStopsOnSigterm) {
  SKIP_WITHOUT_KVM();
  SignalOnOutput stop{"u\n", SIGTERM};
  auto r = run_process({kVmm, "--guest", kGuestDir + "/halt_forever_guest.elf", "--smp", "4", "--net", "user"}, 30,
                       &stop);
  ASSERT_FALSE(r.timed_out) << "the VMM did not stop on SIGTERM";
  EXPECT_EQ(r.status, 128 + SIGTERM) << diagnosis(r);
  EXPECT_EQ(r.killed_by, SIGTERM) << diagnosis(r);  // not SIGSYS: the filter lets vmm end by it
}

TEST(Seccomp, NoSeccompBootsTheBundledGuestToo) {
  SKIP_WITHOUT_KVM();
  auto r = run_process({kVmm, "--no-seccomp", "--smp", "2", "--net", "user"});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "boot: ok")) << r.out;
}

}  // namespace
}  // namespace vmm::testing
