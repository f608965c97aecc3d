// The first user program: "init=PROGRAM" (default selftest) with the words
// after " -- " as its arguments. When it ends the VM ends: ACPI power-off
// (status 0) if it exited with 0, else debug-exit with its exit code (or
// 128 + signal if a fault killed it), i.e. VMM status (code << 1) | 1.
#pragma once

// Starts init (after "boot: ok"); panics if the program does not exist.
void init_start();
