#include "arch/x86/cpu/tsc.h"

#include "arch/x86/include/x86.h"

namespace {

// The 8254 PIT counts at 1.193182 MHz (Intel 8254 data sheet; the PC's
// 14.31818 MHz crystal / 12).
constexpr uint64_t kPitHz = 1193182;
constexpr uint16_t kPitChannel0 = 0x40;
constexpr uint16_t kPitCommand = 0x43;
// Control words (8254 data sheet, "Control Word Format" and "Counter Latch
// Command"). Channel 0 is used because its gate is tied high; channel 2's
// gate sits behind port 0x61, which QEMU microvm does not emulate.
constexpr uint8_t kCh0Mode0LoHi = 0x30;  // channel 0, lo/hi byte, mode 0, binary
constexpr uint8_t kCh0Latch = 0x00;

constexpr uint16_t kCalibrationTicks = 23864;  // 20 ms, well below a wrap
constexpr int kCalibrationRuns = 3;
// The counter moves every 0.84 us; if it has not moved after ~10 ms there
// is no PIT. A run never takes more than ~1 s, even on a broken PIT.
constexpr uint64_t kNoTickCycles = 1ull << 25;
constexpr uint64_t kGiveUpCycles = 1ull << 32;
constexpr uint64_t kMinSaneHz = 100'000'000;
constexpr uint64_t kMaxSaneHz = 20'000'000'000;

// Before (or without) calibration: a high guess, so that bounded waits err
// on the long side.
uint64_t g_hz = 4'000'000'000;

uint16_t read_counter0() {
  x86::outb(kPitCommand, kCh0Latch);
  uint8_t lo = x86::inb(kPitChannel0);
  uint8_t hi = x86::inb(kPitChannel0);
  return static_cast<uint16_t>(hi << 8 | lo);
}

// Starts channel 0 counting down from 0xffff (mode 0: it keeps counting,
// and only raises IRQ 0, masked, at terminal count).
void start_counter0() {
  x86::outb(kPitCommand, kCh0Mode0LoHi);
  x86::outb(kPitChannel0, 0xFF);
  x86::outb(kPitChannel0, 0xFF);
}

// TSC cycles per kPitHz ticks from one run, or 0 if the PIT did not count.
// Each sample pairs a counter read with the TSC read right after it, so the
// read latency mostly cancels out between the first and last sample.
uint64_t measure_once() {
  start_counter0();
  uint16_t first = read_counter0();
  uint64_t t0 = x86::rdtsc();
  for (;;) {
    uint16_t now = read_counter0();
    uint64_t t = x86::rdtsc();
    uint16_t elapsed = static_cast<uint16_t>(first - now);
    if (elapsed >= kCalibrationTicks && elapsed < 0x8000) return (t - t0) * kPitHz / elapsed;
    if ((elapsed == 0 && t - t0 > kNoTickCycles) || t - t0 > kGiveUpCycles) return 0;
  }
}

}  // namespace

bool tsc_calibrate() {
  static_assert(kCalibrationRuns == 3, "median of three below");
  uint64_t r[kCalibrationRuns];
  for (uint64_t& v : r) {
    v = measure_once();
    if (v == 0) return false;  // no PIT: do not wait for it again
  }
  // Median of three: one run disturbed by the host (a preempted vCPU) is
  // dropped whichever way it errs.
  uint64_t hz = r[0] < r[1] ? (r[1] < r[2] ? r[1] : (r[0] < r[2] ? r[2] : r[0]))
                            : (r[0] < r[2] ? r[0] : (r[1] < r[2] ? r[2] : r[1]));
  if (hz < kMinSaneHz || hz > kMaxSaneHz) return false;
  g_hz = hz;
  return true;
}

uint64_t tsc_hz() { return g_hz; }

uint64_t tsc_deadline_us(uint64_t us) { return x86::rdtsc() + us * (g_hz / 1'000'000); }

bool tsc_passed(uint64_t deadline) { return static_cast<int64_t>(x86::rdtsc() - deadline) >= 0; }

void udelay(uint64_t us) {
  uint64_t deadline = tsc_deadline_us(us);
  while (!tsc_passed(deadline)) x86::pause();
}
