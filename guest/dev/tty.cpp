#include "dev/tty.h"

#include "abi/platform.h"
#include "arch/x86/platform/irq.h"
#include "dev/uart/uart.h"
#include "kernel/console.h"
#include "lib/spinlock.h"
#include "proc/file.h"
#include "sched/waitqueue.h"
#include "uapi/errno.h"

namespace {

constexpr uint32_t kBufferSize = 256;

constinit SpinLock g_lock;
char g_buffer[kBufferSize];
uint32_t g_head;  // next byte to read
uint32_t g_tail;  // next free slot; empty when equal
WaitQueue g_readers;

bool input_ready() {
  SpinLocker lock(g_lock);
  return g_head != g_tail;
}

// Drains the UART (the line stays asserted while data is there) into the
// ring; bytes that do not fit are dropped.
void on_interrupt(void*) {
  char c;
  bool any = false;
  while (uart_getc(abi::kUartCom1Port, &c)) {
    SpinLocker lock(g_lock);
    if ((g_tail + 1) % kBufferSize != g_head) {
      g_buffer[g_tail] = c;
      g_tail = (g_tail + 1) % kBufferSize;
    }
    any = true;
  }
  if (any) {
    g_readers.wake_all();
    file_poll_queue().wake_all();
  }
}

size_t take(char* buf, size_t n) {
  SpinLocker lock(g_lock);
  size_t got = 0;
  while (got < n && g_head != g_tail) {
    buf[got++] = g_buffer[g_head];
    g_head = (g_head + 1) % kBufferSize;
  }
  return got;
}

}  // namespace

bool tty_input_ready() { return input_ready(); }

void tty_init() {
  Status s = irq_route_isa(abi::kUartCom1Irq, on_interrupt, nullptr);
  if (!s.is_ok()) {
    kprintf("tty: no console input: %s\n", s.message());
    return;
  }
  uart_enable_rx_interrupt(abi::kUartCom1Port);
}

int64_t tty_read(char* buf, size_t n) {
  for (;;) {  // another reader may empty the buffer between wake-up and take
    if (g_readers.wait(input_ready) == WaitResult::kInterrupted) return -err::kIntr;
    if (size_t got = take(buf, n)) return static_cast<int64_t>(got);
  }
}
