// 16550 UART. Transmit is polled: console output must work before (and
// without) any interrupt set-up, including in panic. Receive is
// interrupt-driven once dev/tty.cpp enables it.
#pragma once

#include <stdint.h>

void uart_init(uint16_t port);
void uart_putc(uint16_t port, char c);

// Turns on the "received data available" interrupt (IER bit 0) and the OUT2
// gate that connects the UART's interrupt line (MCR bit 3).
void uart_enable_rx_interrupt(uint16_t port);
// Reads one received byte if there is one.
bool uart_getc(uint16_t port, char* c);
