// 16550 UART, transmit only, polled. No interrupts: console output must
// work before (and without) any interrupt set-up, including in panic.
#pragma once

#include <stdint.h>

void uart_init(uint16_t port);
void uart_putc(uint16_t port, char c);
