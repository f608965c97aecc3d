#include "kernel/console.h"

#include "abi/platform.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/include/x86.h"
#include "dev/uart/uart.h"
#include "lib/format.h"

namespace {

constexpr int kNoOwner = -1;
// Far longer than any one console line takes, even when every port write
// is a slow VM exit. Measured in time, not iterations: under some
// hypervisors each instruction is emulated and a spin count means nothing.
constexpr uint64_t kForcedLockWaitUs = 500'000;

struct ConsoleState {
  int owner = kNoOwner;  // CPU id holding the lock
  int depth = 0;
  bool irq_was_enabled = false;
  bool at_line_start = true;
};
ConsoleState g_console;

int my_cpu() { return static_cast<int>(this_cpu()->id); }

bool try_take(int me) {
  int expected = kNoOwner;
  return __atomic_compare_exchange_n(&g_console.owner, &expected, me, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}

void put_raw(char c) {
  uart_putc(abi::kUartCom1Port, c);
  g_console.at_line_start = (c == '\n');
}

void console_sink(char c, void*) {
  if (c == '\n') put_raw('\r');
  put_raw(c);
}

}  // namespace

void console_init() { uart_init(abi::kUartCom1Port); }

void console_lock() {
  bool irq = x86::save_and_cli();
  int me = my_cpu();
  if (__atomic_load_n(&g_console.owner, __ATOMIC_RELAXED) == me) {
    g_console.depth++;
    return;
  }
  while (!try_take(me)) x86::pause();
  g_console.depth = 1;
  g_console.irq_was_enabled = irq;
}

void console_unlock() {
  if (--g_console.depth > 0) return;
  bool irq = g_console.irq_was_enabled;
  __atomic_store_n(&g_console.owner, kNoOwner, __ATOMIC_RELEASE);
  x86::restore_interrupts(irq);
}

void console_lock_forced() {
  x86::cli();
  int me = my_cpu();
  if (__atomic_load_n(&g_console.owner, __ATOMIC_RELAXED) == me) {
    g_console.depth++;
  } else {
    uint64_t deadline = tsc_deadline_us(kForcedLockWaitUs);
    while (!try_take(me) && !tsc_passed(deadline)) x86::pause();
    __atomic_store_n(&g_console.owner, me, __ATOMIC_SEQ_CST);  // taken or broken
    g_console.depth = 1;
    g_console.irq_was_enabled = false;
  }
  if (!g_console.at_line_start) console_sink('\n', nullptr);
}

void console_release_if_owner() {
  if (__atomic_load_n(&g_console.owner, __ATOMIC_RELAXED) != my_cpu()) return;
  g_console.depth = 0;
  __atomic_store_n(&g_console.owner, kNoOwner, __ATOMIC_RELEASE);
}

void console_write(const char* s, unsigned long n) {
  console_lock();
  for (unsigned long i = 0; i < n; ++i) console_sink(s[i], nullptr);
  console_unlock();
}

void kvprintf(const char* fmt, va_list ap) {
  console_lock();
  vformat(console_sink, nullptr, fmt, ap);
  console_unlock();
}

void kprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
}
