// Issue 15's hostile guest against the whole VMM on the mock KVM: it reads
// every port, writes every port from 0x1000 up, reads 65,536 MMIO addresses
// where nothing is, then writes the benchmark marker 200 times (100
// start/end pairs), with x86 KVM's 42 per-vCPU counters behind every
// snapshot. What the VMM holds afterwards must not depend on how many ports
// and addresses the guest touched: the old per-port counters held ~6 MiB
// per vCPU after such a scan, and every mark copied them all.
// tests/integration/hostile_guest_test.cpp runs the same guest under KVM.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/platform.h"
#include "tests/unit/app/heap_meter.h"
#include "tests/unit/app/hostile_vm_rig.h"
#include "tests/unit/mock/kvm_vcpu_stats.h"

namespace vmm::testing {
namespace {

constexpr uint32_t kPorts = 0x10000;
constexpr uint32_t kFirstWrittenPort = 0x1000;  // below: devices and reset lines
constexpr uint64_t kMmioScan = 0x10000;
constexpr uint64_t kStormHoleGpa = 0xc0000000;  // below the virtio-mmio window, no device
constexpr uint64_t kMarks = 200;
// What the scan and the storm may leave behind: the 200 marks' rows (about
// 700 bytes each for one vCPU), the names they use once, the counters'
// few regions.
constexpr int64_t kHeapBudget = 512 << 10;

void storm_port_exit(kvm_run& run, uint16_t port, bool out) {
  run.exit_reason = KVM_EXIT_IO;
  run.io = {static_cast<uint8_t>(out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN), 1, port, 1, 4096};
  reinterpret_cast<uint8_t*>(&run)[4096] = 0;
}

// Mark i: the start (even i) or the end (odd i) of phase i / 2.
void marker_exit(kvm_run& run, uint64_t i) {
  run.exit_reason = KVM_EXIT_IO;
  run.io = {KVM_EXIT_IO_OUT, 4, platform::kBenchMarkerPort, 1, 4096};
  uint32_t value = (i % 2 ? platform::kBenchMarkEnd : platform::kBenchMarkStart) | static_cast<uint32_t>(i / 2);
  std::memcpy(reinterpret_cast<uint8_t*>(&run) + 4096, &value, 4);
}

TEST_F(HostileGuestTest, APortScanAndAMarkerStormStayWithinAFixedHeapBudget) {
  create_vm();
  uint64_t kvm_reads = 0;
  EXPECT_CALL(*bsp_, read_stats()).WillRepeatedly(::testing::Invoke([&kvm_reads] {
    return Result<KvmStats>(x86_kvm_vcpu_stats(++kvm_reads));
  }));
  int64_t heap_growth = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    int64_t before = live_heap_bytes();
    vcpu.burst(kPorts, [](kvm_run& run, uint64_t i) { storm_port_exit(run, static_cast<uint16_t>(i), false); });
    vcpu.burst(kPorts - kFirstWrittenPort, [](kvm_run& run, uint64_t i) {
      storm_port_exit(run, static_cast<uint16_t>(kFirstWrittenPort + i), true);
    });
    vcpu.burst(kMmioScan, [](kvm_run& run, uint64_t i) {
      run.exit_reason = KVM_EXIT_MMIO;
      run.mmio.phys_addr = kStormHoleGpa + 8 * i;
      run.mmio.len = 4;
      run.mmio.is_write = 0;
    });
    vcpu.burst(kMarks, marker_exit);
    heap_growth = live_heap_bytes() - before;
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(9);
  });

  EXPECT_EQ(stats.exit_status, (9 << 1) | 1) << stats.stop_reason;
  EXPECT_EQ(stats.marks.size(), kMarks);
  EXPECT_EQ(stats.marks_dropped, 0u);
  // Counted per device region, the rest in one bucket.
  const ExitCounts& exits = stats.vcpus.at(0).vmm;
  EXPECT_LE(exits.pio.size(), 2 * VcpuExitCounters::kMaxRegionsPerBus);
  EXPECT_EQ((exits.pio.at(RegionKey{"bench-marker", Direction::kWrite})), kMarks);
  EXPECT_GE((exits.pio.at(RegionKey{"unmapped", Direction::kRead})), kPorts - 16);
  EXPECT_EQ((exits.mmio.at(RegionKey{"unmapped", Direction::kRead})), kMmioScan);
  std::printf("scan of %u ports and %llu MMIO addresses, %llu marks: heap growth %lld bytes\n", kPorts,
              static_cast<unsigned long long>(kMmioScan), static_cast<unsigned long long>(kMarks),
              static_cast<long long>(heap_growth));
  EXPECT_LT(heap_growth, kHeapBudget);
}

}  // namespace
}  // namespace vmm::testing
