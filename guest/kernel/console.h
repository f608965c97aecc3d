// The kernel console: the COM1 16550, one lock for all CPUs so that lines
// do not interleave, and kprintf. Lines end in "\r\n" (a serial terminal
// needs the carriage return).
#pragma once

#include <stdarg.h>

void console_init();
void kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char* fmt, va_list ap);
// Raw bytes (user programs' output), "\n" sent as "\r\n".
void console_write(const char* s, unsigned long n);

// The console lock is recursive per CPU, so a CPU can hold it across several
// kprintf calls (a register dump) without other CPUs cutting in.
void console_lock();
void console_unlock();

// For panic and the NMI stop handler, which must print even if the lock
// holder will never run again: wait a bounded time, then take the lock
// anyway. Starts a fresh line if the interrupted output left one open.
void console_lock_forced();
// Drops the lock completely if this CPU holds it at any depth (a CPU that
// stops forever must not keep it).
void console_release_if_owner();

class ConsoleLocker {
 public:
  ConsoleLocker() { console_lock(); }
  ~ConsoleLocker() { console_unlock(); }
  ConsoleLocker(const ConsoleLocker&) = delete;
  ConsoleLocker& operator=(const ConsoleLocker&) = delete;
};
