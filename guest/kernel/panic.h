// Kernel panic: stop every other CPU (NMI), print "panic: <message> (cpu N)"
// and end the VM through the debug-exit port (process status 3).
#pragma once

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// True once some CPU has started to panic.
bool panic_in_progress();

// Called on a CPU told to stop (the panic NMI): prints "cpu N stopped" and
// halts forever with interrupts off.
[[noreturn]] void panic_stop_this_cpu();
