// Micro-benchmarks of I/O dispatch on the VMM side of an exit: the bus
// lookup alone (Bus::find), the lookup plus the device's handler (what
// exit_dispatch.cpp's access_bus does), and the whole handle_exit() over a
// scripted kvm_run, which also counts the exit. Each for a port-I/O and an
// MMIO access that hits a device and one that hits none.
//
// The buses hold what Vm::add_devices registers (UART, debug-exit, bench
// marker, ACPI sleep registers) and four virtio-mmio windows, with devices
// that do nothing, so that only the dispatch is measured. All of it is tens of
// nanoseconds against microseconds for the exit itself. Items are accesses.
// Not a test: run `bus_bench`; numbers depend on the machine.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "abi/platform.h"
#include "virtio/spec.h"
#include "hv/bus/bus.h"
#include "hv/kvm/kvm_uapi.h"
#include "vmm/vcpu/exit_counters.h"
#include "vmm/vcpu/exit_dispatch.h"

namespace {

using vmm::Bus;
using vmm::BusAccess;
using vmm::BusDevice;

// Keeps the last byte written, so the handler has an effect to keep.
class SinkDevice : public BusDevice {
 public:
  void read(const BusAccess&, std::span<uint8_t> data) override {
    for (uint8_t& byte : data) byte = last_;
  }
  void write(const BusAccess&, std::span<const uint8_t> data) override { last_ = data[0]; }

 private:
  uint8_t last_ = 0;
};

void must(vmm::Result<void> result) {
  if (!result.ok()) {
    std::fprintf(stderr, "bus_bench: %s\n", result.error().message.c_str());
    std::abort();
  }
}

constexpr int kVirtioWindows = 4;

// The VM's two buses, with the port counts of vm.cpp.
struct Buses {
  Buses() {
    auto sink = std::make_shared<SinkDevice>();
    must(pio.insert(platform::kUartCom1Port, 8, "uart", sink));
    must(pio.insert(platform::kDebugExitPort, 2, "debug-exit", sink));
    must(pio.insert(platform::kBenchMarkerPort, 4, "bench-marker", sink));
    must(pio.insert(platform::kAcpiSleepControlPort, 2, "acpi-sleep", sink));
    for (int i = 0; i < kVirtioWindows; ++i)
      must(mmio.insert(platform::kVirtioMmioBase + i * platform::kVirtioMmioStride,
                       vmm::virtio::mmio::kWindowSize, "virtio-mmio-" + std::to_string(i), sink));
  }
  Bus pio{"pio"};
  Bus mmio{"mmio"};
};

enum class Space { kPio, kMmio };

struct Access {
  Space space;
  uint64_t addr;
  uint32_t len;
};

// A UART transmit-register write (console output), a port no device has
// (0x80, the POST port guests use as an I/O delay), a QueueNotify write to
// the last virtio-mmio window, and an HPET probe (no HPET here).
constexpr Access kPioHit{Space::kPio, platform::kUartCom1Port, 1};
constexpr Access kPioMiss{Space::kPio, 0x80, 1};
constexpr uint64_t kLastVirtioWindow =
    platform::kVirtioMmioBase + (kVirtioWindows - 1) * platform::kVirtioMmioStride;
constexpr Access kMmioHit{Space::kMmio, kLastVirtioWindow + vmm::virtio::mmio::kRegQueueNotify, 4};
constexpr Access kMmioMiss{Space::kMmio, 0xfed00000, 4};

const Bus& bus_for(const Buses& buses, Space space) {
  return space == Space::kPio ? buses.pio : buses.mmio;
}

void BM_Find(benchmark::State& state, Access access) {
  Buses buses;
  const Bus& bus = bus_for(buses, access.space);
  for (auto _ : state) {
    uint64_t addr = access.addr;
    benchmark::DoNotOptimize(addr);  // no constant folding of the search
    benchmark::DoNotOptimize(bus.find(addr, access.len));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// Lookup, then the handler through the BusDevice interface, as access_bus
// does for a write (a miss writes nothing).
void BM_FindAndWrite(benchmark::State& state, Access access) {
  Buses buses;
  const Bus& bus = bus_for(buses, access.space);
  uint32_t value = 0x41;
  std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(&value), access.len);
  for (auto _ : state) {
    uint64_t addr = access.addr;
    benchmark::DoNotOptimize(addr);
    if (const vmm::BusRange* range = bus.find(addr, access.len))
      range->device->write(BusAccess{addr - range->base, 0}, data);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// The kvm_run area as KVM maps it: the struct, then the port-I/O data page.
struct RunArea {
  static constexpr size_t kSize = 2 * 4096;
  static constexpr uint32_t kPioDataOffset = KVM_PIO_PAGE_OFFSET * 4096;

  explicit RunArea(Access access) {
    kvm_run& r = run();
    if (access.space == Space::kPio) {
      r.exit_reason = KVM_EXIT_IO;
      r.io.direction = KVM_EXIT_IO_OUT;
      r.io.size = static_cast<uint8_t>(access.len);
      r.io.port = static_cast<uint16_t>(access.addr);
      r.io.count = 1;
      r.io.data_offset = kPioDataOffset;
      bytes[kPioDataOffset] = 0x41;
    } else {
      r.exit_reason = KVM_EXIT_MMIO;
      r.mmio.phys_addr = access.addr;
      r.mmio.len = access.len;
      r.mmio.is_write = 1;
      r.mmio.data[0] = 0;  // QueueNotify: queue 0
    }
  }
  kvm_run& run() { return *reinterpret_cast<kvm_run*>(bytes.data()); }

  std::vector<uint8_t> bytes = std::vector<uint8_t>(kSize, 0);
};

// What a vCPU thread does with an exit: count it (a mutex and map lookups),
// find the device, call it; a miss also asks the once-per-address log.
void BM_HandleExit(benchmark::State& state, Access access) {
  Buses buses;
  vmm::VcpuExitCounters counters;
  vmm::UnmappedAccessLog unmapped;
  vmm::ExitContext context{buses.pio, buses.mmio, counters, unmapped, 0};
  RunArea area(access);
  for (auto _ : state) {
    vmm::ExitOutcome outcome = vmm::handle_exit(area.run(), RunArea::kSize, context);
    if (outcome.action != vmm::ExitAction::kContinue) {
      state.SkipWithError(outcome.message.c_str());
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

BENCHMARK_CAPTURE(BM_Find, pio_hit, kPioHit);
BENCHMARK_CAPTURE(BM_Find, pio_miss, kPioMiss);
BENCHMARK_CAPTURE(BM_Find, mmio_hit, kMmioHit);
BENCHMARK_CAPTURE(BM_Find, mmio_miss, kMmioMiss);
BENCHMARK_CAPTURE(BM_FindAndWrite, pio_hit, kPioHit);
BENCHMARK_CAPTURE(BM_FindAndWrite, pio_miss, kPioMiss);
BENCHMARK_CAPTURE(BM_FindAndWrite, mmio_hit, kMmioHit);
BENCHMARK_CAPTURE(BM_FindAndWrite, mmio_miss, kMmioMiss);
BENCHMARK_CAPTURE(BM_HandleExit, pio_hit, kPioHit);
BENCHMARK_CAPTURE(BM_HandleExit, pio_miss, kPioMiss);
BENCHMARK_CAPTURE(BM_HandleExit, mmio_hit, kMmioHit);
BENCHMARK_CAPTURE(BM_HandleExit, mmio_miss, kMmioMiss);

}  // namespace

BENCHMARK_MAIN();
