#include "kernel/clock.h"

#include "arch/x86/cpu/tsc.h"
#include "arch/x86/include/x86.h"

namespace {

// ns = cycles * g_ns_per_cycle >> 32; cycles = ns * g_cycles_per_ns >> 24
// (2^24 leaves room for TSCs up to ~1 THz in 64 bits).
constexpr int kNsShift = 32;
constexpr int kCycleShift = 24;
uint64_t g_boot_tsc;
uint64_t g_ns_per_cycle;
uint64_t g_cycles_per_ns;

uint64_t mul_shift(uint64_t a, uint64_t b, int shift) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> shift);
}

}  // namespace

void clock_init() {
  g_boot_tsc = x86::rdtsc();
  g_ns_per_cycle = (1'000'000'000ull << kNsShift) / tsc_hz();
  g_cycles_per_ns = (tsc_hz() << kCycleShift) / 1'000'000'000ull + 1;  // round up
}

uint64_t clock_ns() { return clock_tsc_to_ns(x86::rdtsc() - g_boot_tsc); }
uint64_t clock_tsc_to_ns(uint64_t cycles) { return mul_shift(cycles, g_ns_per_cycle, kNsShift); }
uint64_t clock_ns_to_tsc(uint64_t ns) { return mul_shift(ns, g_cycles_per_ns, kCycleShift); }
