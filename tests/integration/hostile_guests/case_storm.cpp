// Issue 15's guest: it reads every I/O port once, writes every port from
// 0x1000 up once, reads 65,536 MMIO addresses where nothing is, then writes
// the benchmark marker port 200 times (100 start/end pairs). Each access is
// an exit; the old VMM kept a counter per port touched and copied all of
// them into every mark, and grew to gigabytes. The VMM's memory must not
// depend on how many ports the guest touched nor on the marks: the host
// test compares its peak RSS with a plain boot's.
//
// Reads are harmless everywhere, so every port is read (the UART's
// receive buffer included: nothing is typed). Writes start at 0x1000, above
// every port with a device behind it here and in QEMU microvm (debug-exit
// 0x501, the benchmark marker 0x520, ACPI sleep 0x600, the UART, PIC, PIT,
// RTC, port 0x92 and 0xcf9, which reset or stop the machine). Writes are
// zero, reads go unchecked (QEMU has devices this VMM has not).
//   hostile: port-scan-marker-storm: ports_read=N ports_written=N mmio_read=N marks=N uart=.. net_arp=.. shm0_arp=..
#include "abi/platform.h"
#include "cases.h"
#include "hw.h"
#include "report.h"
#include "still_working.h"

namespace hg {

namespace {

constexpr uint32_t kPorts = 0x10000;
constexpr uint32_t kFirstWrittenPort = 0x1000;
constexpr uint32_t kMmioReads = 0x10000;
constexpr uint64_t kStormHoleGpa = 0xc0000000;  // abi/platform.h: the device hole, nothing at its start
constexpr uint32_t kMarkPairs = 100;
constexpr uint32_t kStormPhase = 0x7e;  // no netbench phase (abi/netbench.h)

inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

}  // namespace

void case_port_scan_marker_storm(Env& env) {
  for (uint32_t port = 0; port < kPorts; ++port) (void)inb(static_cast<uint16_t>(port));
  for (uint32_t port = kFirstWrittenPort; port < kPorts; ++port) outb(static_cast<uint16_t>(port), 0);
  for (uint32_t i = 0; i < kMmioReads; ++i) (void)mmio_read32(static_cast<uintptr_t>(kStormHoleGpa + 8 * i));
  for (uint32_t i = 0; i < kMarkPairs; ++i) {
    outl(platform::kBenchMarkerPort, platform::kBenchMarkStart | kStormPhase);
    outl(platform::kBenchMarkerPort, platform::kBenchMarkEnd | kStormPhase);
  }
  StillWorking after = check_still_working(env);
  Line line("port-scan-marker-storm");
  line.num("ports_read", kPorts)
      .num("ports_written", kPorts - kFirstWrittenPort)
      .num("mmio_read", kMmioReads)
      .num("marks", 2 * kMarkPairs);
  finish(line, after);
}

}  // namespace hg
