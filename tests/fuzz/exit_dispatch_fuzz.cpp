// The VMM's exit handling (vmm/vcpu/exit_dispatch) over the real port-I/O
// and MMIO buses with the real devices behind them: the 16550 UART,
// debug-exit, the ACPI sleep registers, the benchmark marker and a
// virtio-mmio transport in front of the real virtio-net device, driven by a
// sequence of exits as a hostile vCPU can make them: any port or address,
// direction, size, string-I/O count and data, and sweeps of thousands of
// distinct ports or addresses and storms of marker writes (issue 15).
//
// Invariants checked besides memory safety:
//   - the heap the VMM holds grows by at most kHeapBudget (512 KiB) per input, however
//     many ports, addresses and marks it saw (ASan's count of live bytes:
//     every malloc and operator new of the process);
//   - the exit counters stay within their entry bounds
//     (VcpuExitCounters::kMaxRegionsPerBus, kMaxReasons);
//   - the marker's record stays within its byte bound.
//
// Input: operations (see Op) until the input ends.
#include <sanitizer/allocator_interface.h>

#include <boost/asio/io_context.hpp>

#include <array>
#include <memory>
#include <vector>

#include "abi/platform.h"
#include "devices/acpi_sleep.h"
#include "vmm/stats/bench_marker.h"
#include "devices/debug_exit.h"
#include "devices/uart_16550.h"
#include "tests/support/fake_net_backend.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/unit/mock/kvm_vcpu_stats.h"
#include "virtio/mmio/interrupt_trigger.h"
#include "virtio/mmio/mmio_transport.h"
#include "virtio/net/virtio_net.h"
#include "virtio/spec.h"
#include "vmm/vcpu/exit_dispatch.h"

namespace vmm::fuzz {

using testing::FakeNetBackend;
namespace {

// The marker's record is made small here so that a storm fills it; its own
// bound is checked separately.
constexpr size_t kMarkerBytes = 64 << 10;
// What one input may leave allocated: the full marker record, the counters
// (a few KiB), the unmapped-address log (1024 entries, ~48 KiB), the
// transport's log-once keys (256, ~20 KiB), with room to spare; the old
// per-port counters alone took 6 MiB after one sweep of the port space.
constexpr size_t kHeapBudget = 512 << 10;
// Exits per input, sweeps included, and per sweep or storm: an input stays
// within some 15 ms, and still reaches past what the old code could hold in
// the budget (its per-port counters passed 512 KiB after ~11,000 distinct
// ports and directions, its marks after ~170 marks).
constexpr uint64_t kMaxExits = 1 << 15;
constexpr uint32_t kMaxSweep = 1024;
constexpr uint32_t kMaxStorm = 256;
constexpr size_t kRunArea = 3 * 4096;
constexpr uint32_t kDataOffset = 4096;
constexpr uint64_t kHoleGpa = 0xc0000000;  // no device

enum Op : uint8_t {
  kPio,        // port u16, bits u8 (out, size, count), data u32, odd data offset u8
  kMmio,       // where u8, addr u64, len u8, write flag, data u64
  kPortSweep,  // first u16, n u16, out flag: 1 + n % kMaxSweep exits at consecutive ports
  kMmioSweep,  // base u32, n u16, write flag: 1 + n % kMaxSweep exits 8 bytes apart
  kMarkStorm,  // n u16: 1 + n % kMaxStorm marker writes (start/end pairs)
  kOtherExit,  // reason u8
  kRunDeviceThread,
  kOpCount
};

class DiscardSink : public OutputSink {
 public:
  void put(uint8_t) override {}
  void flush() override {}
};

class NoIrq : public InterruptLine {
 public:
  void set_level(bool) override {}
};

class CountingTrigger : public virtio::InterruptTrigger {
 public:
  void trigger() override {}
};

size_t live_heap() { return __sanitizer_get_current_allocated_bytes(); }

// One VM's worth of buses and devices, built per input.
struct Machine {
  Machine()
      : net(FuzzGuestMemory::instance().memory(), backend, net::default_mac(0), device_thread),
        transport(virtio::MmioTransportDeps{net, FuzzGuestMemory::instance().memory(), device_thread,
                                            trigger, "virtio-net0"}) {
    backend.keep_frames = false;  // counts only: the heap is budgeted
    (void)backend.attach(device_thread, net);
    marker = std::make_shared<BenchMarker>(
        [this] {
          CounterSnapshot snapshot;
          snapshot.vcpus.push_back({0, counters.snapshot(), testing::x86_kvm_vcpu_stats(++kvm_reads), {}});
          auto t = transport.counters();
          snapshot.devices.push_back({"virtio-net0", "", {}, {{"notifications", t.notifications}}});
          return snapshot;
        },
        MarkLimits{kMarkerBytes, MarkLimits::kDefaultMaxMarks});
    using namespace platform;
    FUZZ_CHECK(pio.insert(kUartCom1Port, 8, "uart", std::make_shared<Uart16550>(sink, irq)).ok());
    FUZZ_CHECK(pio.insert(kDebugExitPort, 2, "debug-exit", std::make_shared<DebugExit>(lifecycle)).ok());
    FUZZ_CHECK(pio.insert(kAcpiSleepControlPort, 2, "acpi-sleep", std::make_shared<AcpiSleepRegisters>(lifecycle)).ok());
    FUZZ_CHECK(pio.insert(kBenchMarkerPort, 4, "bench-marker", marker).ok());
    // Not owned by the bus: a shared_ptr that does not delete.
    FUZZ_CHECK(mmio.insert(kVirtioMmioBase, virtio::mmio::kWindowSize, "virtio-net0",
                           std::shared_ptr<BusDevice>(&transport, [](BusDevice*) {})).ok());
  }

  boost::asio::io_context device_thread;
  FakeNetBackend backend;
  CountingTrigger trigger;
  virtio::VirtioNet net;
  virtio::MmioTransport transport;
  DiscardSink sink;
  NoIrq irq;
  VmLifecycle lifecycle;
  VcpuExitCounters counters;
  UnmappedAccessLog unmapped;
  uint64_t kvm_reads = 0;
  std::shared_ptr<BenchMarker> marker;
  Bus pio{"pio"};
  Bus mmio{"mmio"};
  std::vector<uint8_t> area = std::vector<uint8_t>(kRunArea, 0);
  uint64_t exits = 0;

  kvm_run& run() { return *reinterpret_cast<kvm_run*>(area.data()); }

  void dispatch() {
    ++exits;
    (void)handle_exit(run(), area.size(), ExitContext{pio, mmio, counters, unmapped, 0});
    // The device thread runs beside the vCPU in the VMM: what the transport
    // posts to it (only MMIO writes do) does not pile up.
    if (run().exit_reason == KVM_EXIT_MMIO && run().mmio.is_write) {
      device_thread.restart();
      device_thread.poll();
    }
  }

  void pio_exit(uint16_t port, bool out, uint8_t size, uint32_t count, uint32_t data_offset, uint32_t data) {
    run().exit_reason = KVM_EXIT_IO;
    run().io = {static_cast<uint8_t>(out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN), size, port, count, data_offset};
    if (data_offset + 4 <= kRunArea) std::memcpy(area.data() + data_offset, &data, 4);
    dispatch();
  }

  void mmio_exit(uint64_t addr, uint32_t len, bool write, uint64_t data) {
    run().exit_reason = KVM_EXIT_MMIO;
    run().mmio.phys_addr = addr;
    run().mmio.len = len;
    run().mmio.is_write = write;
    std::memcpy(run().mmio.data, &data, sizeof data);
    dispatch();
  }
};

// Mostly the sizes a vCPU uses, sometimes one KVM never reports.
uint8_t io_size(uint8_t sel) {
  constexpr std::array<uint8_t, 8> kSizes = {1, 1, 2, 4, 4, 0, 3, 8};
  return kSizes[sel % kSizes.size()];
}

uint64_t mmio_address(uint8_t where, uint64_t addr) {
  switch (where % 4) {
    case 0: return platform::kVirtioMmioBase + addr % (2 * virtio::mmio::kWindowSize);
    case 1: return platform::kVirtioMmioBase - 8 + addr % 16;  // straddling the window's start
    case 2: return kHoleGpa + addr % (1 << 20);
    default: return addr;
  }
}

void check_bounds(const Machine& m, size_t heap_before) {
  ExitCounts counts = m.counters.snapshot();
  FUZZ_CHECK(counts.pio.size() <= 2 * VcpuExitCounters::kMaxRegionsPerBus);
  FUZZ_CHECK(counts.mmio.size() <= 2 * VcpuExitCounters::kMaxRegionsPerBus);
  FUZZ_CHECK(counts.by_reason.size() <= VcpuExitCounters::kMaxReasons);
  size_t heap = live_heap();
  if (heap > heap_before + kHeapBudget) {
    std::fprintf(stderr, "exit_dispatch_fuzz: heap grew by %zu bytes over %lu exits (budget %zu)\n",
                 heap - heap_before, m.exits, kHeapBudget);
    FUZZ_CHECK(heap <= heap_before + kHeapBudget);
  }
}

void run_op(Machine& m, ByteReader& in) {
  switch (in.u8() % kOpCount) {
    case kPio: {
      uint16_t port = in.u16();
      uint8_t bits = in.u8();
      uint32_t data = in.u32();
      uint8_t offset_sel = in.u8();
      // Mostly the offset KVM uses; sometimes one at or past the area's end.
      uint32_t offset = offset_sel < 240 ? kDataOffset : kRunArea - (offset_sel - 240);
      m.pio_exit(port, bits & 1, io_size(bits >> 1), 1 + ((bits >> 4) % 4), offset, data);
      break;
    }
    case kMmio: {
      uint8_t where = in.u8();
      uint64_t addr = mmio_address(where, in.u64());
      uint32_t len = in.u8() % 10;  // 0 and 9 are refused
      bool write = in.flag();
      m.mmio_exit(addr, len, write, in.u64());
      break;
    }
    case kPortSweep: {
      uint16_t first = in.u16();
      uint32_t n = 1 + in.u16() % kMaxSweep;
      bool out = in.flag();
      for (uint32_t i = 0; i < n && m.exits < kMaxExits; ++i)
        m.pio_exit(static_cast<uint16_t>(first + i), out, 1, 1, kDataOffset, 0);
      break;
    }
    case kMmioSweep: {
      uint64_t base = kHoleGpa + in.u32() % (1 << 24);
      uint32_t n = 1 + in.u16() % kMaxSweep;
      bool write = in.flag();
      for (uint32_t i = 0; i < n && m.exits < kMaxExits; ++i) m.mmio_exit(base + 8 * i, 4, write, 0);
      break;
    }
    case kMarkStorm: {
      uint32_t n = 1 + in.u16() % kMaxStorm;
      for (uint32_t i = 0; i < n && m.exits < kMaxExits; ++i) {
        uint32_t value = (i % 2 ? platform::kBenchMarkEnd : platform::kBenchMarkStart) | 1;
        m.pio_exit(platform::kBenchMarkerPort, true, 4, 1, kDataOffset, value);
      }
      break;
    }
    case kOtherExit:
      m.run().exit_reason = in.u8();
      m.dispatch();
      break;
    case kRunDeviceThread:
      m.device_thread.restart();
      m.device_thread.poll();
      break;
  }
}

}  // namespace
}  // namespace vmm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vmm::fuzz;
  FuzzGuestMemory::instance().reset();
  auto machine = std::make_unique<Machine>();
  size_t heap_before = live_heap();
  ByteReader in({data, size});
  while (!in.empty() && machine->exits < kMaxExits) {
    run_op(*machine, in);
    check_bounds(*machine, heap_before);
  }
  vmm::MarkRecord record = machine->marker->take_record();
  FUZZ_CHECK(record.bytes() <= kMarkerBytes);
  if (verbose())
    std::fprintf(stderr, "exit_dispatch_fuzz: %lu exits, %zu marks kept (%zu bytes), %lu dropped, heap +%zu\n",
                 machine->exits, record.size(), record.bytes(), record.dropped(), live_heap() - heap_before);
  return 0;
}
