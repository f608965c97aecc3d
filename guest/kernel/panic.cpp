// panic(): the first CPU to panic stops the others with an NMI (which no
// cli can hold off), waits a bounded time for them to say "cpu N stopped",
// prints "panic: <message> (cpu N)" and exits through the debug-exit port.
//
// Re-entry is bounded: a fault inside panic (depth 2) prints one short line
// and exits; a fault while doing that (depth 3) exits without printing.
#include "kernel/panic.h"

#include <stdarg.h>

#include "arch/x86/cpu/lapic.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/include/x86.h"
#include "kernel/console.h"
#include "kernel/debug_exit_port.h"

namespace {

constexpr int kNoCpu = -1;
constexpr uint64_t kStopWaitUs = 3'000'000;
constexpr uint8_t kPanicExitValue = 1;  // VMM/QEMU status (1 << 1) | 1 = 3

int g_panic_cpu = kNoCpu;
uint32_t g_stopped_count;

// NMI every other online CPU and wait until they report stopped.
void stop_other_cpus(const Cpu& me) {
  if (!lapic_ready()) return;
  uint32_t others = 0;
  for (uint32_t i = 0; i < g_cpu_count; ++i) {
    const Cpu& c = g_cpus[i];
    if (&c == &me || !__atomic_load_n(&c.online, __ATOMIC_SEQ_CST)) continue;
    ++others;
    lapic_send_nmi(c.apic_id);
  }
  uint64_t deadline = tsc_deadline_us(kStopWaitUs);
  while (__atomic_load_n(&g_stopped_count, __ATOMIC_ACQUIRE) < others && !tsc_passed(deadline)) {
    x86::pause();
  }
}

[[noreturn]] void nested_panic(const char* fmt, va_list ap) {
  console_lock_forced();
  kprintf("panic: nested panic: ");
  kvprintf(fmt, ap);
  kprintf(" (cpu %u)\n", this_cpu()->id);
  debug_exit(kPanicExitValue);
}

}  // namespace

bool panic_in_progress() { return __atomic_load_n(&g_panic_cpu, __ATOMIC_SEQ_CST) != kNoCpu; }

void panic(const char* fmt, ...) {
  x86::cli();
  Cpu* me = this_cpu();
  int depth = ++me->panic_depth;
  if (depth > 2) debug_exit(kPanicExitValue);
  va_list ap;
  va_start(ap, fmt);
  if (depth == 2) nested_panic(fmt, ap);

  int expected = kNoCpu;
  if (!__atomic_compare_exchange_n(&g_panic_cpu, &expected, static_cast<int>(me->id), false,
                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    panic_stop_this_cpu();  // another CPU panics first; it reports for all
  }
  stop_other_cpus(*me);
  console_lock_forced();
  kprintf("panic: ");
  kvprintf(fmt, ap);
  kprintf(" (cpu %u)\n", me->id);
  va_end(ap);
  debug_exit(kPanicExitValue);
}

void panic_stop_this_cpu() {
  x86::cli();
  Cpu* me = this_cpu();
  if (!me->stopped) {
    me->stopped = true;
    console_lock_forced();
    kprintf("cpu %u stopped\n", me->id);
    console_release_if_owner();  // this CPU never runs again
    __atomic_add_fetch(&g_stopped_count, 1, __ATOMIC_RELEASE);
  }
  x86::halt_forever();
}
