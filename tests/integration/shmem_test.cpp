// The shared-memory device under real KVM through the real `vmm`: the
// bundled guest boots with it (its shm0 driver attaches), pings the device's
// own user network (10.0.3.2) without a single MMIO exit, and --stats-json
// reports the device. Bad placement is refused before anything starts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/kvm_available.h"
#include "tests/integration/test_binaries.h"
#include "tests/integration/shmem_checks.h"
#include "tests/integration/stats_json_file.h"
#include "tests/integration/output_text.h"
#include "tests/integration/process.h"

namespace vmm::testing {
namespace {

TEST(Shmem, BundledGuestBootsWithTheDeviceAndStatsShowIt) {
  SKIP_WITHOUT_KVM();
  std::string json_path = ::testing::TempDir() + "shmem_boot_stats.json";
  auto r = run_process({kVmm, "--shmem", "size=64K", "--stats-json", json_path});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "shmem=64K@0xe0000000")) << r.out;  // the guest echoes its cmdline
  EXPECT_TRUE(contains(r.out, "net: shm0 shared memory at 0xe0000000 size 65536")) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;

  auto doc = read_and_remove_json(json_path);
  ASSERT_FALSE(doc.is_discarded());
  const nlohmann::json* device = find_device(doc, "shmem0");
  ASSERT_NE(device, nullptr) << doc.dump(2);
  EXPECT_EQ((*device)["type"], "shmem");
  EXPECT_EQ((*device)["properties"]["gpa"], "0xe0000000");
  EXPECT_EQ((*device)["properties"]["size"], "65536");
  EXPECT_EQ((*device)["properties"]["poll"], "adaptive");
  EXPECT_EQ((*device)["properties"]["backend"], "user");
  EXPECT_EQ((*device)["counters"]["failed"], 0);
  EXPECT_GT((*device)["counters"]["polls"].get<uint64_t>(), 0u);
  for (const char* key : {"frames_to_host", "bytes_to_host", "frames_to_guest", "bytes_to_guest",
                          "spin_ns", "sleep_ns", "sleeps"})
    EXPECT_TRUE((*device)["counters"].contains(key)) << key;
}

TEST(Shmem, GuestPingsItsUserNetworkWithoutAnMmioExit) {
  SKIP_WITHOUT_KVM();
  std::string json_path = ::testing::TempDir() + "shmem_ping_stats.json";
  auto r = run_process({kVmm, "--shmem", "size=64K", "--cmdline", "init=ping -- -c 3 10.0.3.2",
                        "--stats-json", json_path},
                       240);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "3 transmitted, 3 received")) << r.out;

  auto doc = read_and_remove_json(json_path);
  ASSERT_FALSE(doc.is_discarded());
  const nlohmann::json* device = find_device(doc, "shmem0");
  ASSERT_NE(device, nullptr) << doc.dump(2);
  // Three echo requests and an ARP request at least; their answers back.
  EXPECT_GE((*device)["counters"]["frames_to_host"].get<uint64_t>(), 4u);
  EXPECT_GE((*device)["counters"]["frames_to_guest"].get<uint64_t>(), 4u);
  EXPECT_EQ((*device)["counters"]["failed"], 0);
  // The rings are plain memory in their own KVM slot: no access to them
  // reaches the VMM.
  for (const auto& vcpu : doc["vcpus"]) EXPECT_TRUE(vcpu["vmm"]["mmio"].empty()) << vcpu.dump(2);
}

// A hostile guest: its producer index jumps 1000 slots past the ring. The
// VMM stops the device, says why once, and the VM runs on to a clean
// power-off, its console still working.
TEST(Shmem, GarbageInTheHeaderStopsTheDeviceNotTheVm) {
  SKIP_WITHOUT_KVM();
  std::string json_path = ::testing::TempDir() + "shmem_scribble_stats.json";
  auto r = run_process({kVmm, "--shmem", "size=64K", "--cmdline", "init=shm-scribble", "--stats-json", json_path});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "shm-scribble: the VM still runs")) << r.out;
  expect_shmem_stopped_once(r, json_path, "peer head beyond tail + slots");
}

TEST(Shmem, BadPlacementIsOneLineOnStderrAndStatus2) {
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  const Case cases[] = {
      {{"--shmem", "size=64K,gpa=0xfec00000"}, "overlaps IOAPIC"},
      {{"--shmem", "size=64K,gpa=0x100000"}, "overlaps RAM"},
      {{"--shmem", "size=12289"}, "not a multiple of 4 KiB"},
      {{"--shmem", "size=0"}, "is zero"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {kVmm};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run_process(argv);
    EXPECT_EQ(r.status, 2) << c.args[1] << ": " << r.err;
    EXPECT_TRUE(r.err.rfind("vmm: --shmem: ", 0) == 0) << r.err;
    EXPECT_TRUE(contains(r.err, c.says)) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;  // nothing started
  }
}

}  // namespace
}  // namespace vmm::testing
