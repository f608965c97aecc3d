// Console input: bytes from the UART's receive interrupt into a ring
// buffer, read by read(0, ...). Output goes straight to the console.
#pragma once

#include <stddef.h>
#include <stdint.h>

// Routes the UART interrupt (ISA IRQ 4) and enables receiving.
void tty_init();
// Whether read would find input now (poll, select).
bool tty_input_ready();
// Waits until input is there, copies up to n bytes: the count, or -EINTR.
int64_t tty_read(char* buf, size_t n);
