#include "arch/x86/lapic_timer.h"

#include "arch/x86/cpu/idt.h"
#include "arch/x86/cpu/lapic.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/include/x86.h"
#include "boot/cmdline.h"
#include "kernel/console.h"

namespace {

// Registers (SDM vol 3, table 10-1) and LVT timer modes (figure 10-8).
constexpr uint32_t kRegLvtTimer = 0x320;
constexpr uint32_t kRegInitialCount = 0x380;
constexpr uint32_t kRegCurrentCount = 0x390;
constexpr uint32_t kRegDivide = 0x3E0;
constexpr uint32_t kModeOneShot = 0u << 17;
constexpr uint32_t kModeTscDeadline = 2u << 17;
constexpr uint32_t kLvtMasked = 1u << 16;
constexpr uint32_t kDivideBy16 = 0x3;  // divide configuration (figure 10-10)
constexpr uint64_t kCalibrationUs = 10'000;

bool g_tsc_deadline;
// One-shot mode: APIC ticks per TSC cycle, 32.32 fixed point.
uint64_t g_ticks_per_cycle;

void calibrate_one_shot() {
  lapic_write(kRegDivide, kDivideBy16);
  lapic_write(kRegLvtTimer, kLvtMasked | kModeOneShot | idt::kTimer);
  lapic_write(kRegInitialCount, 0xFFFFFFFF);
  uint64_t t0 = x86::rdtsc();
  udelay(kCalibrationUs);
  uint32_t left = lapic_read(kRegCurrentCount);
  uint64_t cycles = x86::rdtsc() - t0;
  lapic_write(kRegInitialCount, 0);
  uint64_t ticks = 0xFFFFFFFFull - left;
  g_ticks_per_cycle = (ticks << 32) / (cycles ? cycles : 1);
  if (g_ticks_per_cycle == 0) g_ticks_per_cycle = 1;
  kprintf("timer: lapic one-shot, %lu kHz\n", ticks * 1000 / kCalibrationUs);
}

void choose_mode() {
  Str v;
  bool forced = cmdline::get("timer", &v) && v == "oneshot";
  g_tsc_deadline = g_cpu_features.tsc_deadline && !forced;
  if (g_tsc_deadline) {
    kprintf("timer: lapic tsc-deadline\n");
  } else {
    calibrate_one_shot();
  }
}

}  // namespace

void lapic_timer_init() {
  static bool chosen = false;
  if (!chosen) {
    choose_mode();
    chosen = true;
  }
  if (g_tsc_deadline) {
    // The mode must be set before the deadline MSR is written (SDM 10.5.4.1).
    lapic_write(kRegLvtTimer, kModeTscDeadline | idt::kTimer);
    x86::wrmsr(x86::kMsrTscDeadline, 0);
  } else {
    lapic_write(kRegDivide, kDivideBy16);
    lapic_write(kRegLvtTimer, kModeOneShot | idt::kTimer);
    lapic_write(kRegInitialCount, 0);
  }
}

void lapic_timer_arm(uint64_t deadline) {
  if (g_tsc_deadline) {
    x86::wrmsr(x86::kMsrTscDeadline, deadline);  // 0 disarms; a past value fires now
    return;
  }
  if (deadline == 0) {
    lapic_write(kRegInitialCount, 0);  // writing 0 stops the count-down
    return;
  }
  uint64_t now = x86::rdtsc();
  uint64_t cycles = deadline > now ? deadline - now : 0;
  auto ticks = static_cast<uint64_t>((static_cast<unsigned __int128>(cycles) * g_ticks_per_cycle) >> 32);
  if (ticks == 0) ticks = 1;
  if (ticks > 0xFFFFFFFF) ticks = 0xFFFFFFFF;  // fires early; the scheduler re-arms
  lapic_write(kRegInitialCount, static_cast<uint32_t>(ticks));
}
