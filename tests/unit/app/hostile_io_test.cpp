// A guest that scans the port and MMIO spaces in a tight loop (issue 8,
// case 8), against the whole VMM: hundreds of thousands of exits at
// addresses with no device. They read as all ones (an open bus), are
// counted (as "unmapped"), and the VM runs on to the
// guest's own end with its devices working. The VMM must not grow with the
// number of distinct addresses a guest touches: once the ports have been
// seen, more passes over them and a scan of MMIO addresses never touched
// before allocate nothing lasting. (The whole port space and the
// benchmark marker: hostile_storm_test.cpp.)
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "abi/platform.h"
#include "tests/unit/app/heap_meter.h"
#include "tests/unit/app/hostile_vm_rig.h"

namespace vmm::testing {
namespace {

constexpr uint64_t kHoleGpa = 0xc0000000;  // below the virtio-mmio window, no device
constexpr uint64_t kWarmUpAddresses = 2048;
constexpr uint64_t kScanAddresses = 20000;
constexpr uint32_t kScannedPorts = 0x1000;  // the legacy range, where every device is

// The ports below kScannedPorts but the ones with a device behind them
// (abi/platform.h), which a stray write could stop.
std::vector<uint16_t> unmapped_ports() {
  auto in = [](uint32_t port, uint32_t base, uint32_t count) { return port >= base && port < base + count; };
  std::vector<uint16_t> ports;
  for (uint32_t port = 0; port < kScannedPorts; ++port) {
    if (in(port, platform::kUartCom1Port, 8) || in(port, platform::kDebugExitPort & ~0xfu, 0x40) ||
        in(port, platform::kAcpiSleepControlPort, 0x10))
      continue;
    ports.push_back(static_cast<uint16_t>(port));
  }
  return ports;
}

// Exit i: a read (even i) or a write (odd i) of ports[i / 2].
void port_exit(kvm_run& run, const std::vector<uint16_t>& ports, uint64_t i) {
  run.exit_reason = KVM_EXIT_IO;
  run.io = {static_cast<uint8_t>(i % 2 ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN), 1, ports[i / 2], 1, 4096};
  reinterpret_cast<uint8_t*>(&run)[4096] = 0x42;
}

// Exit i: a 4-byte read or write of the i / 2-th address from `base`, 8 apart.
void mmio_exit(kvm_run& run, uint64_t base, uint64_t i) {
  run.exit_reason = KVM_EXIT_MMIO;
  run.mmio.phys_addr = base + 8 * (i / 2);
  run.mmio.len = 4;
  run.mmio.is_write = i % 2;
  std::memset(run.mmio.data, 0x42, sizeof run.mmio.data);
}

TEST_F(HostileGuestTest, UnmappedPortAndMmioScansAreCountedAndDoNotGrowTheVmm) {
  create_vm();
  const std::vector<uint16_t> ports = unmapped_ports();
  int64_t heap_growth = 0;
  uint32_t mmio_value = 0;
  uint8_t port_value = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    mmio_value = vcpu.mmio_read32(kHoleGpa);
    port_value = vcpu.pio_in8(0x80);
    // One pass over the ports and some addresses: the per-port counters now
    // hold every key these ports need.
    vcpu.burst(2 * ports.size(), [&](kvm_run& run, uint64_t i) { port_exit(run, ports, i); });
    vcpu.burst(2 * kWarmUpAddresses, [](kvm_run& run, uint64_t i) { mmio_exit(run, kHoleGpa, i); });
    int64_t before = live_heap_bytes();
    vcpu.burst(2 * ports.size(), [&](kvm_run& run, uint64_t i) { port_exit(run, ports, i); });
    vcpu.burst(2 * kScanAddresses, [](kvm_run& run, uint64_t i) {
      mmio_exit(run, kHoleGpa + 8 * kWarmUpAddresses, i);
    });
    heap_growth = live_heap_bytes() - before;
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(8);
  });

  EXPECT_EQ(stats.exit_status, (8 << 1) | 1) << stats.stop_reason;
  EXPECT_EQ(mmio_value, 0xffffffffu);
  EXPECT_EQ(port_value, 0xff);
  const ExitCounts& exits = stats.vcpus.at(0).vmm;
  EXPECT_EQ((exits.mmio.at(RegionKey{"unmapped", Direction::kRead})), 1 + kWarmUpAddresses + kScanAddresses);
  EXPECT_EQ((exits.mmio.at(RegionKey{"unmapped", Direction::kWrite})), kWarmUpAddresses + kScanAddresses);
  EXPECT_EQ((exits.pio.at(RegionKey{"unmapped", Direction::kRead})), 1 + 2 * ports.size());
  EXPECT_EQ((exits.pio.at(RegionKey{"unmapped", Direction::kWrite})), 2 * ports.size());
  EXPECT_GE(exits.by_reason.at(KVM_EXIT_IO), 4 * ports.size());
  // Remembering each of the 20,000 new addresses would take over 1 MiB.
  EXPECT_LT(heap_growth, 64 << 10);
}

}  // namespace
}  // namespace vmm::testing
