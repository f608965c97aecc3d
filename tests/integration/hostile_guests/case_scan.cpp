// A tight loop over I/O ports and MMIO addresses with no device behind
// them: 100,000 accesses, half port reads and writes, half MMIO reads and
// writes of distinct addresses in the 32-bit device hole. Each one is an
// exit the VMM answers as an open bus (reads all ones) and counts; it must
// not grow with the number of addresses touched. Writes are zero: on a
// machine with more devices (QEMU) a zero is the least harmful value.
//   hostile: unmapped-scan: accesses=N hole_read=0x.. uart=.. net_arp=.. shm0_arp=..
#include "abi/platform.h"
#include "still_working.h"
#include "hw.h"

namespace hg {

namespace {

constexpr uint32_t kAccesses = 100000;
constexpr uint64_t kHoleGpa = 0xc0000000;  // abi/platform.h: the device hole, nothing at its start

// Ports left out (case_storm.cpp writes only from 0x1000 up, for the same
// reason): the devices the guest relies on (UART, debug-exit and
// benchmark marker, ACPI sleep), KVM's in-kernel PIC/PIT/ELCR, and on a
// PC-like machine the keyboard controller, RTC, port 0x92 and 0xcf8-0xcff
// (reset lines among them).
bool skipped(uint32_t port) {
  auto in = [port](uint32_t base, uint32_t count) { return port >= base && port < base + count; };
  return in(platform::kUartCom1Port, 8) || in(0x500, 0x40) || in(platform::kAcpiSleepControlPort, 0x10) ||
         in(0x20, 2) || in(0xa0, 2) || in(0x40, 4) || in(0x4d0, 2) || in(0x60, 5) || in(0x70, 2) ||
         in(0x92, 1) || in(0xcf8, 8);
}

void scan_ports(uint32_t accesses) {
  uint32_t port = 0;
  for (uint32_t i = 0; i < accesses; ++i) {
    do port = (port + 1) & 0xfff; while (skipped(port));
    if (i % 2) outb(static_cast<uint16_t>(port), 0);
    else (void)inb(static_cast<uint16_t>(port));
  }
}

void scan_mmio(uint32_t accesses) {
  for (uint32_t i = 0; i < accesses; ++i) {
    uintptr_t addr = static_cast<uintptr_t>(kHoleGpa + 8 * (i / 2));
    if (i % 2) mmio_write32(addr, 0);
    else (void)mmio_read32(addr);
  }
}

}  // namespace

void case_unmapped_scan(Env& env) {
  uint32_t hole_read = mmio_read32(static_cast<uintptr_t>(kHoleGpa));
  scan_ports(kAccesses / 2);
  scan_mmio(kAccesses / 2);
  StillWorking after = check_still_working(env);
  Line line("unmapped-scan");
  line.num("accesses", kAccesses).hex("hole_read", hole_read);
  finish(line, after);
}

}  // namespace hg
